"""targetcast command line: parse -> call the library -> render. No statistics here.

Results go to stdout (tables, or only data for csv/json/markdown); progress and
diagnostics go to stderr. Domain errors exit 1 with a message (and a problems table),
usage errors exit 2, never a traceback.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from forecast.errors import ForecastError
from history.problems import DataError, problems_frame

app = typer.Typer(
    help="Will each plan indicator reach its target, and how likely is that?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True, highlight=False)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def _stdout() -> Console:
    # Created per call so CliRunner's captured stdout is used in tests.
    return Console(highlight=False, soft_wrap=False)


def fail(message: str, problems=()) -> None:
    """Print a domain error (and its problems table) on stderr and exit 1."""
    if problems:
        err.print(problems_table(problems))
    err.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(1)


def problems_table(problems) -> Table:
    frame = problems_frame(problems)
    t = Table(title="Problems", show_lines=False)
    for col in ["severity", "file", "row", "column", "value", "problem", "fix"]:
        t.add_column(col, overflow="fold")
    for r in frame.itertuples(index=False):
        style = "red" if r.severity == "error" else "yellow"
        t.add_row(
            f"[{style}]{r.severity}[/]", str(r.file), "" if r.row is None or pd.isna(r.row) else str(int(r.row)),
            str(r.column or ""), str(r.value if r.value is not None else ""), str(r.problem), str(r.fix),
        )
    return t


def write_frame(frame: pd.DataFrame, fmt: Format, output: Optional[Path], meta: dict | None = None,
                table: Table | None = None) -> None:
    """Write a result frame as table/csv/json/markdown to stdout or ``output``.

    JSON is ``{"meta": {...}, "rows": [...]}``; CSV carries the metadata as leading
    ``# key: value`` comment lines only when written to a file with meta given.
    """
    meta = meta or {}
    if fmt == Format.table:
        if output is not None:
            console = Console(file=open(output, "w", encoding="utf-8"), width=200, highlight=False)
        else:
            console = _stdout()
        console.print(table if table is not None else frame_table(frame))
        return
    if fmt == Format.csv:
        text = frame.to_csv(index=False)
    elif fmt == Format.json:
        rows = json.loads(frame.to_json(orient="records", force_ascii=False))
        text = json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _markdown(frame, meta)
    if output is not None:
        Path(output).write_text(text, encoding="utf-8")
        err.print(f"Wrote {len(frame)} rows to {output}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _markdown(frame: pd.DataFrame, meta: dict) -> str:
    def cell(v) -> str:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return ""
        return str(v).replace("|", "\\|")

    lines = []
    if meta:
        lines.append(" · ".join(f"{k}: {v}" for k, v in meta.items()))
        lines.append("")
    lines.append("| " + " | ".join(frame.columns) + " |")
    lines.append("|" + "|".join("---" for _ in frame.columns) + "|")
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def frame_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    t = Table(title=title)
    for col in frame.columns:
        t.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        t.add_row(*["" if (v is None or (isinstance(v, float) and pd.isna(v))) else
                    (f"{v:,.4g}" if isinstance(v, float) else str(v)) for v in row])
    return t


def main() -> None:  # pragma: no cover - console entry for `python -m cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
