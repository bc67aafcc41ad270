import pytest

from portal.accounts.models import OrgKind, Role
from tests.review.helpers import coordinators


@pytest.fixture
def officer(make):
    return make.user(Role.REFERRER, make.org(OrgKind.LAW_ENFORCEMENT), name="Officer Dana Reyes")


@pytest.fixture
def casey(make, session):
    """The coordinator who accepts the referrals: responsible for them until a case manager."""
    coordinator = coordinators(make, session)[0]
    coordinator.name = "Casey Holder"
    session.commit()
    return coordinator
