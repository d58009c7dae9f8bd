"""targetcast command line: parse -> call the library -> render. No statistics here.

Results go to stdout (rich tables, or only data for csv/json/markdown); progress and
diagnostics go to stderr. Domain errors exit 1 with a message (and a problems table),
usage errors exit 2, never a traceback. The seed is echoed so every run can be repeated.
"""
from __future__ import annotations

import functools
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

# One BLAS thread per process, set before numpy loads: the models fit tiny matrices, where
# OpenBLAS's worker threads only spin (30 synthetic regions: 9.7 -> 7.4 CPU s, same wall), and
# --jobs worker processes would otherwise each start a thread per core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pandas as pd  # noqa: E402
import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from forecast.errors import ForecastError
from history.problems import DataError, problems_frame
from targetcast.defaults import CONFIDENCE, DRAWS, SEED, SUGGEST_TO_YEAR
from targetcast.report.files import write_text as _atomic_write
from targetcast.report.numbers import fmt_num, fmt_pct

app = typer.Typer(
    help="targetcast — will each plan indicator reach its target, and how likely is that?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# markup=False everywhere: user text (a region "武汉市[/b]", a scenario "slow[/b]", a message
# with [scenario.NAME]) is printed as written; styles are given with style= or Text.
err = Console(stderr=True, highlight=False, markup=False)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("targetcast")
        except PackageNotFoundError:  # run from a checkout without installing
            v = "(not installed)"
        typer.echo(f"targetcast {v}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """targetcast — will each plan indicator reach its target, and how likely is that?"""


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"


#: the output file endings that choose a format when --format is not given
SUFFIX_FORMAT = {".xlsx": Format.xlsx, ".html": Format.html, ".htm": Format.html, ".csv": Format.csv,
                 ".json": Format.json, ".md": Format.markdown}


class Table_(str, Enum):
    """The tables of an assessment a CSV can hold (one per file)."""

    risk = "risk"
    portfolio = "portfolio"
    goal_seek = "goal_seek"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


# --------------------------------------------------------------------------- plumbing

def _width() -> int | None:
    # Piped or captured output gets a wide fixed width so risk tables are not squashed.
    if sys.stdout.isatty():
        return None
    return int(os.environ.get("COLUMNS", "200"))


def _stdout() -> Console:
    # Created per call so the stdout captured by tests (CliRunner) is the one written to.
    return Console(highlight=False, width=_width(), soft_wrap=False, markup=False)


def _domain_errors():
    from scenarios.errors import ScenarioError

    return (DataError, ForecastError, ScenarioError)


def handle_errors(fn):
    """Turn domain errors into exit code 1 with a message (and problems table), no traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _domain_errors() as exc:
            problems = getattr(exc, "problems", ())
            fail(str(exc), problems)
        except UnicodeDecodeError as exc:  # pragma: no cover - readers convert these to DataError
            fail(f"Cannot decode input: {exc}. Save the file as UTF-8 (Excel: 另存为 → CSV UTF-8).")
        except OSError as exc:  # a write or read the system refused (full disk, /proc, name too long ...)
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            fail(f"{exc.strerror or exc}{where}. Nothing was written; choose another path or free some space.")

    return wrapper


def fail(message: str, problems=()) -> None:
    """Print a domain error (and its problems table) on stderr and exit 1."""
    if problems:
        err.print(problems_table(problems))
    err.print(Text.assemble(("Error:", "bold red"), f" {message}"))
    raise typer.Exit(1)


def problems_table(problems, title: str = "Problems"):
    """Problems as one table per file — the file named once, above its table, so paths never
    wrap into the columns — errors first; long lists cut to a screenful with a count of the rest."""
    from rich.console import Group

    from history.problems import first_problems

    by_file: dict[str, list] = {}
    for p in problems:
        by_file.setdefault(str(p.file), []).append(p)
    tables = []
    for file, found in by_file.items():
        shown, rest = first_problems(found)
        n_err = sum(p.severity == "error" for p in found)
        t = Table(title=Text(f"{title}: {file} ({n_err} error(s), {len(found) - n_err} note(s))"),
                  title_justify="left", show_lines=False,
                  caption=Text(f"{rest}. The full list: targetcast validate FILE --format csv.") if rest else None,
                  caption_justify="left")
        for col, ratio in (("severity", None), ("row", None), ("column", None), ("value", 1), ("problem", 3),
                           ("fix", 2)):
            t.add_column(col, overflow="fold", ratio=ratio, no_wrap=col in ("severity", "row"))
        for p in shown:
            style = "red" if p.severity == "error" else "yellow"
            t.add_row(Text(p.severity, style=style), "" if p.row is None else str(int(p.row)), Text(_blank(p.column)),
                      Text(_blank(p.value)), Text(str(p.problem)), Text(_blank(p.fix)))
        tables.append(t)
    return Group(*tables)


def _blank(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _package_modules():
    import forecast
    import history
    import scenarios
    import targetcast

    return (history, forecast, scenarios, targetcast)


def _guard_output(output: Optional[Path], inputs: list[Optional[Path]], fmt: Optional[Format] = None, *,
                  html: bool = False) -> Format:
    """Refuse to write results over an input file (input files are never modified), or where
    the file cannot be written; return the format to write (``_output_format``)."""
    if output is None:
        return _output_format(fmt, output, html=html)
    out = Path(output).resolve()
    # Checked before any work is done, so a long simulation never ends in a failed write.
    if not out.parent.is_dir():
        fail(f"--output {output}: the folder {out.parent} does not exist. Create it or choose another path.")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        fail(f"--output {output}: no permission to write there. Choose another path.")
    if out.is_dir():
        fail(f"--output {output} is a folder; give a file name, e.g. {Path(output) / 'result.csv'}.")
    package = [Path(m.__file__).resolve().parent for m in _package_modules()]
    if any(out.is_relative_to(folder) for folder in package) or out == Path(__file__).resolve():
        fail(f"--output {output} is inside the installed targetcast package (its bundled data and code); "
             "writing there would break every later run. Choose a path outside it, e.g. ~/result.csv.")
    if len(out.name.encode()) > 255:
        fail(f"--output: the file name is {len(out.name.encode())} bytes long; 255 is the limit. Choose a shorter name.")
    for p in inputs:
        if p is not None and Path(p).resolve() == out:
            fail(f"--output {output} is one of the input files; input files are never overwritten. "
                 "Choose another output file name.")
    return _output_format(fmt, output, html=html)


def _output_format(fmt: Optional[Format], output: Optional[Path], *, html: bool = False) -> Format:
    """The format to write. Without --format (None), an output name ending in .xlsx/.html/.csv/
    .json/.md picks that format, else table; a name that contradicts the format is an error
    (exit 1), so an .xlsx file is always a workbook, never text with that name."""
    suffix = Path(output).suffix.lower() if output is not None else ""
    by_suffix = SUFFIX_FORMAT.get(suffix)
    if fmt is None:
        fmt = by_suffix if by_suffix is not None and (html or by_suffix != Format.html) else Format.table
    if output is not None and fmt != by_suffix and (by_suffix in (Format.xlsx, Format.html) or fmt == Format.xlsx):
        want = {Format.xlsx: ".xlsx", Format.html: ".html"}.get(fmt, f".{'md' if fmt == Format.markdown else fmt.value}")
        fail(f"--output {output} ends in {suffix or 'no extension'} but the format is {fmt.value}: the file would "
             f"not be what its name says. Name it *{want}, or drop --format to write "
             f"{by_suffix.value if by_suffix else 'a table'}.")
    if fmt == Format.html and not html:
        fail(f"--format html is for `targetcast risk` and `targetcast report`; use xlsx, csv, json or markdown here.")
    if fmt == Format.xlsx and output is None:
        fail("--format xlsx writes a workbook: give the file name with --output NAME.xlsx.")
    return fmt


def write_frame(frame: pd.DataFrame, fmt: Format, output: Optional[Path], *, meta: dict | None = None,
                renderables=None, extra: dict[str, pd.DataFrame] | None = None) -> None:
    """Write a result as table/csv/json/markdown to stdout or ``output``.

    JSON is ``{"meta": {...}, "rows": [...]}`` plus one key per ``extra`` table (UTF-8, Chinese
    kept readable). CSV is the plain
    frame (machine friendly; the metadata goes to stderr). Markdown starts with a metadata line.
    """
    meta = meta or {}
    fmt = _output_format(fmt, output)  # callers pass the resolved format; None (library use) = table
    if fmt == Format.xlsx:
        from targetcast.report.files import write_bytes
        from targetcast.report.xlsx import frame_workbook

        write_bytes(Path(output), frame_workbook(frame, _jsonable(meta)))
        err.print(f"Wrote {len(frame)} rows to {output}")
        return
    if fmt == Format.table:
        items = renderables if renderables is not None else [frame_table(frame)]
        if output is not None:
            console = Console(record=True, width=200, highlight=False, markup=False, file=open(os.devnull, "w"))
            for item in items:
                console.print(item)
            _atomic_write(Path(output), console.export_text())
            err.print(f"Wrote table to {output}")
        else:
            console = _stdout()
            for item in items:
                console.print(item)
        return
    if fmt == Format.csv:
        text = frame.to_csv(index=False)
    elif fmt == Format.json:
        doc = {"meta": _jsonable(meta), "rows": _records(frame)}
        doc.update({name: _records(f) for name, f in (extra or {}).items()})
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    else:
        text = markdown(frame, meta)
    if meta and fmt == Format.csv:
        err.print(" · ".join(f"{k}={v}" for k, v in meta.items() if k != "skipped"))
    if output is not None:
        # A CSV file gets a byte-order mark so Excel on Chinese Windows opens it as UTF-8, not GBK.
        _atomic_write(Path(output), text, encoding="utf-8-sig" if fmt == Format.csv else "utf-8")
        err.print(f"Wrote {len(frame)} rows to {output}")
    else:
        # CSV on stdout gets the same byte-order mark as a CSV file: `> out.csv` then opens in
        # Excel on Chinese Windows as UTF-8, not GBK mojibake.
        sys.stdout.write(("\ufeff" if fmt == Format.csv else "") + text)
        sys.stdout.flush()


def _records(frame: pd.DataFrame) -> list:
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def _jsonable(obj):
    return json.loads(json.dumps(obj, ensure_ascii=False, default=str))


def markdown(frame: pd.DataFrame, meta: dict | None = None) -> str:
    def cell(v) -> str:
        if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
            return ""
        if isinstance(v, float):
            return fmt_num(v)
        return str(v).replace("|", "\\|")

    lines = []
    if meta:
        lines += [" · ".join(f"{k}: {v}" for k, v in meta.items()), ""]
    lines.append("| " + " | ".join(map(str, frame.columns)) + " |")
    lines.append("|" + "|".join("---" for _ in frame.columns) + "|")
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def frame_table(frame: pd.DataFrame, title: str | None = None, caption: str | None = None,
                lang: "Lang | None" = None) -> Table:
    from scenarios.labels import label

    t = Table(title=title, caption=caption)
    for col in frame.columns:
        t.add_column(label("column", str(col), lang.value) if lang is not None else str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        t.add_row(*[Text(fmt_num(v)) if isinstance(v, float) else Text("" if v is None or v is pd.NA else str(v))
                    for v in row])
    return t


def echo_run(meta: dict) -> None:
    """Echo what is needed to repeat the run exactly (stderr)."""
    err.print(" · ".join(f"{k}={v}" for k, v in meta.items() if v is not None), style="dim")


# --------------------------------------------------------------------------- data loading

def _load_targets(path: Optional[Path]):
    from targetcast import load_targets

    return load_targets(path)


def _load_series(path: Optional[Path], sheet: Optional[str] = None):
    from targetcast import load_series

    return load_series(path, sheet=sheet)


def _show_notes(*loaded) -> None:
    notes = [n for obj in loaded if obj is not None for n in getattr(obj, "notes", ())]
    if notes:
        err.print(f"{len(notes)} value(s) were normalised while reading (see `targetcast validate`).", style="yellow")


def _warn(warnings) -> None:
    """Print the library's warnings (probable mistakes that change nothing) on stderr."""
    for message in warnings:
        err.print(f"Warning: {message}", style="yellow")


OUTPUT_OPT = typer.Option(None, "--output", "-o", help="Write the result to this file instead of stdout.")
FORMAT_OPT = typer.Option(None, "--format", "-f", help="table (rich), csv, json, markdown or xlsx "
                          "(default: from the --output name's ending, else table).")
TABLE_OPT = typer.Option(Table_.risk, "--table", help="Which table a CSV (or table/markdown) holds: risk (one row "
                         "per target), portfolio (expected number met, P(all binding met) per plan and category) or "
                         "goal_seek (the growth uplift each target not on track needs). JSON holds all three.")
SEED_OPT = typer.Option(SEED, "--seed", help="Random seed; the same seed gives the same numbers.")
DRAWS_OPT = typer.Option(DRAWS, "--draws", min=100, max=1_000_000, help="Monte Carlo sample paths per series.")
LANG_OPT = typer.Option(Lang.zh, "--lang", help="Language of the table's headers and words (zh or en).")
SHEET_OPT = typer.Option(None, "--sheet", help="Sheet of an .xlsx --series (default: the sheet named history, "
                         "else the first with a header row).")


# options of risk and report
AS_OF_OPT = typer.Option(None, "--as-of", help="Ignore observations after this year (replay a mid-term evaluation).")
MODEL_OPT = typer.Option("auto", "--model", help="Forecast model (auto is calibrated; see `targetcast backtest`).")
CORRELATION_OPT = typer.Option("0", "--correlation", help="Common-factor correlation between indicators, 0–1 or 'auto'.")
THRESHOLDS_OPT = typer.Option("0.8,0.5,0.2", "--thresholds", help="P(attain) cut-offs for on_track, watch, at_risk.")
TOL_OPT = typer.Option(0.10, "--tol", min=0.0, max=1.0, help="Tolerance around time progress for the rule-based status.")
GOAL_SEEK_OPT = typer.Option(True, "--goal-seek/--no-goal-seek", help="Growth uplift needed for P(attain) ≥ 0.8 on targets not on track.")
JOBS_OPT = typer.Option(None, "--jobs", "-j", min=1, show_default="all cores", help="Worker processes; the numbers are "
                        "the same for any --jobs (the run is cut into parts of whole plans).")
ENGINE_OPT = typer.Option("local", "--engine", help="local (this machine, --jobs processes) or dask (a Dask cluster: "
                          "--scheduler ADDRESS, else a local one; pip install 'targetcast[dask]').")
SCHEDULER_OPT = typer.Option(None, "--scheduler", help="Dask scheduler address for --engine dask, e.g. tcp://host:8786.")


# --------------------------------------------------------------------------- commands: data

@app.command()
@handle_errors
def plans(
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False, help="Targets file (default: bundled plans)."),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False, help="Series file (default: bundled series)."),
    lang: Lang = LANG_OPT,
    fmt: Optional[Format] = FORMAT_OPT,
    output: Optional[Path] = OUTPUT_OPT,
):
    """List the plans: region, period, number of targets, how many have usable history."""
    from history.bundled import plans_summary

    fmt = _guard_output(output, [targets, series], fmt)
    t, s = _load_targets(targets), _load_series(series)
    frame = plans_summary(t.frame, s.frame)
    write_frame(frame, fmt, output, meta={"targets": t.file, "series": s.file},
                renderables=[frame_table(frame, title="规划" if lang == Lang.zh else "Plans", lang=lang,
                                         caption="有历史数据：≥ 2 个观测；可预测：≥ 3；无数据：没有观测" if lang == Lang.zh else
                                         "with history: ≥ 2 observations; projectable: ≥ 3; no data: no observation")])


@app.command()
@handle_errors
def show(
    plan: str = typer.Argument(..., help="Plan id, e.g. wuhan_14fyp (see `targetcast plans`)."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False),
    lang: Lang = LANG_OPT,
    fmt: Optional[Format] = FORMAT_OPT,
    output: Optional[Path] = OUTPUT_OPT,
):
    """Each target of a plan with its baseline, latest observation and how much history it has."""
    from history.bundled import plan_detail

    fmt = _guard_output(output, [targets, series], fmt)
    t, s = _load_targets(targets), _load_series(series)
    frame = plan_detail(plan, t.frame, s.frame)
    write_frame(frame, fmt, output, meta={"plan": plan}, renderables=[_show_table(plan, frame, lang)])


def _show_table(plan: str, frame: pd.DataFrame, lang: Lang = Lang.en) -> Table:
    from scenarios.labels import label

    zh = lang == Lang.zh
    t = Table(title=f"{plan} — " + ("目标与历史数据" if zh else "targets and history"), title_justify="left",
              caption="⚠ 观测少于 3 个：仅作弱证据预测（2 个）或不预测（0–1 个）" if zh else
              "⚠ fewer than 3 observations: projected only as weak evidence (2) or not at all (0–1)")
    for col in ["indicator", "name", "unit", "kind", "baseline_value", "target_value", "latest_value", "n_obs",
                "years", "sources", "flag"]:
        t.add_column(label("column", col, lang.value), overflow="fold")
    for r in frame.to_dict("records"):
        base = "—" if pd.isna(r["baseline_value"]) else f"{fmt_num(r['baseline_value'])} ({_yr(r['baseline_year'])})"
        if base == "—" and not pd.isna(r["baseline_year"]):
            base = f"— ({_yr(r['baseline_year'])})"
        latest = "—" if pd.isna(r["latest_value"]) else f"{fmt_num(r['latest_value'])} {r.get('series_unit') or ''} ({_yr(r['latest_year'])})"
        flag = Text(("⚠ " if r["too_short"] else "") + (r.get("flag") or ""), style="yellow" if r["too_short"] else "")
        t.add_row(str(r["indicator"]), Text(str(r["name"])), str(r["unit"] or ""), str(r["kind"]), base,
                  f"{fmt_num(r['target_value'])} ({_yr(r['target_year'])})", latest, str(r["n_obs"]),
                  str(r.get("years") or ""), Text(str(r.get("sources") or ""), style="dim"), flag)
    return t


@app.command()
@handle_errors
def validate(
    files: Optional[list[Path]] = typer.Argument(None, exists=True, dir_okay=False, help="Series or targets files (.csv, .xlsx)."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False, help="Targets file; with --series the pair is checked too."),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False, help="Series file; with --targets the pair is checked too."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Sheet of the .xlsx FILES (default: the sheet named history/targets, else the first with data)."),
    fmt: Optional[Format] = FORMAT_OPT,
):
    """Check series/targets files and list every problem at once (file, row, column, value, fix).

    With --targets T --series S, also what only the pair shows: targets that match no series,
    units that measure different things, target years before the data."""
    from history.readers import load_series, load_targets
    from history.validation import validate_tables

    if fmt in (Format.html, Format.xlsx):
        fail(f"validate prints its findings; --format {fmt.value} is not available here. Use table, csv, json or markdown.")
    fmt = _output_format(fmt, None)
    paths = list(dict.fromkeys([*(files or []), *(p for p in (targets, series) if p is not None)]))
    if not paths:
        raise typer.BadParameter("give the files to check, or --targets T --series S", param_hint="FILES")
    tables = [tab for f in paths for tab in validate_tables(f, sheet=sheet if f in (files or []) else None)]
    if targets is not None and series is not None and not any(
            p.severity == "error" for _, _, problems in tables for p in problems):
        from history.pairing import check_pair

        t, s = load_targets(targets), load_series(series)
        tables.append((f"{t.file} × {s.file}", "targets × series",
                       check_pair(t.frame, s.frame, targets_file=t.file, series_file=s.file)))
    all_problems = [p for _, _, problems in tables for p in problems]
    frame = problems_frame(all_problems)
    n_errors = int((frame["severity"] == "error").sum()) if len(frame) else 0
    if fmt == Format.table:
        out = err if n_errors else _stdout()
        if len(frame):
            out.print(problems_table(all_problems))
        for label, kind, problems in tables:
            n_err = sum(p.severity == "error" for p in problems)
            mark = Text("OK", style="green") if n_err == 0 else Text("FAILED", style="red")
            out.print(Text.assemble(mark, f" {label} ({kind}): {n_err} error(s), {len(problems) - n_err} note(s)"))
    else:
        write_frame(frame, fmt, None, meta={"files": [label for label, _, _ in tables], "errors": n_errors})
    if n_errors:
        raise typer.Exit(1)


@app.command()
@handle_errors
def template(
    plan: str = typer.Argument(..., help="Plan id whose targets go into the workbook."),
    output: Path = typer.Option(..., "--output", "-o", dir_okay=False, help="The .xlsx file to create (never overwritten)."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False),
    first_year: Optional[int] = typer.Option(None, "--first-year", help="First year column of the history sheet."),
    last_year: Optional[int] = typer.Option(None, "--last-year", help="Last year column of the history sheet."),
):
    """Write a fill-in workbook for a plan: its targets and an empty wide history sheet."""
    from history.template import write_template

    _guard_output(output, [targets])
    t = _load_targets(targets)
    path = write_template(t.frame, plan, output, first_year=first_year, last_year=last_year)
    err.print(f"Wrote {path}: fill the 'history' sheet, then run "
              f"`targetcast risk {plan} --targets {path} --series {path}`")


# --------------------------------------------------------------------------- commands: forecast

@app.command("forecast")
@handle_errors
def forecast_cmd(
    series: Path = typer.Option(..., "--series", exists=True, dir_okay=False, help="Series file (long or wide)."),
    horizon: Optional[int] = typer.Option(None, "--horizon", min=1, max=30, help="Years after the latest year in the file; every series is forecast to that same year (use --to-year to name it)."),
    to_year: Optional[int] = typer.Option(None, "--to-year", help="Project up to this year."),
    model: str = typer.Option("auto", "--model", help="auto, naive, drift, logdrift, linear, ets, ets_damped, arima, theta, logit."),
    levels: list[int] = typer.Option([80, 95], "--levels", help="Interval levels in %, repeatable."),
    draws: int = DRAWS_OPT,
    seed: int = SEED_OPT,
    sheet: Optional[str] = SHEET_OPT,
    lang: Lang = LANG_OPT,
    fmt: Optional[Format] = FORMAT_OPT,
    output: Optional[Path] = OUTPUT_OPT,
):
    """Forecast fan per series and year: mean, p50 and lo_/hi_ bounds for each level."""
    import targetcast as tc

    if (horizon is None) == (to_year is None):
        raise typer.BadParameter("give exactly one of --horizon or --to-year", param_hint="--horizon/--to-year")
    fmt = _guard_output(output, [series], fmt)
    s = _load_series(series, sheet)
    _show_notes(s)
    with _progress("Forecasting") as tick:
        fc = tc.forecast(s, to_year=to_year, horizon=horizon, model=model, draws=draws, seed=seed, progress=tick)
    end = fc.meta["to_year"]
    skipped = fc.meta.get("skipped", {})
    _report_skipped(skipped, "--format json lists every reason (meta.skipped)")
    frame = fc.to_frame(levels)
    meta = {"seed": seed, "draws": draws, "model": model, "to_year": end, "series": str(series)}
    echo_run(meta)
    meta["skipped"] = {f"{r}/{i}": why for (r, i), why in skipped.items()}
    tables = []
    for sf in fc:
        sub = frame[(frame.region == sf.region) & (frame.indicator == sf.indicator)]
        cols = ["year", "p50", "mean"] + [c for lv in levels for c in (f"lo_{lv}", f"hi_{lv}")]
        obs = ", ".join(f"{y}:{fmt_num(v)}" for y, v in zip(sf.obs_years[-6:], sf.obs_values[-6:]))
        cap = (f"模型 {sf.model} · 观测 {obs}" if lang == Lang.zh else f"model {sf.model} · observed {obs}")
        if sf.flags_for():
            cap += "\n" + _flag_words(";".join(sf.flags_for()), lang)
        if sf.notes_for():
            cap += "\n" + "\n".join(sf.notes_for())
        tables.append(frame_table(sub[cols].reset_index(drop=True), title=f"{sf.region} / {sf.indicator} {sf.unit}",
                                  caption=cap, lang=lang))
    write_frame(frame, fmt, output, meta=meta, renderables=tables)


def _report_skipped(skipped: dict, more: str, shown: int = 5) -> None:
    """Name the series left out and why: the first few in full, then a count (217 two-line
    warnings buried the result)."""
    for (region, indicator), why in list(skipped.items())[:shown]:
        err.print(Text.assemble((f"Skipped {region}/{indicator}:", "yellow"), f" {why}"))
    if len(skipped) > shown:
        err.print(f"… and {len(skipped) - shown:,} more series skipped; {more}.", style="yellow")


class _progress:
    """A progress bar on stderr for long loops (only on a terminal; 20,000 series take minutes)."""

    def __init__(self, what: str):
        self.what, self.bar, self.task = what, None, None

    def __enter__(self):
        if err.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err, transient=True)
            self.bar.start()
        return self.tick

    def tick(self, done: int, total: int) -> None:
        if self.bar is None or total < 20:
            return
        if self.task is None:
            self.task = self.bar.add_task(f"{self.what} {total:,} series", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


@app.command()
@handle_errors
def backtest(
    series: Path = typer.Option(..., "--series", exists=True, dir_okay=False, help="Series file."),
    models: Optional[str] = typer.Option(None, "--models", help="Comma-separated model names (default: all that fit)."),
    horizon: int = typer.Option(3, "--horizon", min=1, max=10, help="Years ahead scored at each origin."),
    draws: int = DRAWS_OPT,
    seed: int = SEED_OPT,
    sheet: Optional[str] = SHEET_OPT,
    lang: Lang = LANG_OPT,
    fmt: Optional[Format] = FORMAT_OPT,
    output: Optional[Path] = OUTPUT_OPT,
):
    """Rolling-origin accuracy (sMAPE, MASE) and interval coverage per model on your own series."""
    import targetcast as tc

    fmt = _guard_output(output, [series], fmt)
    s = _load_series(series, sheet)
    names = [m.strip() for m in models.split(",")] if models else None
    frame = tc.backtest(s, models=names, horizon=horizon, draws=draws, seed=seed)
    skipped = frame.attrs.get("skipped", {})
    _report_skipped(skipped, "--format json lists every reason (meta.skipped)")
    if frame.empty:
        fail(f"No forecast could be scored on {series}: every series is too short or too gapped for a backtest "
             f"(see above). A backtest needs at least 5 observed years in a series.")
    meta = {"seed": seed, "draws": draws, "horizon": horizon, "series": str(series)}
    echo_run(meta)
    meta["skipped"] = {f"{r}/{i}": why for (r, i), why in skipped.items()}
    zh = lang == Lang.zh
    write_frame(frame, fmt, output, meta=meta, renderables=[frame_table(
        frame, lang=lang, title="滚动起点回测" if zh else "Rolling-origin backtest",
        caption="区间覆盖率：留出的观测落在 80%/95% 区间内的比例（理想值 0.80/0.95）；MASE < 1 优于样本内朴素预测。" if zh
        else "cov 80%/95%: share of held-out values inside the 80%/95% interval (ideal 0.80/0.95); "
        "MASE < 1 beats the in-sample naive forecast.")])


# --------------------------------------------------------------------------- commands: risk

RISK_STYLE = {"on_track": "bold green", "watch": "yellow", "at_risk": "dark_orange", "off_track": "bold red",
              "attained": "green", "missed": "red", "no_data": "dim"}


def _labels(lang: Lang):
    from scenarios.labels import COLUMN_LABELS, RISK_LABELS, STATUS_LABELS

    return COLUMN_LABELS[lang.value], RISK_LABELS[lang.value], STATUS_LABELS[lang.value]


def _flag_words(flags, lang: Lang) -> str:
    from scenarios.labels import FLAG_LABELS

    if not isinstance(flags, str) or not flags:
        return ""
    sep = "、" if lang == Lang.zh else ", "  # the Chinese enumeration comma
    return sep.join(FLAG_LABELS[lang.value].get(f, f) for f in flags.split(";") if f)


def risk_tables(table: pd.DataFrame, portfolio: pd.DataFrame, meta: dict, lang: Lang) -> list:
    """Rich renderables for the risk table: one table per plan, grouped by category."""
    cols, risk_words, status_words = _labels(lang)
    out = []
    for plan, rows in table.groupby("plan", sort=False):
        region = rows["region"].iloc[0]
        t = Table(title=f"{plan} · {region}", title_justify="left", show_lines=False, expand=False)
        for key in ["name", "unit", "latest", "target", "range", "p_attain", "growth", "progress", "risk", "flags"]:
            t.add_column(cols[key], overflow="fold", no_wrap=key in {"p_attain", "risk"})
        for category, crow in rows.groupby("category", sort=False, dropna=False):
            cat = "" if category is None or (isinstance(category, float) and pd.isna(category)) else str(category)
            t.add_section()
            t.add_row(Text(cat or "—", style="bold cyan"), *[""] * 9)
            for r in crow.itertuples(index=False):
                t.add_row(*_risk_cells(r, risk_words, status_words, lang))
        out.append(t)
    out.append(_summary_panel(table, portfolio, meta, lang))
    return out


def _yr(v) -> str:
    return "" if v is None or pd.isna(v) else f"{int(v)}"


def _risk_cells(r, risk_words, status_words, lang: Lang) -> list:
    from targetcast.report import cells

    d = r._asdict()
    name = Text(cells.name_of(d))
    latest, target, rng = cells.latest_text(d, lang.value), cells.target_text(d, lang.value), cells.range_text(d)
    if pd.isna(r.p_attain):
        p = "—"
    elif r.risk in ("attained", "missed"):
        p = f"{r.p_attain:.0%}"
    else:
        p = f"{r.p_attain:.2f} ± {r.p_attain_se:.3f}"
    growth = cells.growth_text(d)
    progress = f"{fmt_pct(r.time_progress)} / {fmt_pct(r.completion)} {status_words.get(r.status, '')}".strip()
    if r.status == "n/a" or (pd.isna(r.time_progress) and pd.isna(r.completion)):
        progress = status_words.get("n/a", "—")
    risk = Text(risk_words.get(r.risk, r.risk), style=RISK_STYLE.get(r.risk, ""))
    if isinstance(getattr(r, "outcome", None), str) and r.risk not in ("attained", "missed"):
        # A replay (--as-of): the outcome known today, beside the replayed probability.
        risk.append(f"\n→ {risk_words.get(r.outcome, r.outcome)} ({fmt_num(r.outcome_value)})", style="italic")
    flags = Text(_flag_words(r.flags, lang), style="dim")
    return [name, Text(str(r.unit or "")), latest, target, rng, p, growth, progress, risk, flags]


def _summary_panel(table: pd.DataFrame, portfolio: pd.DataFrame, meta: dict, lang: Lang) -> Panel:
    _, risk_words, _ = _labels(lang)
    counts = table["risk"].value_counts()
    parts = [Text.assemble((f"{risk_words.get(k, k)} {int(counts[k])}", RISK_STYLE.get(k, "")), "  ")
             for k in ["off_track", "at_risk", "watch", "on_track", "attained", "missed", "no_data"] if k in counts]
    lines = [Text.assemble(*parts)]
    if portfolio is not None and len(portfolio):
        plan_rows = portfolio[portfolio["category"].isna()] if "category" in portfolio else portfolio
        for r in plan_rows.itertuples(index=False):
            zh = lang == Lang.zh
            if not r.n_evaluable > 0:
                lines.append(Text(f"{r.plan}: " + ("没有可评估的目标（缺历史数据）" if zh else
                                                   "no target can be evaluated (no usable history)")))
                continue
            s = (f"{r.plan}: " + (f"预计达标 {r.expected_met:.1f}/{int(r.n_evaluable)} 项" if zh else
                                  f"expected met {r.expected_met:.1f} of {int(r.n_evaluable)}"))
            year = (meta.get("as_of_by_plan") or {}).get(r.plan)
            if year is not None:  # plans judged at different as-of years: say which
                s += f" · 评估年 {year}" if zh else f" · as of {year}"
            if not pd.isna(getattr(r, "p_all_binding", float("nan"))):
                s += (f" · 约束性指标全部达标概率 {r.p_all_binding:.2f}" if zh else f" · P(all binding met) {r.p_all_binding:.2f}")
            s += (f" · 至少80%达标概率 {r.p_at_least_80pct:.2f}" if zh else f" · P(≥80% met) {r.p_at_least_80pct:.2f}")
            lines.append(Text(s))
    if meta.get("scenario_description"):  # what the scenario assumes, in the file's own words
        lines.append(Text(f"{'情景' if lang == Lang.zh else 'scenario'} {meta.get('scenario')}: "
                          f"{meta['scenario_description']}"))
    run = " · ".join(f"{k}={v}" for k, v in meta.items() if k in ("as_of", "model", "draws", "seed", "scenario", "correlation"))
    lines.append(Text(run, style="dim"))
    title = "汇总 Summary" if lang == Lang.zh else "Summary"
    return Panel(Text("\n").join(lines), title=title, expand=False)


def _scenario(scenarios_file: Optional[Path], name: Optional[str]):
    if scenarios_file is None:
        if name is not None:
            raise typer.BadParameter("--scenario needs --scenarios FILE", param_hint="--scenario")
        return None
    from scenarios.scenario import get_scenario, load_scenarios

    found = load_scenarios(scenarios_file)
    if name is None:
        if len(found) == 1:
            return next(iter(found.values()))
        raise typer.BadParameter(f"choose one of: {', '.join(found)}", param_hint="--scenario")
    return get_scenario(found, name)


def _option(check, value, hint: str):
    """A library check of an option's text; its message becomes a usage error (exit 2)."""
    from scenarios.errors import ScenarioError

    try:
        return check(value)
    except ScenarioError as exc:
        raise typer.BadParameter(str(exc), param_hint=hint)


@app.command()
@handle_errors
def risk(
    plan: Optional[list[str]] = typer.Argument(None, help="Plan ids (default: every plan)."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False, help="Targets file (default: bundled plans)."),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False, help="Series file (default: bundled series)."),
    as_of: Optional[int] = AS_OF_OPT,
    scenarios_file: Optional[Path] = typer.Option(None, "--scenarios", exists=True, dir_okay=False, help="Scenario file (TOML)."),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="Scenario name in --scenarios."),
    draws: int = DRAWS_OPT,
    seed: int = SEED_OPT,
    model: str = MODEL_OPT,
    correlation: str = CORRELATION_OPT,
    thresholds: str = THRESHOLDS_OPT,
    tol: float = TOL_OPT,
    goal_seek: bool = GOAL_SEEK_OPT,
    jobs: Optional[int] = JOBS_OPT,
    engine: Engine = ENGINE_OPT,
    scheduler: Optional[str] = SCHEDULER_OPT,
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of headers and status words in the table."),
    table: Table_ = TABLE_OPT,
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="table (rich), csv, json, markdown, html "
                                         "(the report) or xlsx (the workbook); default: from the --output name's "
                                         "ending, else table."),
    output: Optional[Path] = OUTPUT_OPT,
):
    """The risk table: probability of reaching each target, range, growth needed, mid-term status."""
    fmt = _guard_output(output, [targets, series, scenarios_file], fmt, html=True)
    a = _run_assessment(plan, targets, series, as_of=as_of, scenario=_scenario(scenarios_file, scenario), draws=draws,
                        seed=seed, model=model, correlation=correlation, thresholds=thresholds, tol=tol,
                        goal_seek=goal_seek, jobs=jobs, engine=engine.value, scheduler=scheduler,
                        # the sample paths only for the formats that draw fan charts
                        keep_paths=fmt in (Format.html, Format.xlsx))
    _write_assessment(a, fmt, output, lang, table)


