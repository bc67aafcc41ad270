"""A page of its own for every error status; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

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


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(InternalServerError, _internal)


def render_error(status: int):
    title, message = PAGES.get(status, PAGES[500])
    json_wanted = request.accept_mimetypes.best == "application/json" or request.is_json
    if json_wanted:
        return {"error": title, "detail": message}, status
    return render_template("error.html", title=title, message=message, status=status), status


def _http(error: HTTPException):
    if error.code not in PAGES:
        return error
    response = render_error(error.code)
    if error.code == 429:
        return response[0], 429, {"Retry-After": "60"}
    return response


def _csrf(_error: CSRFError):
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
