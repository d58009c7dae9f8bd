"""The reports a meeting reads: self-contained HTML with a chart per target, a real Excel
workbook (read back with openpyxl), and output names that always match their content."""
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import targetcast as tc
from cli import app
from targetcast.report.html import CSP

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "examples" / "scenarios.toml"
DRAWS = 500


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def wuhan():
    return tc.assess("wuhan_14fyp", draws=DRAWS, seed=3, compare=SCENARIOS)


def test_html_is_self_contained_and_escaped(wuhan, tmp_path):
    html = wuhan.to_html(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == html
    assert f'content="{CSP}"' in html and "<script" not in html.lower()
    # nothing is fetched: no resource attribute and no CSS url() points anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", html, re.I)
    assert "url(" not in html and "@import" not in html
    # sources are listed as text (the bundled series cite their web pages)
    assert "http" in html.split("<footer>")[1]
    # a fan chart per evaluable target, each with both bands, the median and the target line
    fans = re.findall(r'<svg class="fan".*?</svg>', html, re.S)
    assert len(fans) == int(wuhan.evaluable().sum()) == 6
    for svg in fans:
        for part in ('class="band80"', 'class="band50"', 'class="p50"', 'class="target"', 'class="asof"'):
            assert part in svg
    # time progress vs completion drawn as bars, risk shown as icon + word
    shown = wuhan.table["time_progress"].notna() | wuhan.table["completion"].notna()
    assert html.count('class="progress"') == int(shown.sum()) >= 6
    assert "难以实现" in html and 'class="icon"' in html
    assert "情景对比" in html and "slowdown" in html and "达到80%把握还需" in html
    assert "@page{size:A4 landscape" in html
    assert "随机种子" in html and "20240101" not in html  # seed 3 was used, and is shown
    assert len(html.encode()) < 200_000


def test_html_escapes_user_text(tmp_path):
    targets = tmp_path / "t.csv"
    targets.write_text("plan,region,indicator,name,unit,kind,direction,target_year,target_value,baseline_year,"
                       "baseline_value,category\n"
                       'p<b>,甲市,x,"<script>alert(1)</script>",件,annual,up,2026,300,2020,100,"A&B"\n', encoding="utf-8")
    series = tmp_path / "s.csv"
    series.write_text("region,indicator,year,value,unit,source\n" + "".join(
        f"甲市,x,{y},{100 + 10 * i},件,<img src=x>\n" for i, y in enumerate(range(2016, 2024))), encoding="utf-8")
    html = tc.assess(targets=targets, series=series, draws=DRAWS).to_html()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x&gt;" in html and "A&amp;B" in html and "p&lt;b&gt;" in html


def test_html_english_and_outcome_of_a_replay():
    # Zhejiang's 13th plan (targets 2020) replayed from 2017: what happened next is known
    a = tc.assess("zhejiang_13fyp", as_of=2017, draws=DRAWS, seed=3)
    html = a.to_html(lang="en")
    assert '<html lang="en">' in html and "Risk table" in html and "风险表" not in html
    # later observations drawn as hollow points and the outcome labelled on each chart
    from targetcast.report.numbers import fmt_num

    charts = re.findall(r'<svg class="fan".*?</svg>', html, re.S)
    fans = a.fans()
    assert len(charts) == len(fans) >= 1
    for svg, (pos, fan) in zip(charts, fans):
        row = a.table.iloc[pos]
        later = fan[(fan["year"] > 2017) & fan["observed"].notna()]
        assert svg.count('class="later"') == len(later) >= 1
        assert f'actual {fmt_num(row["outcome_value"])}</text>' in svg
        assert f"→ attained ({fmt_num(row['outcome_value'])})" in html


def test_fan_chart_shows_gaps():
    a = tc.assess("wuhan_14fyp", draws=DRAWS, seed=3)
    pos, fan = next((p, f) for p, f in a.fans() if f["indicator"].iloc[0] == "invention_grants")
    years = fan.loc[fan["observed"].notna(), "year"].tolist()
    missing = sorted(set(range(min(years), max(years) + 1)) - set(years))
    assert missing, "the bundled invention_grants series has a gap year"
    from targetcast.report.svg import fan_chart
    from targetcast.report.words import words

    r = a.table.iloc[pos]
    svg = fan_chart(fan, target_value=r.target_value, target_year=r.target_year, as_of=r.as_of, direction="up",
                    unit="件", words=words("zh"))
    path = re.search(r'class="history" d="([^"]+)"', svg).group(1)
    # one segment per pair of consecutive observed years: none spans a gap
    pairs = sum(1 for a_, b in zip(years, years[1:]) if b == a_ + 1)
    assert path.count("M") == pairs and pairs < len(years) - 1


def test_xlsx_read_back(wuhan, tmp_path):
    path = tmp_path / "r.xlsx"
    wuhan.to_excel(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["说明", "风险表", "扇形数据", "组合", "目标测算", "情景对比"]
    ws = wb["风险表"]
    head = [c.value for c in ws[1]]
    assert "实现概率(%)" in head and "风险等级" in head and "时序进度(%)" in head
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.max_row == len(wuhan.table) + 1
    col = {h: i + 1 for i, h in enumerate(head)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    for r, (_, t) in zip(rows, wuhan.table.iterrows()):
        p = r[col["实现概率(%)"] - 1]
        assert (p is None) == (t["p_attain"] != t["p_attain"]) and (p is None or p == pytest.approx(t["p_attain"]))
    cell = ws.cell(row=2, column=col["实现概率(%)"])
    assert cell.number_format == "0%" and isinstance(cell.value, float)
    risk = ws.cell(row=2, column=col["风险等级"])
    assert risk.value == "难以实现" and risk.fill.fgColor.rgb.upper().endswith("FFEBEE")  # word and colour
    fan = wb["扇形数据"]
    assert [c.value for c in fan[1]][8:15] == ["年份", "已公布值", "P10", "P25", "P50", "P75", "P90"]
    assert fan.max_row == len(wuhan.fan()) + 1
    assert wb["组合"].max_row == len(wuhan.portfolio) + 1
    assert wb["目标测算"].max_row == len(wuhan.goal_seek) + 1 >= 2
    about = [r[0] for r in wb["说明"].iter_rows(values_only=True)]
    assert "运行参数" in about and "数据来源" in about


def test_cli_report_and_output_names(tmp_path):
    html, xlsx, md = tmp_path / "w.html", tmp_path / "w.xlsx", tmp_path / "w.md"
    for out in (html, xlsx, md):
        res = run("report", "wuhan_14fyp", "-o", out, "--draws", DRAWS)
        assert res.exit_code == 0, res.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert openpyxl.load_workbook(xlsx).sheetnames[:2] == ["说明", "风险表"]
    assert md.read_text(encoding="utf-8").startswith("# 武汉市")
    # `risk -o x.xlsx` is a real workbook; a contradicting --format is an error, never a text file
    assert run("risk", "wuhan_14fyp", "-o", tmp_path / "r.xlsx", "--draws", DRAWS).exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[1] == "风险表"
    bad = run("risk", "wuhan_14fyp", "-o", tmp_path / "bad.xlsx", "--format", "csv", "--draws", DRAWS)
    assert bad.exit_code == 1 and "ends in .xlsx but the format is csv" in " ".join(bad.output.split())
    assert not (tmp_path / "bad.xlsx").exists() and "Simulating" not in bad.output
    assert run("plans", "-o", tmp_path / "p.xlsx").exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "p.xlsx")["data"].max_row == len(tc.bundled().plans) + 1
    assert run("plans", "--format", "html").exit_code == 1
    assert run("report", "wuhan_14fyp", "-o", tmp_path / "r.csv").exit_code == 1


def test_csv_tables_and_json_keys():
    res = run("risk", "wuhan_14fyp", "--draws", DRAWS, "--format", "csv", "--table", "goal_seek")
    assert res.exit_code == 0 and res.stdout.startswith("\ufeffplan,region,indicator,name,unit,kind")
    assert "uplift_needed" in res.stdout.splitlines()[0]
    res = run("risk", "wuhan_14fyp", "--draws", DRAWS, "--format", "csv", "--table", "portfolio")
    assert res.stdout.splitlines()[1].startswith("wuhan_14fyp,plan,,19,6,")
    import json

    doc = json.loads(run("risk", "wuhan_14fyp", "--draws", DRAWS, "--format", "json").stdout)
    assert set(doc) == {"meta", "rows", "portfolio", "goal_seek"} and len(doc["rows"]) == 19
    assert doc["portfolio"][0]["n_evaluable"] == 6 and doc["goal_seek"][0]["indicator"] == "pct_applications"


def test_report_size_for_twenty_targets():
    a = tc.assess(draws=DRAWS, seed=3)
    html = a.to_html()
    n = len(a.table)
    assert n >= 60 and len(html.encode()) < 1_000_000 * n / 20 / 3  # well under 1 MB per 20 targets
    assert html.count('<svg class="fan"') == int(a.evaluable().sum())


def test_notebook_repr_is_the_report_with_scoped_styles(wuhan):
    frag = wuhan._repr_html_()
    assert frag.startswith('<div class="tc-report"><style>') and "<html" not in frag
    assert frag.count('<svg class="fan"') == 6 and "目标风险表" in frag
    css = re.search(r"<style>(.*?)</style>", frag, re.S).group(1)
    # every rule applies inside the report only (a notebook keeps its own look)
    for rule in css.split("}"):
        if "{" in rule:
            assert all(s.strip().startswith(".tc-report") for s in rule.split("{")[0].split(",")), rule


def test_same_run_same_bytes():
    # charts are drawn from the numbers alone: two runs with the same seed give the same file
    one = tc.assess("zhejiang_14fyp", draws=DRAWS, seed=11).to_html()
    two = tc.assess("zhejiang_14fyp", draws=DRAWS, seed=11).to_html()
    other = tc.assess("zhejiang_14fyp", draws=DRAWS, seed=12).to_html()
    assert one == two and one != other


def test_footer_command_repeats_the_report(tmp_path):
    import shlex

    from targetcast.report.html import repeat_command

    a = tc.assess("wuhan_14fyp", as_of=2022, draws=300, seed=4, correlation=0.3)
    html = a.to_html()
    cmd = repeat_command(a)
    assert cmd in html and "--as-of 2022" in cmd and "--correlation 0.3" in cmd
    args = shlex.split(cmd)[1:]
    args[args.index("-o") + 1] = str(tmp_path / "again.html")
    res = run(*args)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == html  # the CLI and the library: same bytes
