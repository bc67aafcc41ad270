"""The CSV of each table, the PDF of the whole report (read back), the command, and the audit
row each of them writes."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import urlencode

from pypdf import PdfReader

from tests.reading import audit_rows
from tests.reports.helpers import PERIOD, SECRET_NAME, csv_table, page_table

QUERY = urlencode(PERIOD)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_every_table_has_a_csv_and_each_download_is_audited(world, staff, session):
    page = staff.get("/reports/?" + QUERY)
    links = [a["href"] for a in page.soup.select("a[href*='/reports/tables/']")]
    names = [t["id"] for t in page.soup.select("table[id]")]
    assert len(links) == len(names) == 18  # 19 with a comparison base
    for link, name in zip(links, names):
        response = staff.raw.get(link)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert f'filename="lead-{name}-2026-01-01-2026-06-30.csv"' in \
            response.headers["Content-Disposition"]
        lines = csv_table(response.get_data(as_text=True))
        shown = page_table(page, name)
        assert [line[1:] for line in lines[1:]] == [list(row.values()) for row in shown.values()]
    rows = audit_rows(session, "report.exported", user_id=world.coordinator.id)
    assert [r.detail["what"] for r in rows] == names
    assert {r.detail["format"] for r in rows} == {"csv"}
    assert rows[0].detail["from"] == "2026-01-01" and rows[0].detail["to"] == "2026-06-30"


def test_an_unknown_table_is_404(world, staff):
    assert staff.raw.get("/reports/tables/nothing.csv?" + QUERY).status_code == 404


def test_the_pdf_holds_the_whole_report_with_small_counts_hidden(world, staff, session):
    response = staff.raw.get("/reports/report.pdf?" + QUERY)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    assert "Referrals by status and race" in text
    assert "Relative Rate Index: accepted, of referrals decided" in text
    assert "<5" in text and SECRET_NAME not in text
    assert "How this is computed" in text
    assert "Declined 0 <5" in text  # three Asian referrals declined (no American Indian ones)
    rows = audit_rows(session, "report.exported", user_id=world.coordinator.id)
    assert [(r.detail["what"], r.detail["format"]) for r in rows] == [("report", "pdf")]


def test_the_command_prints_every_table_of_the_page_and_is_audited(world, staff, run_report,
                                                                   session):
    from tests.reports.helpers import command_json

    page = staff.get("/reports/?" + QUERY)
    result = command_json(run_report("--from", PERIOD["start"], "--to", PERIOD["end"]))
    assert list(result["tables"]) == [t["id"] for t in page.soup.select("table[id]")]
    assert result["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    rows = audit_rows(session, "report.exported")
    assert rows[-1].detail["format"] == "command-json" and rows[-1].user_id is None


def test_the_command_refuses_a_period_that_ends_before_it_starts(world, run_report):
    result = run_report("--from", "2026-02-01", "--to", "2026-01-01")
    assert result.exit_code != 0 and "--to" in result.output
