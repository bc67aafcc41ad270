"""Every figure on the page, in the CSV and from the command equals a count made here, from the
dataset itself (tests/reports/helpers.py), without the report's code."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from urllib.parse import urlencode

import pytest

from tests.reports.helpers import (
    LEVEL, PERIOD, SECRET_BIRTH, SECRET_NAME, command_json, csv_table, page_table,
)

RACES = ["american_indian_alaska_native", "asian", "black", "native_hawaiian_pacific_islander",
         "white", "another", "two_or_more", "prefer_not", "not_recorded"]
ETHNICITIES = ["hispanic", "not_hispanic", "prefer_not", "not_recorded"]
STATUSES = ["submitted", "in_review", "needs_information", "accepted", "declined", "withdrawn",
            "intake_completed", "intake_missed"]
DIMENSIONS = {"route": lambda p: [p.route], "status": lambda p: [p.status],
              "month": lambda p: [p.month], "charge": lambda p: p.charges,
              "level": lambda p: sorted({LEVEL[c] for c in p.charges})}
URL = "/reports/?" + urlencode(PERIOD)


def expected(people, dimension: str, breakdown: str) -> Counter:
    counts = Counter()
    for person in people:
        group = getattr(person, "race_group" if breakdown == "race" else "ethnicity")
        for value in DIMENSIONS[dimension](person):
            counts[(value, group)] += 1
            counts[(value, "total")] += 1
            counts[("total", group)] += 1
            counts[("total", "total")] += 1
    return counts


def check(shown, count: int) -> None:
    """A count is shown as itself; 1 to 4 as "<5"; "hidden" only as a complementary cell."""
    if 1 <= count <= 4:
        assert shown == "<5", (shown, count)
    else:
        assert shown in (str(count), count, "hidden"), (shown, count)


@pytest.mark.parametrize("breakdown", ["race", "ethnicity"])
@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_count_tables_on_the_page_in_the_csv_and_from_the_command(
        world, staff, run_report, dimension, breakdown):
    name = f"by_{dimension}_{breakdown}"
    counts = expected(world.people, dimension, breakdown)
    groups = RACES if breakdown == "race" else ETHNICITIES
    page = page_table(staff.get(URL), name)
    rows = {value for value, _ in counts} | set(page)
    for value in rows:
        for group in [*groups, "total"]:
            check(page[value][group], counts[(value, group)])
    assert page["total"]["total"] == str(counts[("total", "total")])
    # The CSV: the same cells as the page, row by row.
    response = staff.raw.get(f"/reports/tables/{name}.csv?" + urlencode(PERIOD))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = csv_table(response.get_data(as_text=True))
    assert [line[1:] for line in lines[1:]] == [list(r.values()) for r in page.values()]
    # The command: the same counts, hidden ones as strings.
    tables = command_json(run_report("--from", PERIOD["start"], "--to", PERIOD["end"]))["tables"]
    for row in tables[name]["rows"]:
        for group in [*groups, "total"]:
            check(row["counts"][group], counts[(row["group"], group)])


def test_partner_table_counts_each_partner(world, staff, run_report):
    counts = Counter((world.partners[p.partner].id, p.race_group) for p in world.people)
    page = page_table(staff.get(URL), "by_partner_race")
    for organisation in world.partners:
        row = page[str(organisation.id)]
        assert row["total"] == str(sum(n for (o, _), n in counts.items() if o == organisation.id))
        for race in RACES:
            check(row[race], counts[(organisation.id, race)])


def test_a_count_of_three_is_under_five_everywhere(world, staff, run_report):
    """Three people of one group were declined: "<5" on the page, in the CSV, the command and
    the PDF (the PDF is read back in test_exports.py)."""
    assert sum(1 for p in world.people if p.race_group == "asian" and p.status == "declined") == 3
    assert page_table(staff.get(URL), "by_status_race")["declined"]["asian"] == "<5"
    lines = csv_table(staff.raw.get("/reports/tables/by_status_race.csv?"
                                    + urlencode(PERIOD)).get_data(as_text=True))
    asian = lines[0].index("Asian")
    assert next(line for line in lines if line[0] == "Declined")[asian] == "<5"
    tables = command_json(run_report("--from", PERIOD["start"], "--to", PERIOD["end"]))["tables"]
    declined = next(r for r in tables["by_status_race"]["rows"] if r["group"] == "declined")
    assert declined["counts"]["asian"] == "<5"
    csv_out = run_report("--from", PERIOD["start"], "--to", PERIOD["end"], "--format", "csv")
    assert "Declined,0,<5," in csv_out.output


def test_no_suppressed_cell_can_be_worked_out_from_a_total(world, staff):
    """In every count table, a row or a column (with its total) hides no cell or at least two."""
    page = staff.get(URL)
    for table in page.soup.select("table[id^=by_]"):
        grid = [[td.get_text(strip=True) for td in row.find_all("td")]
                for row in table.select("tbody tr")]
        for line in [*grid, *zip(*grid)]:
            hidden = sum(cell in ("<5", "hidden") for cell in line)
            assert hidden != 1, (table["id"], line)


def _outcomes(people, group):
    members = [p for p in people if group(p)]
    decided = [p for p in members if p.decision_days is not None]
    accepted = [p for p in decided if p.status != "declined"]
    return {"decided": len(decided), "accepted": len(accepted),
            "completed": sum(p.status == "intake_completed" for p in accepted),
            "missed": sum(p.status == "intake_missed" for p in accepted)}


def test_rates_by_race_and_ethnicity(world, staff, run_report):
    page = page_table(staff.get(URL), "rates_race")
    tables = command_json(run_report("--from", PERIOD["start"], "--to", PERIOD["end"]))["tables"]
    command = {r["group"]: r["counts"] for r in tables["rates_race"]["rows"]}
    for race in ("white", "black"):
        o = _outcomes(world.people, lambda p: p.race_group == race)
        assert page[race]["decided"] == str(o["decided"])
        assert page[race]["accepted"] == str(o["accepted"])
        assert page[race]["acceptance_rate"] == f"{100 * o['accepted'] / o['decided']:.1f}%"
        assert page[race]["completion_rate"] == f"{100 * o['completed'] / o['accepted']:.1f}%"
        assert page[race]["miss_rate"] == f"{100 * o['missed'] / o['accepted']:.1f}%"
        assert command[race]["acceptance_rate"] == round(o["accepted"] / o["decided"], 4)
    # Three Asian referrals, all declined: every count and rate of that row is hidden.
    assert page["asian"]["decided"] == "<5" and page["asian"]["acceptance_rate"] == "hidden"
    everyone = _outcomes(world.people, lambda p: True)
    assert page["total"]["acceptance_rate"] == \
        f"{100 * everyone['accepted'] / everyone['decided']:.1f}%"


def _nearest_rank(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


def test_medians_and_90th_percentiles(world, staff, run_report):
    page = page_table(staff.get(URL), "times_ethnicity")
    tables = command_json(run_report("--from", PERIOD["start"], "--to", PERIOD["end"]))["tables"]
    command = {r["group"]: r["counts"] for r in tables["times_ethnicity"]["rows"]}
    for group, members in (("not_hispanic", lambda p: p.ethnicity == "not_hispanic"),
                           ("hispanic", lambda p: p.ethnicity == "hispanic"),
                           ("total", lambda p: True)):
        decision = [p.decision_days for p in world.people
                    if members(p) and p.decision_days is not None]
        intake = [p.intake_days for p in world.people if members(p) and p.intake_days is not None]
        assert page[group]["decision_median"] == f"{statistics.median(decision):g}"
        assert page[group]["decision_p90"] == str(_nearest_rank(decision, 0.9))
        assert page[group]["intake_median"] == f"{statistics.median(intake):g}"
        assert page[group]["intake_p90"] == str(_nearest_rank(intake, 0.9))
        assert command[group]["decision_median"] == statistics.median(decision)
        assert command[group]["intake_p90"] == _nearest_rank(intake, 0.9)
    # The even count: the median is the mean of the two middle values.
    assert len([p for p in world.people if p.decision_days is not None]) % 2 == 0


def test_relative_rate_index_against_a_hand_computation(world, staff, run_report):
    """White non-Hispanic: 30 accepted of 40 decided. Black non-Hispanic: 25 of 50.
    RRI = (25/50) / (30/40) = 0.6667; SE = sqrt(1/25 - 1/50 + 1/30 - 1/40) = 0.16833;
    95% CI = exp(ln 0.6667 -/+ 1.96 x 0.16833) = 0.4793 to 0.9272: excludes 1 (lower).
    Hispanic (any race): 20 of 25: RRI 1.0667, CI 0.8180 to 1.3909: includes 1."""
    page = page_table(staff.get(URL), "rri_accepted")
    assert page["white:not_hispanic"]["base"] == "40"
    assert page["white:not_hispanic"]["events"] == "30"
    assert page["white:not_hispanic"]["differs"] == "Reference group"
    black = page["black:not_hispanic"]
    assert (black["base"], black["events"], black["rate"]) == ("50", "25", "50.0%")
    assert (black["rri"], black["ci_low"], black["ci_high"]) == ("0.67", "0.48", "0.93")
    assert black["differs"] == "Yes, lower"
    hispanic = page["hispanic"]
    assert (hispanic["base"], hispanic["events"], hispanic["rri"]) == ("25", "20", "1.07")
    assert (hispanic["ci_low"], hispanic["ci_high"], hispanic["differs"]) == ("0.82", "1.39", "No")
    tables = command_json(run_report("--from", PERIOD["start"], "--to", PERIOD["end"]))["tables"]
    row = next(r for r in tables["rri_accepted"]["rows"] if r["group"] == "black:not_hispanic")
    assert row["counts"]["rri"] == pytest.approx(0.6667, abs=1e-4)
    assert row["counts"]["ci_low"] == pytest.approx(0.4793, abs=1e-4)
    assert row["counts"]["ci_high"] == pytest.approx(0.9272, abs=1e-4)


def test_rri_of_intake_completion(world, staff):
    """Reference: 12 completed of 30 accepted; Black non-Hispanic: 15 of 25. RRI 1.5;
    SE = sqrt(1/15 - 1/25 + 1/12 - 1/30) = 0.27689; CI 0.8718 to 2.5809: includes 1."""
    black = page_table(staff.get(URL), "rri_intake_completed")["black:not_hispanic"]
    assert (black["base"], black["events"], black["rri"]) == ("25", "15", "1.50")
    assert (black["ci_low"], black["ci_high"], black["differs"]) == ("0.87", "2.58", "No")


def test_filters_narrow_every_table(world, staff):
    organisation = world.partners[1]
    page = staff.get(URL + f"&partner={organisation.id}&route=arrest_diversion&level=district")
    chosen = [p for p in world.people if p.partner == 1 and p.route == "arrest_diversion"
              and "df4_possession" in p.charges]
    assert page_table(page, "by_route_race")["total"]["total"] == str(len(chosen))
    assert page.soup.find("option", selected=True, value=str(organisation.id))


def test_reports_hold_no_names_dates_of_birth_or_free_text(world, staff, run_report):
    outputs = [staff.get(URL).text,
               staff.raw.get("/reports/tables/by_status_race.csv?"
                             + urlencode(PERIOD)).get_data(as_text=True),
               run_report("--from", PERIOD["start"], "--to", PERIOD["end"]).output]
    for output in outputs:
        for secret in (SECRET_NAME, SECRET_BIRTH.isoformat(), "1987", "Free text"):
            assert secret not in output
