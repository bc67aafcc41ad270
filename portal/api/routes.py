from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, request

from portal.accounts.access import signed_in
from portal.eligibility import FactsError, parse_facts, screen

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/screenings", methods=["POST"])
@signed_in()
def screenings():
    """Screen facts and return the result. Browser sessions send the CSRF token as X-CSRFToken."""
    body = request.get_json(silent=True)
    if body is None:
        return {"errors": [{"field": "", "message": "Send the facts as a JSON object, with "
                                                     "Content-Type: application/json"}]}, 400
    ruleset = current_app.extensions["portal.ruleset"]
    try:
        facts = parse_facts(body, ruleset)
    except FactsError as error:
        return error.to_dict(), 400
    return screen(facts, ruleset, on=date.today()).to_dict()
