import pytest

from tests.accounts.helpers import mailbox, other_app  # noqa: F401 (fixtures)


@pytest.fixture
def mail_app(other_app, mailbox):
    """The app with SMTP set to the test's aiosmtpd server, inside the test's transaction."""
    return other_app(smtp_host="127.0.0.1", smtp_port=mailbox.port)


@pytest.fixture
def officer(make):
    from portal.accounts.models import OrgKind, Role

    return make.user(Role.REFERRER, make.org(OrgKind.LAW_ENFORCEMENT), name="Officer Dana Reyes")