def _write_assessment(a, fmt: Format, output: Optional[Path], lang: Lang, table: "Table_") -> None:
    """Render an assessment: the rich tables, a report (html, xlsx, markdown), or one of its
    tables as data (csv: ``--table``; json: every table under its own key)."""
    import time

    start = time.perf_counter()
    if fmt in (Format.html, Format.xlsx) or (fmt == Format.markdown and table == Table_.risk):
        if fmt == Format.xlsx:
            a.to_excel(output, lang=lang.value)
        else:
            text = a.to_html(lang=lang.value) if fmt == Format.html else a.to_markdown(lang=lang.value)
            if output is None:
                sys.stdout.write(text)
                sys.stdout.flush()
                return
            _atomic_write(Path(output), text)
        size = Path(output).stat().st_size
        err.print(f"Wrote {fmt.value} report to {output} ({size / 1024:,.0f} KB, {time.perf_counter() - start:.1f} s)")
        return
    if fmt == Format.json:
        extra = {name: frame for name, frame in a.tables().items() if name != "risk"}
        write_frame(a.table, fmt, output, meta=a.meta, extra=extra)
        return
    frame = a.tables()[table.value]
    renderables = None
    if fmt == Format.table and table == Table_.risk:
        renderables = risk_tables(a.table, a.portfolio, a.meta, lang)
        if len(a.goal_seek):
            renderables.append(_goal_seek_table(a.table, lang))
    write_frame(frame, fmt, output, meta=a.meta, renderables=renderables)


