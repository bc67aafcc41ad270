"""The reporting values: worked out at submission, by the migration's backfill and by the demo
generator, with the same functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import create_engine, insert, select

from portal.cli import alembic_config
from portal.eligibility import default_ruleset
from portal.referrals.forms import ETHNICITIES, GENDERS, RACES
from portal.referrals.models import Referral
from portal.reports.models import ReferralCharge
from portal.reports.values import age_band, charge_rows, race_group, reporting_values
from tests.referrals.helpers import submit_quickly


def test_one_race_group_per_person():
    assert race_group(["black"]) == "black"
    assert race_group(["white", "black"]) == "two_or_more"
    assert race_group(["white", "white"]) == "white"
    assert race_group(["prefer_not"]) == "prefer_not"
    assert race_group([]) is None and race_group(None) is None


def test_age_bands_at_the_day_of_submission():
    assert age_band(date(2000, 6, 15), date(2018, 6, 15)) == "18_24"
    assert age_band(date(2000, 6, 15), date(2025, 6, 14)) == "18_24"
    assert age_band(date(2000, 6, 15), date(2025, 6, 15)) == "25_34"
    assert age_band(date(1950, 1, 1), date(2026, 1, 1)) == "65_plus"
    assert age_band(None, date(2026, 1, 1)) is None


def test_every_code_fits_its_column():
    columns = Referral.__table__.c
    for races in ([code] for code in RACES):
        assert len(race_group(races)) <= columns.race_group.type.length
    assert max(map(len, ETHNICITIES)) <= columns.ethnicity.type.length
    assert max(map(len, GENDERS)) <= columns.gender.type.length
    assert len("two_or_more") <= columns.race_group.type.length


def test_charge_rows_carry_the_rulesets_level_once_per_code():
    rows = charge_rows(["shoplifting", "df4_possession", "other", "shoplifting"],
                       default_ruleset())
    assert rows == [{"code": "shoplifting", "level": "city_county"},
                    {"code": "df4_possession", "level": "district"},
                    {"code": "other", "level": "other"}]


def test_submission_through_the_pages_fills_the_reporting_columns(make, client, session):
    from portal.accounts.models import OrgKind, Role

    client.sign_in(make.user(Role.REFERRER, make.org(OrgKind.LAW_ENFORCEMENT)))
    referral_id, _ = submit_quickly(client, "arrest_diversion")
    session.expire_all()
    referral = session.get(Referral, referral_id)
    # builders.ARREST_PAGES: race prefer_not, hispanic, man, born 1990-03-07.
    assert (referral.race_group, referral.ethnicity, referral.gender) == \
        ("prefer_not", "hispanic", "man")
    assert referral.age_band == age_band(date(1990, 3, 7), referral.submitted_at.date())
    charges = session.scalars(select(ReferralCharge).where(
        ReferralCharge.referral_id == referral_id).order_by(ReferralCharge.code)).all()
    assert [(c.code, c.level) for c in charges] == [("shoplifting", "city_county"),
                                                    ("trespassing", "city_county")]
    assert {(c.route, c.organisation_id, c.race_group) for c in charges} == \
        {("arrest_diversion", referral.organisation_id, "prefer_not")}


def test_the_migration_backfills_referrals_already_submitted(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0004")
    engine = create_engine(url)
    from portal.models import metadata

    tables = metadata.tables
    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    with engine.begin() as connection:
        org = connection.execute(insert(tables["organisations"]).values(
            name="Backfill Agency", kind="law_enforcement", created_at=when)).inserted_primary_key[0]
        user = connection.execute(insert(tables["users"]).values(
            organisation_id=org, email="b@example.org", name="B", role="referrer",
            totp_last_step=0, failed_sign_ins=0, created_at=when)).inserted_primary_key[0]
        common = {"organisation_id": org, "referrer_id": user, "created_at": when,
                  "updated_at": when, "version": 1}
        connection.execute(insert(tables["referrals"]).values(
            reference="BACK-0001", route="social_contact", status="submitted",
            submitted_at=when, legal_name="A", date_of_birth=date(1960, 1, 2),
            answers={"demographics": {"race": ["asian", "white"], "ethnicity": "not_hispanic",
                                      "gender": "woman"},
                     "conduct": {"charges": ["camping", "other"]}}, **common))
        connection.execute(insert(tables["referrals"]).values(
            route="arrest_diversion", status="draft", answers={"demographics": {
                "race": ["black"]}}, **common))
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(select(
            tables["referrals"].c.status, tables["referrals"].c.race_group,
            tables["referrals"].c.ethnicity, tables["referrals"].c.gender,
            tables["referrals"].c.age_band).order_by(tables["referrals"].c.id)).all()
        charges = connection.execute(select(
            tables["referral_charges"].c.code, tables["referral_charges"].c.level,
            tables["referral_charges"].c.race_group)
            .order_by(tables["referral_charges"].c.code)).all()
    assert [tuple(r) for r in rows] == [
        ("submitted", "two_or_more", "not_hispanic", "woman", "65_plus"),
        ("draft", None, None, None, None)]  # a draft is not reported
    assert [tuple(c) for c in charges] == [("camping", "city_county", "two_or_more"),
                                           ("other", "other", "two_or_more")]
    command.downgrade(config, "0004")
    engine.dispose()


def test_reporting_values_together():
    assert reporting_values(["white"], "not_hispanic", "man", date(1990, 1, 1),
                            date(2026, 1, 1)) == {"race_group": "white",
                                                  "ethnicity": "not_hispanic",
                                                  "gender": "man", "age_band": "35_44"}
