from __future__ import annotations

from portal import audit, db
from portal.accounts.models import OrgKind
from portal.public.models import AccessRequest


def submit_access_request(*, organisation_name: str, organisation_kind: str, contact_name: str,
                          contact_email: str, contact_phone: str | None, reason: str) -> AccessRequest:
    request = AccessRequest(organisation_name=organisation_name,
                            organisation_kind=OrgKind(organisation_kind), contact_name=contact_name,
                            contact_email=contact_email.strip().lower(),
                            contact_phone=contact_phone or None, reason=reason)
    db.session().add(request)
    audit.record("access_request.submitted", subject=request)
    return request
