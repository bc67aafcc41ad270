"""Finding any referral, closed ones included: by reference, name, date of birth or incident.

Names are searched in a column kept at submission (``referrals.search_names``: every name the
person gave, folded), so a search reads no JSON. On PostgreSQL a trigram index serves it and
forgives spelling too when no name holds every word (``<%``, pg_trgm's word similarity); SQLite
matches every word of the query."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import Column, Index, Select, String, and_, exists, literal, select, union, update
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
def on_submitted(referral: Referral, answers, **_) -> None:
    """A referral sent: keep its names and incident number where the search reads them.
    A plain UPDATE: the submission has already counted its version."""
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


def _named(folded: str) -> list[Select]:
    """The referrals whose names hold every word typed; on PostgreSQL, when none does, those
    close enough to the whole (a typo, a letter missing). Both read the trigram index."""
    if db.session().get_bind().dialect.name != "postgresql":
        return [select(Referral.id).where(_every_word(folded))]
    # Materialized: read whole through the index once. A plain EXISTS over the table would be
    # planned as a sequential scan expecting an early hit, and read every row when none matches.
    by_words = select(Referral.id).where(_every_word(folded)).cte("by_words").prefix_with(
        "MATERIALIZED")
    # Word similarity (``<%``, pg_trgm's threshold 0.6): the typed name against the closest
    # stretch of the column, so other names kept beside it do not dilute it; plain similarity
    # (``%``, 0.3) over the whole column found every Maria and every García, a hundred
    # thousand rows to read and sort at a million referrals.
    typo = select(Referral.id).where(literal(folded).op("<%")(Referral.search_names),
                                     ~exists(select(by_words.c.id)))
    return [select(by_words.c.id), typo]


def condition(query: str):
    """What a typed query means: a reference, a date of birth, an incident number or a name.
    Each meaning is its own SELECT joined by UNION, so each reads its own index: inside one OR,
    the name's trigram index and the reference's unique index served neither well."""
    text = " ".join(query.split())
    born = birth_date(text)
    if born is not None:
        return Referral.date_of_birth == born
    found = REFERENCE.match(text.upper())
    matches = [select(Referral.id).where(Referral.incident_number == text.upper())]
    if found:
        matches.append(select(Referral.id).where(Referral.reference == "-".join(found.groups())))
    folded = fold(text)
    if folded and not any(c.isdigit() for c in folded):  # a name has no digits: skip its index
        matches.extend(_named(folded))
    return Referral.id.in_(union(*matches))
