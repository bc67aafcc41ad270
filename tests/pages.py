"""A page helper: fetch, check the status, parse, and assert what every page keeps."""

from __future__ import annotations

import re
import time
from collections import Counter

import pyotp
from bs4 import BeautifulSoup
from sqlalchemy import inspect

PASSWORD = "correct horse battery staple 42"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def on_page(day) -> str:
    """A day as every page writes it, "March 27, 2026": said here apart from the app's own
    filter (portal/web/dates.py), so that changing the format on the pages changes the tests."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


class Page:
    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        self.text = " ".join(self.soup.get_text(" ").split())

    @property
    def title(self) -> str:
        return self.soup.title.get_text().strip() if self.soup.title else ""

    @property
    def errors(self) -> list[str]:
        """The error summary's messages, in order."""
        return [a.get_text(" ").strip() for a in self.soup.select(".portal-error-summary a")]

    def error_targets(self) -> list[str]:
        return [a["href"][1:] for a in self.soup.select(".portal-error-summary a")]

    def value(self, name: str) -> str | None:
        field = self.soup.find(attrs={"name": name})
        if field is None:
            return None
        if field.name == "textarea":
            return field.get_text()
        if field.get("type") == "radio":
            checked = self.soup.find(attrs={"name": name, "checked": True})
            return checked["value"] if checked else None
        return field.get("value")

    def csrf_token(self, form_index: int = 0) -> str:
        forms = self.soup.find_all("form", method=re.compile("post", re.I))
        return forms[form_index].find("input", attrs={"name": "csrf_token"})["value"]

    def check_invariants(self) -> None:
        assert self.title, "every page has a title"
        assert self.soup.html.get("lang"), "every page says its language"
        if self.response.mimetype == "text/html" and self.status != 204:
            assert self.soup.find("h1"), "every page has a heading"
        for form in self.soup.find_all("form", method=re.compile("post", re.I)):
            assert form.find("input", attrs={"name": "csrf_token", "value": True}), \
                "every POST form carries a CSRF token"
        for target in self.error_targets():
            assert self.soup.find(id=target) is not None, f"error link #{target} points at nothing"
        if self.soup.select(".portal-error-summary"):
            assert self.title.startswith("Error: "), "a page with errors says so in its title"
        ids = Counter(tag["id"] for tag in self.soup.find_all(id=True))
        assert not [i for i, n in ids.items() if n > 1], f"duplicate ids: {ids.most_common(3)}"


class Client:
    """Flask's test client with page-level helpers."""

    def __init__(self, flask_client, app):
        self.raw = flask_client
        self.app = app

    def get(self, url: str, status: int = 200, **kwargs) -> Page:
        response = self.raw.get(url, **kwargs)
        assert response.status_code == status, (url, response.status_code, response.location)
        page = Page(response)
        if response.mimetype == "text/html":
            page.check_invariants()
        return page

    def submit(self, url: str, data: dict, *, status: int | None = None, form_url: str | None = None,
               form_index: int = 0, csrf: bool = True):
        """POST ``data`` to ``url`` as a person would: with the CSRF token of the page's form."""
        payload = dict(data)
        if csrf:
            payload["csrf_token"] = self.get(form_url or url).csrf_token(form_index)
        response = self.raw.post(url, data=payload)
        if status is not None:
            assert response.status_code == status, (url, response.status_code, response.location)
        return response

    def submit_page(self, url: str, data: dict, **kwargs) -> Page:
        """The page a person sees after posting: a 303 (a page kept as posted, shown again
        with its errors) is followed, as the browser follows it."""
        response = self.submit(url, data, **kwargs)
        if response.status_code == 303:
            response = self.raw.get(response.location)
        page = Page(response)
        if page.response.mimetype == "text/html" and page.status < 300:
            page.check_invariants()
        return page

    def session_cookie(self) -> str | None:
        cookie = self.raw.get_cookie("session")
        return cookie.value if cookie else None

    def set_session_cookie(self, value: str) -> None:
        self.raw.set_cookie("session", value)

    def sign_in(self, user, password: str = PASSWORD, code: str | None = None):
        """Both factors; returns the final response (a redirect to the home page when it works)."""
        state = inspect(user)
        if state.session is not None and state.persistent:
            state.session.refresh(user)  # the app may have moved totp_last_step on
        response = self.submit("/sign-in", {"email": user.email, "password": password})
        if response.status_code != 302:
            return response
        return self.submit("/sign-in/code", {"code": code or fresh_code(user)})


def fresh_code(user) -> str:
    """A TOTP code for a time step this user has not used yet (each code works once)."""
    totp = pyotp.TOTP(user.totp_secret)
    step = int(time.time() // 30)
    if step <= (user.totp_last_step or 0):
        step = user.totp_last_step + 1
    return totp.at(step * 30)
