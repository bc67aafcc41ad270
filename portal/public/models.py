from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.accounts.models import OrgKind, _enum
from portal.db import Base, UTCDateTime, utcnow


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AccessRequest(Base):
    """A partner organisation asking to join, from the public form."""

    __tablename__ = "access_requests"
    __table_args__ = (
        CheckConstraint("status = 'pending' OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
                        name="decided_has_decider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
