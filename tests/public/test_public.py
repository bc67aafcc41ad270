from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.public.models import AccessRequest


def test_landing_page_lists_every_charge_and_exclusion_from_the_ruleset(client, app):
    ruleset = app.extensions["portal.ruleset"]
    page = client.get("/")
    for charge in ruleset.charges:
        assert charge.label in page.text
    for exclusion in ruleset.exclusions:
        assert exclusion.description in page.text
    assert f"version {ruleset.version}" in page.text


def test_landing_page_follows_a_replaced_ruleset(database_url, tmp_path):
    from portal import create_app
    from portal.eligibility.loader import default_ruleset
    from tests.conftest import test_settings

    original = default_ruleset()
    path = tmp_path / "rules.toml"
    source = (__import__("importlib.resources", fromlist=["files"]).files("portal.eligibility")
              / "default_ruleset.toml").read_text()
    path.write_text(source.replace('label = "Trespassing"', 'label = "Criminal trespass, second degree"'))
    app = create_app(test_settings(database_url, ruleset_path=str(path)))
    text = app.test_client().get("/").get_data(as_text=True)
    assert "Criminal trespass, second degree" in text
    assert original.charge("trespassing").label == "Trespassing"
    app.extensions["portal.db"].engine.dispose()


def test_an_access_request_is_stored_and_audited(client, session):
    response = client.submit("/request-access", {
        "organisation_name": "Eastside Shelter", "organisation_kind": "community_partner",
        "contact_name": "Rosa Núñez", "contact_email": "Rosa@Eastside.example",
        "reason": "We work with people sleeping outside."})
    assert response.status_code == 302
    assert "Your request has been sent" in client.get(response.location).text
    stored = session.scalar(select(AccessRequest))
    assert stored.contact_email == "rosa@eastside.example" and stored.status.value == "pending"
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "access_request.submitted"))


def test_every_page_names_the_portal_icon_and_it_is_served(client):
    icon = client.get("/").soup.find("link", rel="icon")
    assert icon is not None and icon["type"] == "image/svg+xml"
    with client.raw.get(icon["href"]) as served:  # a file response: closed when read
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
        assert b"<svg" in served.data
