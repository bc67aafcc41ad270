from __future__ import annotations

from portal import audit, db
from portal.accounts import operations as accounts
from portal.accounts.models import Role, User
from portal.public.models import AccessRequest, RequestStatus


def approve_access_request(actor: User, request: AccessRequest) -> str:
    """Create the organisation and invite the contact as its administrator. Returns the link."""
    _check_pending(request)
    organisation = accounts.create_organisation(actor, request.organisation_name,
                                                request.organisation_kind)
    link = accounts.invite_user(actor, organisation, name=request.contact_name,
                                email=request.contact_email, role=Role.PARTNER_ADMIN,
                                phone=request.contact_phone)
    _decide(actor, request, RequestStatus.APPROVED)
    request.organisation_id = organisation.id
    return link


def reject_access_request(actor: User, request: AccessRequest) -> None:
    _check_pending(request)
    _decide(actor, request, RequestStatus.REJECTED)


def _check_pending(request: AccessRequest) -> None:
    if request.status is not RequestStatus.PENDING:
        raise accounts.Refused("This request has already been decided")


def _decide(actor: User, request: AccessRequest, status: RequestStatus) -> None:
    request.status = status
    request.decided_by_id = actor.id
    request.decided_at = db.utcnow()
    audit.record(f"access_request.{status.value}", actor=actor, subject=request)
