"""A page of its own for every error status; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.routing import BuildError

from portal.web.security import csrf_failed

log = logging.getLogger(__name__)

PAGES = {
    400: ("Sorry, there is a problem with this request",
          "The request could not be understood. Go back and try again."),
    401: ("Sign in to continue", "This needs a signed-in session."),
    403: ("You do not have access to this page",
          "Your account cannot use this page. If you think it should, ask your administrator."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you followed a link, the page may "
          "have moved or you may not have access to it."),
    405: ("This action is not allowed here", "Go back and use the buttons on the page."),
    409: ("This referral changed while you were working on it",
          "Someone else changed it at the same moment (a coordinator may have made a decision), "
          "so nothing you just sent has been saved. Open the referral to see where it stands, "
          "and send again if it still needs it."),
    413: ("What you sent is too large",
          "Something you entered is far longer than this form accepts. Go back, shorten it and send "
          "again."),
    429: ("Too many attempts", "You have tried this too many times. Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service",
          "Something went wrong on our side. What you were doing may not have been saved. "
          "Try again later."),
    503: ("Sorry, the service is unavailable",
          "We could not reach the database, so nothing you just sent has been saved. Go back: your "
          "answers are still in the form. Try sending them again in a minute."),
}


NUL_MESSAGE = ("What you sent contains a character that cannot be stored (a null character, "
               "often pasted by accident). Go back, retype the text around it and send again.")


class NulCharacter(BadRequest):
    """A NUL anywhere in the request: PostgreSQL cannot store it, so refuse it at the door."""


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(NulCharacter, _nul)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(InternalServerError, _internal)


def refuse_nul_characters() -> None:
    """Once for every request: the path, the query and the form, names and values."""
    texts = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        texts += [*request.form.keys(), *request.form.values()]
    if any("\x00" in text for text in texts):
        raise NulCharacter()


def render_error(status: int, message: str | None = None, back: str | None = None):
    title, default = PAGES.get(status, PAGES[500])
    message = message or default
    json_wanted = request.accept_mimetypes.best == "application/json" or request.is_json
    if json_wanted:
        return {"error": title, "detail": message}, status
    return render_template("error.html", title=title, message=message, status=status,
                           back=back), status


def _http(error: HTTPException):
    if error.code not in PAGES:
        return error
    response = render_error(error.code)
    if error.code == 429:
        return response[0], 429, {"Retry-After": "60"}
    return response


def _nul(_error: NulCharacter):
    return render_error(400, NUL_MESSAGE)


def _stale(_error: StaleDataError):
    """Another request changed the row between this one's read and its write (the version
    column): forget everything this request did, and say so. Nothing is half-saved."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    return render_error(409, back=_referral_page())


def _referral_page() -> str | None:
    referral_id = (request.view_args or {}).get("referral_id")
    if referral_id is None:
        return None
    try:
        return url_for(f"{request.blueprint}.show", referral_id=referral_id)
    except BuildError:
        return None


def _csrf(_error: CSRFError):
    csrf_failed.send(current_app._get_current_object())
    return render_error(400)


def _database_unavailable(error: OperationalError):
    log.error("database unavailable: %s", error)
    _rollback_quietly()
    body, status = render_error(503)
    return body, status, {"Retry-After": "30"}


def _database_error(error: DBAPIError):
    if error.connection_invalidated:
        return _database_unavailable(error)
    log.exception("database error")
    _rollback_quietly()
    return render_error(500)


def _internal(error: InternalServerError):
    log.error("internal error: %s", getattr(error, "original_exception", error))
    return render_error(500)


def _rollback_quietly():
    """Forget the failed transaction, and render the error page as for an anonymous visitor,
    since finding out who is signed in would ask the database again."""
    g._login_user = current_app.login_manager.anonymous_user()
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except DBAPIError:
            pass
