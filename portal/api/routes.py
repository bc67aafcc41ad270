from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, request

from portal.accounts.access import signed_in
from portal.eligibility import FactsError, parse_facts, screen

bp = Blueprint("api", __name__, url_prefix="/api/v1")


# The facts are at most a few levels deep; anything far deeper is an attack on the parser.
MAX_DEPTH = 20
NOT_JSON = "Send the facts as a JSON object, with Content-Type: application/json"
TOO_DEEP = f"The JSON is nested more than {MAX_DEPTH} levels deep. Send the facts as documented"


@bp.route("/screenings", methods=["POST"])
@signed_in()
def screenings():
    """Screen facts and return the result. Browser sessions send the CSRF token as X-CSRFToken."""
    body, problem = _facts_json()
    if problem:
        return {"errors": [{"field": "", "message": problem}]}, 400
    ruleset = current_app.extensions["portal.ruleset"]
    try:  # screening refuses dates after today as bad input, like the parser
        return screen(parse_facts(body, ruleset), ruleset, on=date.today()).to_dict()
    except FactsError as error:
        return error.to_dict(), 400


def _facts_json() -> tuple[object, str | None]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the standard parser gives up about 1,000 levels down
        return None, TOO_DEEP
    if body is None:
        return None, NOT_JSON
    return body, TOO_DEEP if _depth(body) > MAX_DEPTH else None


def _depth(value: object) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest
