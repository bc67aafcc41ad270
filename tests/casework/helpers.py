"""Shared by the casework tests: the section's forms on the coordinator's referral page."""

from __future__ import annotations

from datetime import date

from tests.pages import Client, Page
from tests.review.helpers import review_url


def us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def post(client: Client, referral_id: int, what: str, data: dict, status: int | None = None):
    """Send the section's form ``what`` ("attempts" or "case-manager") with the page's token."""
    page = client.get(review_url(referral_id))
    token = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.raw.post(f"/casework/referrals/{referral_id}/{what}",
                               data={"csrf_token": token, **data})
    if status is not None:
        assert response.status_code == status, (what, response.status_code, response.location)
    return response


def post_page(client: Client, referral_id: int, what: str, data: dict, **kwargs) -> Page:
    page = Page(post(client, referral_id, what, data, **kwargs))
    page.check_invariants()
    return page
