"""Writing result files: atomically (a failure never leaves half a file) with the usual permissions."""
from __future__ import annotations

import os
from pathlib import Path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _atomic(path, write) -> None:
    """Write via a temporary file in the same folder, so a failure never leaves a half-written
    result. A symlink is followed (the link stays, its target gets the result); an existing
    file keeps its permissions, a new one gets the umask's. Temporary files are named
    ``.NAME.<pid>.tmp``: ones left by a killed run (dead pid) are removed by the next write."""
    path = Path(os.path.realpath(path))
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        pid = stale.name[len(path.name) + 2:-4]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            write(fh)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    _atomic(path, lambda fh: fh.write(text.encode(encoding)))


def write_bytes(path, data: bytes) -> None:
    _atomic(path, lambda fh: fh.write(data))
