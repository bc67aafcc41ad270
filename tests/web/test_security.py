"""The 'every request' rows of security.md."""

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.public.models import AccessRequest
from portal.web.security import limiter
from tests.pages import Page

VALID_REQUEST = {
    "organisation_name": "Eastside Shelter", "organisation_kind": "community_partner",
    "contact_name": "Rosa O'Neil-Núñez", "contact_email": "rosa@eastside.example",
    "contact_phone": "(303) 555-0199", "reason": "We meet people sleeping outside every night.",
}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_security_headers_on_every_page(client):
    for url in ["/", "/sign-in", "/no-such-page"]:
        headers = client.raw.get(url).headers
        csp = headers["Content-Security-Policy"]
        for directive in ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                          "script-src 'self'"]:
            assert directive in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client):
    page = client.get("/")
    assert all(tag.get("src") for tag in page.soup.find_all("script"))
    assert not page.soup.select("[onclick], [onload], [style]")


def test_session_cookie_flags(client, make):
    response = client.sign_in(make.user(Role.REFERRER))
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies and all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert not any("Domain=" in c for c in cookies)
    assert not any("Secure" in c for c in cookies), "plain http is allowed only in development"


def test_production_cookies_are_secure(database_url):
    from portal import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url, env="production", argon2_profile="production",
                                   secret_key="k" * 20 + "0123456789abcdefghij"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["portal.db"].engine.dispose()


def test_post_without_csrf_token_is_refused_and_writes_nothing(client, session):
    before = _count(session, AccessRequest)
    page = client.submit_page("/request-access", VALID_REQUEST, csrf=False)
    assert page.status == 200
    assert any("expired" in e for e in page.errors)
    assert page.value("organisation_name") == "Eastside Shelter", "the answers are kept"
    assert page.value("reason") == VALID_REQUEST["reason"]
    assert page.csrf_token(), "with a fresh token to send again"
    assert _count(session, AccessRequest) == before


def test_post_to_a_non_form_endpoint_without_csrf_is_refused(client, make):
    client.sign_in(make.user(Role.REFERRER))
    response = client.raw.post("/sign-out")
    assert response.status_code == 400
    assert client.get("/home").status == 200, "still signed in"


def test_five_megabyte_field_answers_413_with_a_page(client):
    page = client.submit_page("/request-access", {**VALID_REQUEST, "reason": "x" * 5_000_000})
    assert page.status == 413
    assert "too large" in page.text


def test_long_field_is_refused_with_a_clear_message(client, session):
    before = _count(session, AccessRequest)
    page = client.submit_page("/request-access", {**VALID_REQUEST, "reason": "y" * 10_000})
    assert page.errors == ["The reason must be 2,000 characters or fewer"]
    assert page.value("contact_name") == VALID_REQUEST["contact_name"]
    assert _count(session, AccessRequest) == before


def test_blank_and_malformed_fields_are_summarised_with_links_and_answers_kept(client):
    page = client.submit_page("/request-access", {"organisation_name": "Eastside Shelter",
                                                  "contact_email": "not-an-email", "reason": ""})
    assert page.title.startswith("Error: ")
    assert page.errors == [
        "Select what kind of organization it is",
        "Enter your full name",
        "Enter an email address in the correct format, like name@example.com",
        "Enter why your organization wants to refer people",
    ]
    assert page.error_targets() == ["organisation_kind-0", "contact_name", "contact_email", "reason"]
    assert page.value("organisation_name") == "Eastside Shelter"
    assert page.value("contact_email") == "not-an-email"
    field = page.soup.find(id="contact_email")
    assert field["aria-invalid"] == "true"
    assert "contact_email-error" in field["aria-describedby"]


def test_error_pages_have_their_own_page(client, make):
    assert "Page not found" in client.get("/nowhere", status=404).text
    response = client.raw.put("/")
    assert response.status_code == 405 and "not allowed" in Page(response).text
    client.sign_in(make.user(Role.REFERRER))
    assert "do not have access" in client.get("/admin/organisations", status=403).text


def test_rate_limit_answers_429_with_a_page(database_url, connection):
    from portal import create_app
    from tests.conftest import test_settings
    from tests.pages import Client

    app = create_app(test_settings(database_url, ratelimit_enabled=True))
    app.extensions["portal.db"].bind_to(connection)
    try:
        client = Client(app.test_client(), app)
        statuses = [client.submit("/request-access", VALID_REQUEST).status_code for _ in range(6)]
        assert statuses[:5] == [302] * 5
        assert statuses[5] == 429
        page = client.raw.post("/request-access", data=VALID_REQUEST)
        assert page.status_code == 429 and b"Too many attempts" in page.data
        assert page.headers["Retry-After"]
    finally:
        limiter.reset()  # the counts live in the limiter shared by every app in the process
        app.extensions["portal.db"].unbind()
        app.extensions["portal.db"].engine.dispose()


def test_database_unreachable_answers_503_and_says_nothing_was_saved(tmp_path):
    from portal import create_app
    from tests.conftest import test_settings

    missing = tmp_path / "no-such-folder" / "portal.sqlite3"
    app = create_app(test_settings(f"sqlite:///{missing}"))
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["sid"] = "a session the database would be asked about"
    response = client.get("/home")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert b"nothing you just sent has been saved" in response.data
    app.extensions["portal.db"].engine.dispose()
