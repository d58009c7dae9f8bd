"""Build small, messy input files in a test's tmp_path (no committed binary fixtures)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

SERIES_HEADER = ["region", "indicator", "year", "value", "unit", "source", "note"]
TARGETS_HEADER = ["plan", "region", "indicator", "name", "unit", "kind", "direction", "strict", "baseline_year",
                  "baseline_value", "target_year", "target_value"]


def csv_text(rows: list[list], *, delimiter: str = ",") -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_csv(tmp_path: Path, name: str, rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """Write ``rows`` (header first) as CSV bytes in ``encoding`` ("utf-8-sig" for a BOM, "gbk" ...)."""
    path = Path(tmp_path) / name
    path.write_bytes(csv_text(rows, delimiter=delimiter).encode(encoding))
    return path


def write_xlsx(tmp_path: Path, name: str, rows: list[list], *, sheet: str = "Sheet1",
               percent_cells: tuple[str, ...] = (), extra_sheets: dict[str, list[list]] | None = None) -> Path:
    """Write ``rows`` into one sheet of a new workbook; ``percent_cells`` (e.g. "D2") get a 0% format."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for ref in percent_cells:
        ws[ref].number_format = "0%"
    for title, more in (extra_sheets or {}).items():
        other = wb.create_sheet(title)
        for r in more:
            other.append(r)
    path = Path(tmp_path) / name
    wb.save(path)
    return path


def good_series_rows() -> list[list]:
    return [
        SERIES_HEADER,
        ["武汉市", "invention_grants", "2019", "9000", "件", "统计公报 2019", ""],
        ["武汉市", "invention_grants", "2020", "14667", "件", "统计公报 2020", ""],
        ["武汉市", "invention_grants", "2021", "17000", "件", "统计公报 2021", ""],
        ["浙江省", "pct_applications", "2020", "3.2", "千件", "", "rounded"],
    ]


def good_targets_rows() -> list[list]:
    return [
        TARGETS_HEADER,
        ["wuhan_14fyp", "武汉市", "invention_grants", "发明专利授权量", "件", "annual", "up", "no", "2020", "14667",
         "2025", "17000"],
        ["wuhan_14fyp", "武汉市", "pledge_financing", "知识产权质押融资额", "亿元", "annual", "up", "no", "2020",
         "10.95", "2025", "30"],
        ["wuhan_14fyp", "武汉市", "ip_service_revenue_growth", "服务业营业收入年均增幅", "%", "growth_rate", "up", "no",
         "2020", "", "2025", "10"],
        ["zhejiang_14fyp", "浙江省", "high_value_invention_per_10k", "每万人高价值发明专利拥有量", "件", "stock", "up",
         "突破", "2020", "11.1", "2025", "17"],
    ]


def with_row(rows: list[list], header: list[str], **cells) -> list[list]:
    """``rows`` plus one row built from ``cells`` keyed by header name (others empty)."""
    return rows + [[cells.get(h, "") for h in header]]