@app.command()
@handle_errors
def report(
    plan: Optional[list[str]] = typer.Argument(None, help="Plan ids (default: every plan)."),
    output: Path = typer.Option(..., "--output", "-o", dir_okay=False, help="report.html (one self-contained file, "
                                "charts inline, works offline), report.xlsx (workbook) or report.md."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False, help="Targets file (default: bundled plans)."),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False, help="Series file (default: bundled series)."),
    as_of: Optional[int] = AS_OF_OPT,
    scenarios_file: Optional[Path] = typer.Option(None, "--scenarios", exists=True, dir_okay=False, help="Scenario file (TOML): adds the scenario comparison."),
    scenario: Optional[list[str]] = typer.Option(None, "--scenario", help="Only these scenarios of --scenarios (repeatable)."),
    draws: int = DRAWS_OPT,
    seed: int = SEED_OPT,
    model: str = MODEL_OPT,
    correlation: str = CORRELATION_OPT,
    thresholds: str = THRESHOLDS_OPT,
    tol: float = TOL_OPT,
    goal_seek: bool = GOAL_SEEK_OPT,
    jobs: Optional[int] = JOBS_OPT,
    engine: Engine = ENGINE_OPT,
    scheduler: Optional[str] = SCHEDULER_OPT,
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of the report (zh or en)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="html, xlsx or markdown (default: from the --output name)."),
):
    """A report to hand out: summary, risk table, a fan chart per target, goal seek, scenarios, method and sources."""
    if scenario and scenarios_file is None:
        raise typer.BadParameter("--scenario needs --scenarios FILE", param_hint="--scenario")
    fmt = _guard_output(output, [targets, series, scenarios_file], fmt, html=True)
    if fmt not in (Format.html, Format.xlsx, Format.markdown):
        fail(f"--output {output}: a report is .html, .xlsx or .md (got {fmt.value}). For data use `targetcast risk "
             "--format csv|json`.")
    compare_with = None
    if scenarios_file is not None:
        import targetcast as tc
        from scenarios.scenario import get_scenario

        found = tc.load_scenarios(scenarios_file)
        compare_with = {n: get_scenario(found, n) for n in scenario} if scenario else found
    a = _run_assessment(plan, targets, series, as_of=as_of, compare=compare_with, draws=draws, seed=seed, model=model,
                        correlation=correlation, thresholds=thresholds, tol=tol, goal_seek=goal_seek, jobs=jobs,
                        engine=engine.value, scheduler=scheduler)
    _write_assessment(a, fmt, output, lang, Table_.risk)


