"""The charts: SVG without script, with a title, a sentence and the numbers in a table."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.reports.helpers import PERIOD


def test_each_chart_is_svg_with_a_title_a_summary_and_its_numbers(world, staff):
    page = staff.get("/reports/?" + urlencode(PERIOD))
    figures = page.soup.select("figure.report-figure")
    assert len(figures) == 3
    for figure in figures:
        svg = figure.find("svg")
        assert svg["role"] == "img" and svg.find("title").get_text()
        assert svg.find("desc").get_text() == figure.select_one(".report-summary").get_text()
        assert not figure.find("script") and not svg.find(attrs={"onload": True})
        numbers = figure.find("table")
        assert numbers.caption.get_text().startswith("The numbers in")
        # Every value drawn is also written, in the drawing and in the table.
        drawn = {t.get_text() for t in svg.find_all("text")}
        for row in numbers.select("tbody tr"):
            assert row.td.get_text() in drawn


def test_the_rri_chart_says_in_words_which_intervals_exclude_one(world, staff):
    page = staff.get("/reports/?" + urlencode(PERIOD))
    figure = page.soup.find(id="chart-rri-caption").find_parent("figure")
    summary = figure.select_one(".report-summary").get_text()
    assert "excludes 1 for 1 group: Black or African American, not Hispanic or Latino." in summary
    row = next(r for r in figure.select("tbody tr") if r.th.get_text().startswith("Black"))
    assert row.td.get_text() == "0.67 (0.48 to 0.93), excludes 1"
