"""Reading the database and driving the partner's pages, for the referral and consent tests."""

from __future__ import annotations

import re

from sqlalchemy import select


from portal.consent.models import Consent
from portal.referrals.models import Referral, ReferralEvent, ReferralVersion, Screening
from tests.pages import Client
from tests.referrals import builders
from tests.reading import audit_rows, count  # noqa: F401  (re-exported for the tests here)

ARREST, SOCIAL = "arrest_diversion", "social_contact"
ROUTES = (ARREST, SOCIAL)
REFERENCE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")


# --- Reading the database ------------------------------------------------------------------------

def referral(session, referral_id: int) -> Referral | None:
    session.expire_all()
    return session.get(Referral, referral_id)


def answers(session, referral_id: int) -> dict:
    """The draft's saved answers, as the database has them now."""
    return referral(session, referral_id).answers


def snapshot(session, referral_id: int) -> dict:
    """Everything a request about one referral could change, to compare before and after."""
    row = referral(session, referral_id)
    if row is None:
        return {"exists": False}
    columns = {c.key: getattr(row, c.key) for c in Referral.__table__.columns}
    children = {model.__name__: count(session, model, model.referral_id == referral_id)
                for model in (Consent, Screening, ReferralEvent, ReferralVersion)}
    consent = session.scalar(select(Consent).where(Consent.referral_id == referral_id))
    return {"exists": True, **columns, **children,
            "consent_status": consent.status if consent else None,
            "revocations": len(consent.revocations) if consent else 0}


def submitted(session) -> list[Referral]:
    session.expire_all()
    return list(session.scalars(select(Referral).where(Referral.status != "draft")))


# --- People ---------------------------------------------------------------------------------------

# --- Pages ----------------------------------------------------------------------------------------

def page_data(route: str, slug: str) -> dict:
    """The valid answers the builders post for one page (the consent page's too)."""
    if slug == "consent":
        return builders.consent_page(route)
    return dict(dict(builders.PAGES[route])[slug])


def slugs(route: str) -> list[str]:
    return [slug for slug, _ in builders.PAGES[route]] + ["consent"]


def check_url(referral_id: int) -> str:
    return f"/referrals/{referral_id}/check"


def send(client: Client, referral_id: int, data: dict | None = None, **kwargs):
    """Press "Send the referral" on check-your-answers."""
    return client.submit(check_url(referral_id), data or {}, **kwargs)


def reference_on(page) -> str:
    return page.soup.find(id="reference").get_text().strip()


def submit_quickly(client: Client, route: str) -> tuple[int, str]:
    """A complete referral sent through the pages, in few requests; returns its id and reference."""
    referral_id = builders.fill_draft_quickly(client, route)
    response = send(client, referral_id)
    assert response.status_code == 302, response.status_code
    return referral_id, reference_on(client.get(response.location))