def _run_assessment(plan, targets: Optional[Path], series: Optional[Path], *, correlation: str, thresholds: str,
                    **kwargs):
    """Check the options, load, warn, assess (targetcast.assess) and echo the run: shared by
    risk and report."""
    import targetcast as tc
    from scenarios.risk import check_correlation, check_thresholds

    kwargs.update(correlation=_option(check_correlation, correlation, "--correlation"),
                  thresholds=_option(check_thresholds, thresholds, "--thresholds"))
    t, s = _load_targets(targets), _load_series(series)
    _show_notes(t, s)
    err.print(f"Simulating {kwargs['draws']:,} paths per indicator…", style="dim")
    a = tc.assess(plan or None, targets=t, series=s, **kwargs)
    _warn(a.warnings)
    echo_run({k: a.meta[k] for k in ("seed", "draws", "model", "as_of", "scenario", "scenario_description")
              if k in a.meta})
    return a


def _goal_seek_table(frame: pd.DataFrame, lang: Lang) -> Table:
    zh = lang == Lang.zh
    rows = frame[frame["uplift_needed"].notna() | frame.get("add_needed", pd.Series(dtype=float)).notna()]
    t = Table(title="达到80%把握还需 / What it takes to reach P ≥ 0.8" if zh else "What it takes to reach P(attain) ≥ 0.8",
              title_justify="left")
    for c in (["规划", "指标", "每年增速", "或每年"] if zh else ["plan", "indicator", "growth per year", "or per year"]):
        t.add_column(c)
    from targetcast.report import cells

    for r in rows.itertuples(index=False):
        t.add_row(str(r.plan), str(r.name or r.indicator), cells.uplift_text(r.uplift_needed, lang.value),
                  cells.add_text(getattr(r, "add_needed", float("nan")), r.unit, lang.value))
    return t


