"""Finding any referral, closed ones included: by reference, name, date of birth or incident.

Names are searched in a column kept at submission (``referrals.search_names``: every name the
person gave, folded), so a search reads no JSON. On PostgreSQL a trigram index serves it and
forgives spelling too when no name holds every word (``<%``, pg_trgm's word similarity, asked
only once the exact words found nothing); SQLite matches every word of the query."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import Column, Index, String, and_, literal, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import db, events
from portal.referrals.models import Referral

# Added to the Referral model from here, as portal/reports adds its columns: the referrals
# package need not know how it is searched.
Referral.search_names = Column("search_names", String(1000))
Referral.incident_number = Column("incident_number", String(60))
SEARCH_INDEX = Index("ix_referrals_search_names", Referral.__table__.c.search_names,
                     postgresql_using="gin", postgresql_ops={"search_names": "gin_trgm_ops"})
INCIDENT_INDEX = Index("ix_referrals_incident_number", Referral.__table__.c.incident_number)

REFERENCE = re.compile(r"^([A-Z0-9]{4})-?([A-Z0-9]{4})$")
BIRTH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
SEPARATOR = " | "  # between two names in search_names


def fold(text: str) -> str:
    """Accents stripped (NFKD), lower case, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w'-]+", " ", plain).split())


def search_names(names) -> str:
    return SEPARATOR.join(dict.fromkeys(f for f in (fold(n) for n in names) if f))


@events.on("referral.submitted")
@events.on("referral.corrected")
def on_submitted(referral: Referral, answers, **_) -> None:
    """A referral sent (or corrected): keep its names and incident number where the search
    reads them. A plain UPDATE: the submission has already counted its version."""
    values = {"search_names": search_names(answers.person.names),
              "incident_number": answers.arrest.incident_number.upper() or None}
    db.session().execute(update(Referral).where(Referral.id == referral.id).values(**values)
                         .execution_options(synchronize_session=False))
    for column, value in values.items():
        set_committed_value(referral, column, value)


def birth_date(text: str) -> date | None:
    found = BIRTH_DATE.match(text)
    if not found:
        return None
    month, day, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _every_word(folded: str):
    return and_(*(Referral.search_names.like(f"%{word}%") for word in folded.split()))


def _name(text: str) -> str | None:
    """The query folded as names are kept, if it can be a name (a name has no digits)."""
    folded = fold(text)
    return folded if folded and not any(c.isdigit() for c in folded) else None


def close_spellings(query: str):
    """On PostgreSQL, for a name no referral holds every word of: names close to it (a typo, a
    letter missing), through the trigram index. None elsewhere, or for what is not a name.

    Word similarity (``<%``, pg_trgm's threshold 0.6) compares the typed name with the closest
    stretch of the column, so other names kept beside it do not dilute it; plain similarity
    (``%``, 0.3) over the whole column found every Maria and every García, a hundred thousand
    rows to read and sort at a million referrals."""
    text = " ".join(query.split())
    folded = _name(text) if birth_date(text) is None else None
    if folded is None or db.session().get_bind().dialect.name != "postgresql":
        return None
    return literal(folded).op("<%")(Referral.search_names)


def conditions(query: str) -> list:
    """What a typed query may mean, each a condition of its own: a date of birth; else an
    incident number, a reference, a name. The queue reads each by its own index and joins the
    pages (portal/review/queries.py): inside one OR, the name's trigram index and the
    reference's unique index served neither well."""
    text = " ".join(query.split())
    born = birth_date(text)
    if born is not None:
        return [Referral.date_of_birth == born]
    found = REFERENCE.match(text.upper())
    matches = [Referral.incident_number == text.upper()]
    if found:
        matches.append(Referral.reference == "-".join(found.groups()))
    folded = _name(text)
    if folded:
        matches.append(_every_word(folded))
    return matches
