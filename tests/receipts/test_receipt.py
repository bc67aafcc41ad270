"""The referral receipt: what it says, its QR code, and an accessible PDF (tagged, titled, in a
language, fonts embedded, text selectable)."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest
import segno
from pypdf import PdfReader

from portal.accounts.models import Role
from portal.receipts import documents
from tests.conftest import need
from tests.pages import on_page
from tests.receipts.helpers import (
    ARREST,
    SOCIAL,
    pdf,
    poppler,
    squash,
    text,
)
from tests.referrals.builders import TODAY

# 42 CFR 2.32(a)(1) as the 2024 final rule worded it (89 FR 12472), typed here apart from the
# code, so that a change to the notice in the code fails this test.
NOTICE_2024 = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony "
    "that describes the information contained in this record, in any civil, criminal, "
    "administrative, or legislative proceedings by any Federal, State, or local authority, "
    "against the patient, unless authorized by the consent of the patient, except as provided at "
    "42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In "
    "addition, the Federal rules prohibit you from making any other use or disclosure of this "
    "record unless at least one of the following applies: (i) Further use or disclosure is "
    "expressly permitted by the written consent of the individual whose information is being "
    "disclosed in this record or as otherwise permitted by 42 CFR part 2. (ii) You are a covered "
    "entity or business associate and have received the record for treatment, payment, or health "
    "care operations, or (iii) You have received the record from a covered entity or business "
    "associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for "
    "the release of medical or other information is NOT sufficient to meet the required elements "
    "of written consent to further use or redisclose the record (see 42 CFR 2.31).")


@pytest.fixture
def officer(make):
    return make.user(Role.REFERRER)


@pytest.fixture
def arrest(client, make, officer):
    client.sign_in(officer)
    sent = make.referral(ARREST, by=officer, partner_note="Seen twice this week")
    return sent.id, sent.reference


def _deadline(session, referral_id) -> str:
    from portal.referrals.models import Referral

    session.expire_all()
    return documents.format_date(session.get(Referral, referral_id).intake_deadline,
                                 documents.words_for("en"))


def test_the_receipt_holds_what_the_partner_files(client, arrest, session, officer):
    referral_id, reference = arrest
    found = text(pdf(client, f"/referrals/{referral_id}/receipt.pdf").data)
    for expected in (reference, _deadline(session, referral_id), "Arrest diversion", "Shoplifting",
                     "Trespassing", "Officer Dana Reyes", "José O'Neil", "March 7, 1990",
                     "Screening found no problems; a coordinator decides", "Cooperative; asked about detox.",
                     "Seen twice this week", officer.organisation.name, "(555) 010-0100",
                     "lead@lead.invalid", "What happens next", on_page(TODAY)):
        assert expected in found, expected
    assert NOTICE_2024 in found


def test_pdftotext_reads_the_same_receipt(client, arrest, session):
    referral_id, reference = arrest
    found = squash(poppler("pdftotext", pdf(client, f"/referrals/{referral_id}/receipt.pdf").data))
    for expected in (reference, _deadline(session, referral_id), "Arrest diversion",
                     "Shoplifting", NOTICE_2024):
        assert expected in found, expected[:60]


def test_the_notice_in_the_code_is_the_2024_text():
    assert documents.redisclosure_text() == NOTICE_2024


def test_the_qr_payload_is_the_reference_where_it_is_made(client, arrest):
    referral_id, reference = arrest
    code = documents.qr_code(reference)
    assert code.payload == reference
    # Drawn from a full QR code of exactly that payload (a Micro QR would not scan on phones).
    made = segno.make_qr(reference, error="q")
    assert not made.is_micro
    dark = {(x, y) for y, row in enumerate(made.matrix_iter(border=0))
            for x, on in enumerate(row) if on}
    assert _modules(code.path) == dark
    page = client.get(f"/referrals/{referral_id}/receipt")
    assert page.soup.select_one(".qr path")["d"] == code.path


def _modules(path: str) -> set[tuple[int, int]]:
    """The dark modules an SVG path of runs ("M{x} {y}h{n}v1h-{n}z") covers."""
    modules = set()
    for run in filter(None, path.split("M")):
        x, rest = run.split(" ", 1)
        y, rest = rest.split("h", 1)
        width = int(rest.split("v", 1)[0])
        modules |= {(int(x) + i, int(y)) for i in range(width)}
    return modules


def test_the_qr_code_on_the_printed_page_decodes_to_the_reference(client, arrest, tmp_path):
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed: the payload is checked where it is made")
    referral_id, reference = arrest
    (tmp_path / "receipt.pdf").write_bytes(pdf(client, f"/referrals/{referral_id}/receipt.pdf").data)
    need(shutil.which("pdftoppm") is not None, "poppler-utils is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1",
                    str(tmp_path / "receipt.pdf"), str(tmp_path / "page")], check=True, timeout=60)
    image = next(tmp_path.glob("page*.png"))
    done = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == [reference]


@pytest.mark.parametrize("url", ["receipt.pdf", "person-receipt.pdf?language=es",
                                 "consent-copy.pdf"])
def test_every_document_is_tagged_titled_and_in_its_language(client, arrest, url):
    referral_id, reference = arrest
    data = pdf(client, f"/referrals/{referral_id}/{url}").data
    reader = PdfReader(BytesIO(data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == ("es" if "es" in url else "en")
    assert reference in reader.metadata.title
    info = poppler("pdfinfo", data)
    assert "Tagged:          yes" in info
    assert f"{reference}" in info.splitlines()[0]


@pytest.mark.parametrize("url", ["receipt.pdf", "person-receipt.pdf?language=es",
                                 "consent-copy.pdf"])
def test_every_font_is_embedded(client, arrest, url):
    referral_id, _ = arrest
    table = poppler("pdffonts", pdf(client, f"/referrals/{referral_id}/{url}").data).splitlines()
    header, fonts = table[0].split(), [line.split() for line in table[2:]]
    assert fonts, "the document has text in fonts"
    emb = header.index("emb")
    assert all(row[emb - len(header)] == "yes" for row in fonts), table
    assert all("Liberation" in row[0] for row in fonts), table


def test_a_social_contact_receipt_shows_the_conduct(client, make):
    from portal.accounts.models import OrgKind

    outreach = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    client.sign_in(outreach)
    sent = make.referral(SOCIAL, by=outreach)
    referral_id, reference = sent.id, sent.reference
    found = text(pdf(client, f"/referrals/{referral_id}/receipt.pdf").data)
    assert reference in found and "Social contact referral" in found
    # In the plain words a partner who saw it would use (issue 14), and no eligibility verdict.
    assert "Eligible conduct" in found and "Camping or sleeping in a public place" in found
    assert "Screening found no problems; a coordinator decides" in found
    assert "every rule passes" not in found and "city_county" not in found
    assert NOTICE_2024 in found


def test_the_printable_page_uses_the_print_stylesheet_only(client, arrest):
    referral_id, reference = arrest
    page = client.get(f"/referrals/{referral_id}/receipt")
    assert page.soup.html["lang"] == "en" and reference in page.title
    sheets = [link["href"] for link in page.soup.find_all("link")]
    assert sheets == ["/static/css/print.css"]
    assert not page.soup.find_all(["script", "img", "style"])
    assert page.soup.find(id="redisclosure") and squash(page.soup.find(id="redisclosure")
                                                       .get_text(" ")).endswith("(see 42 CFR 2.31).")
    links = {a.get_text(): a["href"] for a in page.soup.select(".toolbar a")}
    assert links == {"Back to the referral": f"/referrals/{referral_id}",
                     "Download PDF": f"/referrals/{referral_id}/receipt.pdf"}
