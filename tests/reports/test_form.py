"""Bad input gets a clear message with the answers kept; the comparison base file."""

from __future__ import annotations

from datetime import date

import pytest

from portal.reports.queries import Criteria
from portal.reports.report import build
from tests.reports.helpers import END, START


@pytest.mark.parametrize(("query", "message", "field"), [
    ("start=2026-13-01&end=2026-12-31", "Enter the start date as YYYY-MM-DD, like 2026-01-01",
     "start"),
    ("start=2026-01-01&end=31/12/2026", "Enter the end date as YYYY-MM-DD, like 2026-12-31",
     "end"),
    ("start=2026-06-01&end=2026-01-01",
     "The end date must be the same as or after the start date", "end"),
    ("start=2026-01-01&end=2026-12-31&route=parole", "Select a route from the list", "route"),
    ("start=2026-01-01&end=2026-12-31&partner=999999", "Select a partner from the list",
     "partner"),
])
def test_bad_input_is_explained_in_the_form_with_the_answers_kept(world, staff, query,
                                                                   message, field):
    for url in (f"/reports/?{query}", f"/reports/tables/by_route_race.csv?{query}",
                f"/reports/report.pdf?{query}"):
        page = staff.get(url)
        assert page.title.startswith("Error: ")
        assert page.errors == [message]
        assert page.error_targets() == [field]
        assert page.soup.find("table", id="by_route_race") is None
    if field in ("start", "end"):
        typed = dict(part.split("=") for part in query.split("&"))
        assert page.value(field) == typed[field]


def test_the_default_period_is_the_last_365_days(world, staff):
    page = staff.get("/reports/")
    assert "to " + date.today().isoformat() in page.text
    assert page.soup.find("table", id="by_route_race") is not None


def _build(app, tmp_path, content: str | None, **filters):
    settings = app.extensions["portal.settings"]
    if content is not None:
        path = tmp_path / "base.csv"
        path.write_text(content)
        settings = settings.with_(reports_base_csv=str(path))
    return build(Criteria(START, END, **filters), ruleset=app.extensions["portal.ruleset"],
                 settings=settings)


BASE = ("from,to,group,count\n"
        "2026-01-01,2026-06-30,white:not_hispanic,400\n"
        "2026-01-01,2026-06-30,black:not_hispanic,250\n"
        "2026-01-01,2026-06-30,hispanic,100\n"
        "2025-01-01,2025-12-31,white:not_hispanic,999\n")


def test_a_comparison_base_gives_the_rri_of_being_referred(app, app_context, world, tmp_path):
    """Referred: white non-Hispanic 48 of 400 (0.12); Black non-Hispanic 53 of 250 (0.212).
    RRI = 0.212 / 0.12 = 1.7667; SE = sqrt(1/53 + 1/48) = 0.19923;
    CI = exp(ln 1.7667 -/+ 1.96 x 0.19923) = 1.1955 to 2.6107: excludes 1 (higher)."""
    referred = {g: sum(1 for p in world.people if (p.race_group, p.ethnicity) == g)
                for g in [("white", "not_hispanic"), ("black", "not_hispanic")]}
    assert referred == {("white", "not_hispanic"): 48, ("black", "not_hispanic"): 53}
    table = _build(app, tmp_path, BASE).table("rri_referred")
    black = next(r for r in table.rows if r.group == "black:not_hispanic").values
    assert (black["base"], black["events"]) == (250, 53)
    assert black["rri"] == pytest.approx(1.7667, abs=1e-4)
    assert (round(black["ci_low"], 4), round(black["ci_high"], 4)) == (1.1955, 2.6107)
    assert black["differs"] == "Yes, higher"
    white = next(r for r in table.rows if r.group == "white:not_hispanic").values
    assert white["base"] == 400  # the row for another period is not used


@pytest.mark.parametrize(("content", "note"), [
    ("group,count\nwhite,4\n", "the first line must be from,to,group,count"),
    ("from,to,group,count\n2026-01-01,2026-06-30,white:not_hispanic,many\n", "line 2"),
    ("from,to,group,count\n2025-01-01,2025-12-31,white:not_hispanic,9\n",
     "no counts for exactly this period"),
])
def test_a_base_file_that_cannot_be_used_is_explained(app, app_context, world, tmp_path, content,
                                                      note):
    report = _build(app, tmp_path, content)
    assert any(note in line for line in report.notes), report.notes
    assert "rri_referred" not in [t.name for t in report.tables]


def test_the_rri_of_being_referred_needs_the_unfiltered_report(app, app_context, world,
                                                               tmp_path):
    report = _build(app, tmp_path, BASE, route="arrest_diversion")
    assert "rri_referred" not in [t.name for t in report.tables]
    assert any("without filters" in line for line in report.notes)


def test_the_reference_group_is_a_setting(app, app_context, world):
    settings = app.extensions["portal.settings"].with_(reports_reference_group="hispanic")
    report = build(Criteria(START, END), ruleset=app.extensions["portal.ruleset"],
                   settings=settings)
    rows = {r.group: r.values for r in report.table("rri_accepted").rows}
    assert rows["hispanic"]["differs"] == "Reference group"
    # 25 of 50 against 20 of 25: 0.5 / 0.8
    assert rows["black:not_hispanic"]["rri"] == pytest.approx(0.625)
