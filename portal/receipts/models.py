"""A stored document: the PDF bytes as first printed, so that every reprint is the same file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, utcnow

RECEIPT, PERSON_RECEIPT, CONSENT_COPY = "receipt", "person_receipt", "consent_copy"
KINDS = (RECEIPT, PERSON_RECEIPT, CONSENT_COPY)
LANGUAGES = ("en", "es")


class StoredDocument(Base):
    """One document of one referral in one language, kept as first printed.

    WeasyPrint output embeds a creation date, so rendering again would not give the same bytes:
    the bytes themselves are kept, with their sha256 (checked on every reprint) and the template
    version and renderer that made them.
    """

    __tablename__ = "stored_documents"
    __table_args__ = (
        # One per referral, kind, language and standing (status and deadline, printed_for): two
        # first prints at once make one (operations.py); a print after a change makes another.
        UniqueConstraint("referral_id", "kind", "language", "printed_for"),
        CheckConstraint("kind IN ('receipt', 'person_receipt', 'consent_copy')", name="kind_known"),
        CheckConstraint("language IN ('en', 'es')", name="language_known"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    printed_for: Mapped[str] = mapped_column(String(60))
    paper_size: Mapped[str] = mapped_column(String(10))
    template_version: Mapped[str] = mapped_column(String(80))
    renderer: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: only a download reads the bytes.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
