"""Writing result files: atomically (a failure never leaves half a file) with the usual permissions."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _atomic(path, write) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        # mkstemp creates the file 0600; a report should have the usual permissions (umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text(path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    _atomic(path, lambda fh: fh.write(text.encode(encoding)))


def write_bytes(path, data: bytes) -> None:
    _atomic(path, lambda fh: fh.write(data))
