"""The HTML report as a person sees it: headless Chromium opens the file, nothing is fetched,
nothing errs in the console, every fan chart is drawn; a screenshot is left in the test's tmp
dir. Skips (with the reason) where Chromium is missing; `.ci/run` installs it."""
from pathlib import Path

import pytest

import targetcast as tc
from browser import Browser, find_chromium

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not found: apt-get install chromium "
                                "fonts-wqy-microhei (as .ci/run does) to run the browser test of the HTML report")

MEASURE = """JSON.stringify([...document.querySelectorAll('svg.fan')].map(svg => {
  const box = svg.getBoundingClientRect();
  const area = sel => { const e = svg.querySelector(sel); if (!e) return 0; const b = e.getBBox(); return b.width * b.height; };
  const p50 = svg.querySelector('.p50');
  return {w: box.width, h: box.height, band80: area('.band80'), band50: area('.band50'),
          p50: p50 ? p50.getTotalLength() : 0, target: area('.target') >= 0 && !!svg.querySelector('.target'),
          points: svg.querySelectorAll('circle').length};
}))"""


@pytest.fixture(scope="module")
def browser():
    b = Browser(CHROMIUM)
    yield b
    b.close()


def test_the_checks_catch_a_fetching_page(browser, tmp_path):
    # The same CSP as the report, and an image from the network: the browser must block it,
    # and both checks below must see it (so a silent check cannot pass the report).
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                    "'none'; style-src 'unsafe-inline'; img-src data:\"></head><body><img src=\"http://example.invalid/"
                    "x.png\"></body></html>", encoding="utf-8")
    browser.events.clear()
    browser.open(page.as_uri())
    assert any("Content Security Policy" in e for e in browser.console_errors())
    assert "http://example.invalid/x.png" in browser.requests()


def test_report_opens_offline_with_every_fan_drawn(browser, tmp_path):
    import json

    a = tc.assess("wuhan_14fyp", draws=2000, compare=ROOT / "examples" / "scenarios.toml")
    page = tmp_path / "report.html"
    a.to_html(page)
    browser.events.clear()
    browser.open(page.as_uri())
    assert browser.console_errors() == []
    assert browser.requests() == [page.as_uri()]  # the file itself, nothing else
    fans = json.loads(browser.evaluate(MEASURE))
    assert len(fans) == int(a.evaluable().sum()) == 6
    for f in fans:
        assert f["w"] > 300 and f["h"] > 150
        assert f["band80"] > f["band50"] > 0 and f["p50"] > 20 and f["target"] and f["points"] >= 2
    # the page is laid out as a document, not squeezed: the risk table spans the page
    width = browser.evaluate("document.querySelector('table.risk-table').getBoundingClientRect().width")
    assert width > 900
    shot = tmp_path / "report.png"
    browser.screenshot(shot)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    print(f"screenshot: {shot}")