class ReplayPart(str, Enum):
    targets = "targets"
    scorecard = "scorecard"
    reliability = "reliability"


@app.command()
@handle_errors
def replay(
    plan: Optional[list[str]] = typer.Argument(None, help="Plan ids (default: every plan)."),
    as_of: Optional[int] = typer.Option(None, "--as-of", help="Replay as of this year (default: each plan's mid-term year)."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False, help="Targets file (default: bundled plans)."),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False, help="Series file (default: bundled series)."),
    draws: int = DRAWS_OPT,
    seed: int = SEED_OPT,
    model: str = typer.Option("auto", "--model", help="Forecast model."),
    part: ReplayPart = typer.Option(ReplayPart.targets, "--part", help="For --format csv: which table (targets, scorecard, reliability)."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of status words in the table."),
    fmt: Optional[Format] = FORMAT_OPT,
    output: Optional[Path] = OUTPUT_OPT,
):
    """Score targetcast against real outcomes: what it said at a mid-term year beside what happened."""
    import targetcast as tc

    fmt = _guard_output(output, [targets, series], fmt)
    t, s = _load_targets(targets), _load_series(series)
    _show_notes(t, s)
    err.print(f"Replaying with {draws:,} paths per indicator…", style="dim")
    res = tc.replay(plan or None, targets=t, series=s, as_of=as_of, model=model, draws=draws, seed=seed)
    _warn(res.meta.pop("warnings"))
    meta = {**res.meta, "targets": t.file, "series": s.file}
    echo_run({k: meta[k] for k in ("seed", "draws", "model")} | {"as_of": as_of or "mid-term per plan"})
    frames = {"targets": res.rows, "scorecard": res.scorecard, "reliability": res.reliability}
    if fmt == Format.json:
        text = json.dumps({"meta": _jsonable(meta), **{k: json.loads(v.to_json(orient="records", force_ascii=False))
                                                       for k, v in frames.items()}},
                          ensure_ascii=False, indent=2) + "\n"
    elif fmt == Format.markdown:
        text = "\n".join([" · ".join(f"{k}: {v}" for k, v in meta.items()), ""]
                         + [f"### {k}\n\n" + markdown(v) for k, v in frames.items()])
    else:
        write_frame(frames[part.value], fmt, output, meta={k: meta[k] for k in ("seed", "draws", "model")},
                    renderables=_replay_tables(res, lang))
        return
    if output is not None:
        _atomic_write(Path(output), text)
        err.print(f"Wrote replay of {len(res.rows)} targets to {output}")
    else:
        sys.stdout.write(text)


