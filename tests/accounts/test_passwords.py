"""The password policy: 12+ characters, up to at least 128, nothing common or guessable, argon2id."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.accounts.passwords import password_problem
from tests.accounts.helpers import forget_used_codes
from tests.pages import PASSWORD

STRONG = "velvet harbour quinoa telescope"
LONG = ("Quiet rivers carry paper boats past the old mill at dawn while 7 herons watch. " * 2)[:128]


def change(client, password, confirm=None):
    return client.submit_page("/profile/password", {
        "current_password": PASSWORD, "password": password,
        "confirm": password if confirm is None else confirm})


@pytest.mark.parametrize("weak, message", [
    ("short words", "Enter a password of at least 12 characters"),
    ("eleven char", "Enter a password of at least 12 characters"),
    ("password1234", "Choose a password that is harder to guess"),
    ("letmeinplease", "Choose a password that is harder to guess"),
    ("love you baby", "Choose a password that is harder to guess"),
    ("i love my family", "Choose a password that is harder to guess"),
    ("thank you very much", "Choose a password that is harder to guess"),
    ("aaaaaaaaaaaaaaaa", "Choose a password that is harder to guess"),
])
def test_weak_passwords_are_refused(client, make, session, weak, message):
    user = make.user()
    client.sign_in(user)
    before = user.password_hash
    page = change(client, weak)
    assert page.status == 200 and page.title.startswith("Error: ")
    assert page.error_targets() == ["password"]
    assert page.errors[0].startswith(message), page.errors
    session.refresh(user)
    assert user.password_hash == before


def test_the_users_own_email_or_name_is_refused(client, make, session):
    user = make.user(email="marguerite.delacroix@example.org", name="Marguerite Delacroix")
    client.sign_in(user)
    for guessable in (user.email, "marguerite.delacroix@example.org".upper(), "Marguerite Delacroix"):
        page = change(client, guessable)
        assert page.error_targets() == ["password"], guessable
        assert page.errors[0].startswith("Choose a password that is harder to guess")
    # The policy function refuses them for the same reason, and only with the hints.
    assert password_problem(user.email, hints=(user.email, user.name))
    assert password_problem("Marguerite Delacroix", hints=(user.email, user.name))


def test_a_strong_passphrase_is_accepted(client, new_client, make, session):
    user = make.user()
    client.sign_in(user)
    page = change(client, STRONG)
    assert page.status == 302
    session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    assert STRONG not in user.password_hash
    forget_used_codes(session, user)
    assert new_client().sign_in(user, password=STRONG).location == "/home"


def test_a_128_character_password_is_accepted_and_works(client, new_client, make, session):
    assert len(LONG) == 128
    user = make.user()
    client.sign_in(user)
    assert change(client, LONG).status == 302
    forget_used_codes(session, user)
    assert new_client().sign_in(user, password=LONG).location == "/home"


def test_an_overlong_password_is_refused_with_a_message_not_an_error(client, make):
    user = make.user()
    client.sign_in(user)
    page = change(client, "word " * 60)
    assert page.status == 200
    assert page.errors == ["Enter a password of 256 characters or fewer"]


def test_the_production_hash_is_argon2id_with_rfc_9106_parameters():
    from portal.accounts.passwords import Hasher

    stored = Hasher("production").hash(STRONG)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_no_password_is_kept_in_the_clear(make, session):
    user = make.user(password=STRONG)
    session.expire_all()
    row = session.get(User, user.id)
    assert STRONG not in (row.password_hash or "")
