from datetime import date, timedelta

from portal.accounts.models import Role

# The API screens on today: an arrest of today is within the ruleset's maximum delay.
FACTS = {"route": "arrest_diversion", "referrer_org_kind": "law_enforcement",
         "contact_date": date.today().isoformat(), "person": {"date_of_birth": "1990-06-15"},
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


def _poster(client, make):
    token = _signed_in_token(client, make)
    return lambda facts: client.raw.post("/api/v1/screenings", json=facts, headers={"X-CSRFToken": token})


def test_a_date_after_today_answers_400_naming_the_field(client, make):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = _poster(client, make)({**FACTS, "contact_date": tomorrow})
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["contact_date"]
    assert "screening day" in response.get_json()["errors"][0]["message"]


def test_the_api_screens_the_new_rules(client, make):
    post = _poster(client, make)
    old = (date.today() - timedelta(days=8)).isoformat()
    late = post({**FACTS, "contact_date": old}).get_json()
    assert late["decision"] == "needs_review"
    assert [f["rule"] for f in late["findings"] if f["outcome"] == "review"] == ["arrest_age"]
    social = {**FACTS, "route": "social_contact", "referrer_org_kind": "law_enforcement",
              "charges": [], "last_eligible_conduct_date": FACTS["contact_date"]}
    unnamed = post(social).get_json()
    assert unnamed["decision"] == "ineligible"
    assert [f["rule"] for f in unnamed["findings"] if f["outcome"] == "fail"] == ["conduct"]
    named = post({**social, "charges": [{"code": "camping", "answers": {}}]}).get_json()
    assert named["decision"] == "eligible"
    assert named["respond_by"] == (date.today() + timedelta(days=14)).isoformat()