def _replay_tables(res, lang: Lang) -> list:
    from scenarios.labels import RISK_LABELS, STATUS_LABELS

    zh = lang == Lang.zh
    risk_words, status_words = RISK_LABELS[lang.value], STATUS_LABELS[lang.value]
    rows = Table(title="回放：当时的判断与实际结果 / Replay: what targetcast said then, and what happened",
                 title_justify="left", caption="P(attain) at the as-of year; — = no probability then (too little history)")
    for c in ["plan", "indicator", "target", "as of", "n", "P(attain)", "status", "outcome", "Brier"]:
        rows.add_column(c, overflow="fold")
    for r in res.rows.to_dict("records"):
        op = {"up": "≥", "down": "≤"}.get(r["direction"], "")
        rows.add_row(r["plan"], Text(str(r["name"] or r["indicator"])),
                     f"{op}{fmt_num(r['target_value'])} {r['unit'] or ''} ({_yr(r['target_year'])})", _yr(r["as_of"]),
                     str(r["n_obs"]),
                     _p(r["p_attain"]), status_words.get(r["status"], str(r["status"])),
                     f"{risk_words.get(r['outcome'], r['outcome'])} {fmt_num(r['outcome_value'])}", _p(r["brier"]))
    card = frame_table(res.scorecard, title="评分 / Scorecard" if zh else "Scorecard",
                       caption="log score: mean ln P(what happened), P clipped to [0.005, 0.995]; higher is better")
    rel = frame_table(res.reliability, title="可靠性 / Reliability" if zh else "Reliability")
    return [rows, card, rel]


