"""Every table, imported in one place so that Alembic and the tests see the whole schema."""

from portal.accounts.models import (  # noqa: F401
    Invitation, Organisation, PasswordReset, RecoveryCode, User, UserSession,
)
from portal.audit.models import AuditEvent  # noqa: F401
from portal.casework.models import CaseManagerAssignment, ContactAttempt  # noqa: F401
from portal.consent.models import Consent, Revocation  # noqa: F401
from portal.db import Base
from portal.notices.digest import OPEN_INDEX  # noqa: F401
from portal.notifications.models import DigestSent, NoticeChoice, OutboxMessage  # noqa: F401
from portal.public.models import AccessRequest  # noqa: F401
from portal.prosecutor.models import ProsecutorAgency, ProsecutorUpdate  # noqa: F401
from portal.receipts.models import StoredDocument  # noqa: F401
from portal.referrals.models import (  # noqa: F401
    InformationRequest, Referral, ReferralEvent, ReferralVersion, ReviewNote, Screening,
)
from portal.reports.models import (  # noqa: F401
    ReferralCharge, ReportCell, ReportChargeCell, ReportDayCell,
)
from portal.review.models import DuplicatePair  # noqa: F401
from portal.review.search import SEARCH_INDEX  # noqa: F401

metadata = Base.metadata
