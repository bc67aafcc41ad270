"""Referrals with known counts for the reports tests, written as rows with their reporting
columns set (as a submission sets them) and the report's cells recounted, and readers for the
page, the CSV and the command."""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from portal.accounts.models import OrgKind, Role
from portal.referrals.models import Referral
from portal.reports.cells import rebuild
from portal.reports.models import ReferralCharge

START, END = date(2026, 1, 1), date(2026, 6, 30)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
SECRET_NAME = "Zebulon Quickfoot"
SECRET_BIRTH = date(1987, 4, 19)
DECISION_DAYS = [0, 1, 1, 2, 3, 5, 8, 13, 21]
INTAKE_DAYS = [2, 5, 7, 10, 14]
LEVEL = {"shoplifting": "city_county", "trespassing": "city_county", "camping": "city_county",
         "df4_possession": "district"}
_references = (f"T{n:03d}-{n:04d}"[:9] for n in itertools.count(1))
# (race_group, ethnicity, {status: how many})
BLOCKS = [
    ("white", "not_hispanic", {"accepted": 10, "intake_completed": 12, "intake_missed": 8,
                               "declined": 10, "submitted": 5, "withdrawn": 3}),
    ("black", "not_hispanic", {"accepted": 5, "intake_completed": 15, "intake_missed": 5,
                               "declined": 25, "in_review": 3}),
    ("white", "hispanic", {"accepted": 4, "intake_completed": 4, "intake_missed": 2,
                           "declined": 3}),
    ("black", "hispanic", {"accepted": 3, "intake_completed": 5, "intake_missed": 2,
                           "declined": 2}),
    ("asian", "not_hispanic", {"declined": 3}),
    ("another", "prefer_not", {"declined": 6}),
    ("prefer_not", "prefer_not", {"submitted": 6}),
]


@dataclass
class Person:
    index: int
    race_group: str
    ethnicity: str
    status: str
    route: str
    partner: int
    submitted_at: datetime
    charges: list[str]
    decision_days: int | None = None
    intake_days: int | None = None

    @property
    def month(self) -> str:
        return self.submitted_at.strftime("%Y-%m")


def people() -> list[Person]:
    """The dataset, one Person per referral inside the period."""
    result, index = [], 0
    for race, ethnicity, statuses in BLOCKS:
        for status, how_many in statuses.items():
            for _ in range(how_many):
                result.append(_person(index, race, ethnicity, status))
                index += 1
    return result


def _person(i: int, race: str, ethnicity: str, status: str) -> Person:
    route = "arrest_diversion" if i % 2 == 0 else "social_contact"
    charges = (["camping"] if route == "social_contact" else
               ["shoplifting", "trespassing"] if i % 4 == 0 else
               ["df4_possession"] if i % 3 == 0 else ["shoplifting"])
    submitted = datetime(2026, 1 + i % 6, 1 + (i * 7) % 28, 10, 0, tzinfo=UTC)
    decided = status in {"accepted", "declined", "intake_completed", "intake_missed"}
    return Person(i, race, ethnicity, status, route, i % 3 == 0 and 1 or 0, submitted, charges,
                  DECISION_DAYS[i % len(DECISION_DAYS)] if decided else None,
                  INTAKE_DAYS[i % len(INTAKE_DAYS)] if status == "intake_completed" else None)


@dataclass
class World:
    partners: list
    coordinator: object
    admin: object
    referrers: list
    people: list[Person]


def build_world(make, session) -> World:
    partners = [make.org(OrgKind.LAW_ENFORCEMENT, name="Metro Police"),
                make.org(OrgKind.COMMUNITY_PARTNER, name="Harbor Outreach")]
    referrers = [make.user(Role.REFERRER, org) for org in partners]
    coordinator = make.user(Role.COORDINATOR)
    admin = make.user(Role.PROGRAM_ADMIN, coordinator.organisation)
    world = World(partners, coordinator, admin, referrers, people())
    for person in world.people:
        add(session, world, person)
    # Outside the period by a second on each side, and a draft: none of them is counted.
    outside = [datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)]
    for moment in outside:
        add(session, world, Person(-1, "white", "not_hispanic", "submitted", "arrest_diversion",
                                   0, moment, ["shoplifting"]))
    session.add(Referral(route="arrest_diversion", organisation_id=partners[0].id,
                         referrer_id=referrers[0].id, answers={}))
    # Written around the submission, so the report's cells are recounted as a script would.
    session.flush()
    rebuild(session)
    session.commit()
    return world


def add(session, world: World, person: Person) -> Referral:
    organisation = world.partners[person.partner]
    referral = Referral(
        reference=next(_references), route=person.route, status=person.status,
        organisation_id=organisation.id, referrer_id=world.referrers[person.partner].id,
        answers={"person": {"legal_name": SECRET_NAME,
                            "date_of_birth": SECRET_BIRTH.isoformat()}},
        partner_note="Free text nobody else may read", created_at=person.submitted_at,
        submitted_at=person.submitted_at, legal_name=SECRET_NAME, date_of_birth=SECRET_BIRTH,
        race_group=person.race_group, ethnicity=person.ethnicity, gender="man",
        age_band="35_44", screening_decision="eligible")
    if person.decision_days is not None:
        referral.decided_by_id = world.coordinator.id
        referral.decided_at = person.submitted_at + timedelta(days=person.decision_days, hours=3)
        referral.decision_note = "Free text of the decision"
    if person.status == "declined":
        referral.decline_reason, referral.declined_by = "duplicate", "program"
    if person.intake_days is not None:
        referral.intake_completed_on = referral.decided_at.date() + timedelta(
            days=person.intake_days)
    session.add(referral)
    session.flush()
    for code in person.charges:
        session.add(ReferralCharge(
            referral_id=referral.id, code=code, level=LEVEL[code],
            submitted_at=person.submitted_at, route=person.route,
            organisation_id=organisation.id, race_group=person.race_group,
            ethnicity=person.ethnicity))
    return referral


# --- reading the outputs ------------------------------------------------------------------------

def page_table(page, name: str) -> dict[str, dict[str, str]]:
    """A table of the reports page: row group -> column key -> the text shown."""
    table = page.soup.find("table", id=name)
    assert table is not None, f"no table {name} on the page"
    return {row["data-group"]: {cell["data-column"]: cell.get_text(strip=True)
                                for cell in row.find_all("td")}
            for row in table.select("tbody tr")}


def csv_table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def command_json(runner_result) -> dict:
    assert runner_result.exit_code == 0, runner_result.output
    return json.loads(runner_result.output)