@app.command()
@handle_errors
def compare(
    plan: Optional[list[str]] = typer.Argument(None, help="Plan ids (default: every plan)."),
    scenarios_file: Path = typer.Option(..., "--scenarios", exists=True, dir_okay=False, help="Scenario file (TOML)."),
    scenario: Optional[list[str]] = typer.Option(None, "--scenario", help="Only these scenarios (repeatable)."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False),
    as_of: Optional[int] = typer.Option(None, "--as-of"),
    draws: int = DRAWS_OPT,
    seed: int = SEED_OPT,
    model: str = typer.Option("auto", "--model"),
    jobs: Optional[int] = JOBS_OPT,
    lang: Lang = LANG_OPT,
    fmt: Optional[Format] = FORMAT_OPT,
    output: Optional[Path] = OUTPUT_OPT,
):
    """P(attain) per indicator under every scenario side by side, with the change from baseline."""
    import targetcast as tc

    fmt = _guard_output(output, [targets, series, scenarios_file], fmt)
    t, s = _load_targets(targets), _load_series(series)
    frame = tc.compare(scenarios_file, plan or None, names=scenario or None, targets=t, series=s, as_of=as_of,
                       model=model, draws=draws, seed=seed, jobs=jobs)
    _warn(frame.attrs["warnings"])
    names = frame.attrs["meta"]["scenario_names"]
    meta = {"seed": seed, "draws": draws, "model": model, "as_of": frame.attrs["meta"].get("as_of", as_of),
            "scenarios": ",".join(names)}
    echo_run(meta)
    descriptions = frame.attrs["meta"]["scenario_descriptions"]
    meta["scenario_descriptions"] = descriptions
    table = _compare_table(frame, names, lang)
    table.caption = Text("\n".join(f"{n}: {d}" for n, d in descriptions.items() if d))
    table.caption_justify = "left"
    write_frame(frame, fmt, output, meta=meta, renderables=[table])


