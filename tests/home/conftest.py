import pytest

from portal.accounts.models import OrgKind, Role
from tests.review.helpers import coordinators


@pytest.fixture
def officer(make):
    return make.user(Role.REFERRER, make.org(OrgKind.LAW_ENFORCEMENT), name="Officer Dana Reyes")


@pytest.fixture
def casey(make, session):
    return coordinators(make, session)[0]
