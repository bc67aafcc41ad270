from portal.accounts.models import Role

FACTS = {"route": "arrest_diversion", "referrer_org_kind": "law_enforcement",
         "contact_date": "2026-11-01", "person": {"date_of_birth": "1990-06-15"},
         "charges": [{"code": "shoplifting", "answers": {"restitution_sought": False}}],
         "treatment_court_case": "none", "protective_order_with_participant": "no",
         "concerns": [], "last_eligible_conduct_date": None, "consent_given": True}


def _signed_in_token(client, make):
    client.sign_in(make.user(Role.REFERRER))
    return client.get("/profile").csrf_token()


def test_screening_over_http_matches_the_contract(client, make, app):
    token = _signed_in_token(client, make)
    response = client.raw.post("/api/v1/screenings", json=FACTS, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    body = response.get_json()
    assert body["decision"] == "eligible"
    assert body["ruleset"]["sha256"] == app.extensions["portal.ruleset"].sha256
    assert body["intake_deadline"]


def test_invalid_facts_answer_400_with_field_messages(client, make):
    token = _signed_in_token(client, make)
    bad = {**FACTS, "person": {"date_of_birth": "1990-02-31"}}
    response = client.raw.post("/api/v1/screenings", json=bad, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert fields == ["person.date_of_birth"]


def test_the_api_needs_a_session_and_a_csrf_token(client, make):
    assert client.raw.post("/api/v1/screenings", json=FACTS).status_code in {400, 401}
    client.sign_in(make.user(Role.REFERRER))
    response = client.raw.post("/api/v1/screenings", json=FACTS)
    assert response.status_code == 400, "a browser session must send its CSRF token"