def _compare_table(frame: pd.DataFrame, names: list[str], lang: Lang = Lang.en) -> Table:
    from scenarios.labels import label

    t = Table(title="各情景实现概率及相对基准的变化" if lang == Lang.zh else "Scenarios: P(attain) and change from baseline",
              title_justify="left")
    for c in ["plan", "name", "target", "baseline"]:
        t.add_column(label("column", c, lang.value), overflow="fold")
    for c in names:  # the scenario names as written in the file
        t.add_column(c, overflow="fold")
    for r in frame.to_dict("records"):
        cells = [r["plan"], Text(str(r.get("name") or r["indicator"])),
                 f"{fmt_num(r['target_value'])} ({_yr(r['target_year'])})", _p(r.get("p_baseline"))]
        for n in names:
            p, d = r.get(f"p_{n}"), r.get(f"d_{n}")
            if p is None or pd.isna(p):
                cells.append("—")
                continue
            style = "green" if d > 0.005 else "red" if d < -0.005 else ""
            cells.append(Text(f"{p:.2f} ({d:+.2f})", style=style))
        t.add_row(*cells)
    return t


def _p(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{float(v):.2f}"


@app.command()
@handle_errors
def suggest(
    plan: Optional[list[str]] = typer.Argument(None, help="Plans whose indicators to suggest for (default: every series)."),
    to_year: int = typer.Option(SUGGEST_TO_YEAR, "--to-year", help="Target year of the next plan."),
    confidence: float = typer.Option(CONFIDENCE, "--confidence", min=0.5, max=0.99, help="Required probability of meeting the target."),
    targets: Optional[Path] = typer.Option(None, "--targets", exists=True, dir_okay=False),
    series: Optional[Path] = typer.Option(None, "--series", exists=True, dir_okay=False),
    draws: int = DRAWS_OPT,
    seed: int = SEED_OPT,
    model: str = typer.Option("auto", "--model"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of headers and flags in the table."),
    fmt: Optional[Format] = FORMAT_OPT,
    output: Optional[Path] = OUTPUT_OPT,
):
    """For drafting the next plan: the target value that would be met with the given probability."""
    import targetcast as tc

    fmt = _guard_output(output, [targets, series], fmt)
    frame = tc.suggest(plan or None, targets=_load_targets(targets), series=_load_series(series), to_year=to_year,
                       confidence=confidence, model=model, draws=draws, seed=seed)
    _warn(frame.attrs["warnings"])
    meta = {"seed": seed, "draws": draws, "model": model, "to_year": to_year, "confidence": confidence}
    echo_run(meta)
    write_frame(frame, fmt, output, meta=meta, renderables=[_suggest_table(frame, to_year, confidence, lang)])


def _suggest_table(frame: pd.DataFrame, to_year: int, confidence: float, lang: Lang) -> Table:
    """One line per series: what a planner puts in the draft, the range behind it, and why to be
    careful. Run parameters, models and notes are in the CSV/JSON."""
    zh = lang == Lang.zh
    title = (f"{to_year}年目标建议：以{confidence:.0%}把握可达到的值" if zh
             else f"Suggested {to_year} targets met with probability {confidence:.0%}")
    caption = ("建议值：按模拟路径，该值以所述把握可达到（“≤”为上限型指标）；年均增速自最新值起算。模型与说明见 --format csv/json。"
               if zh else "suggested: met with the stated probability (≤: an upper bound); growth per year from the "
               "latest value. Models and notes: --format csv/json.")
    t = Table(title=title, caption=caption, title_justify="left")
    heads = (["地区", "指标", "单位", "最新值(年份)", f"{to_year}年建议值", "年均增速", "P10–P50–P90", "P50年均增速", "提示"]
             if zh else ["region", "indicator", "unit", "latest (year)", f"suggested {to_year}", "growth/yr",
                         "P10–P50–P90", "P50 growth/yr", "flags"])
    for h in heads:
        t.add_column(h, overflow="fold", no_wrap=h in heads[4:6])
    for r in frame.to_dict("records"):
        name = r.get("name") or r["indicator"]
        latest = "—" if pd.isna(r["latest_value"]) else f"{fmt_num(r['latest_value'])} ({_yr(r['latest_year'])})"
        if pd.isna(r["suggested_target"]):
            cells = ["—"] * 4
        else:
            op = "≤" if r["direction"] == "down" else "≥"
            cells = [f"{op}{fmt_num(r['suggested_target'])}", fmt_pct(r["cagr_suggested"], 1),
                     f"{fmt_num(r['p10'])} – {fmt_num(r['p50'])} – {fmt_num(r['p90'])}", fmt_pct(r["cagr_p50"], 1)]
        flags = r["flags"] if isinstance(r["flags"], str) else ""
        if flags == "skipped" and r["n_obs"] == 1:
            flags = "too_short"  # the usual reason; others are named in the notes
        t.add_row(r["region"], Text(str(name)), str(r["unit"] or ""), latest, *cells,
                  Text(_flag_words(flags, lang), style="dim"))
    return t


def main() -> None:  # pragma: no cover - entry for `python -m cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
