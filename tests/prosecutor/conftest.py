import pytest

from portal.accounts.models import OrgKind, Role
from portal.prosecutor.models import ProsecutorAgency
from tests.accounts.helpers import mailbox, other_app  # noqa: F401 (fixtures)
from tests.notifications.conftest import mail_app  # noqa: F401 (the SMTP app, reused)


class Office:
    """A prosecutor's office linked to one police agency, and an agency it is not linked to."""

    def __init__(self, make, session):
        self.agency = make.org(OrgKind.LAW_ENFORCEMENT)
        self.officer = make.user(Role.REFERRER, self.agency)
        self.elsewhere = make.org(OrgKind.LAW_ENFORCEMENT)
        self.stranger_officer = make.user(Role.REFERRER, self.elsewhere)
        self.org = make.org(OrgKind.PROSECUTOR)
        self.prosecutor = make.user(Role.PROSECUTOR, self.org)
        session.add(ProsecutorAgency(prosecutor_id=self.org.id, agency_id=self.agency.id))
        session.commit()


@pytest.fixture
def office(make, session):
    return Office(make, session)
