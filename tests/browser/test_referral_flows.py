"""The referral forms in the browser, as a partner fills them on a phone by keyboard alone.

Each route end to end by keyboard (Tab, Space, Enter, typing, Ctrl+A to replace an answer, and
the arrow keys that move within a radio group; never a mouse click), at 390 x 844, with axe and
a no-horizontal-scroll check on every page and on an error state of every page that has required
answers (submitted blank first, the error summary taking focus). Along the way:
the typed arrest date reaching the server through the USWDS date picker, a "Change" link returning
to check your answers, the consent in the person's language, and the dashboard, referral page and
withdrawal.

``LEAD_SCREENSHOTS=/some/dir`` saves screenshots of each page checked, in screen-high pieces.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs

from playwright.sync_api import expect

from portal.eligibility import default_ruleset
from tests.browser.conftest import axe_check
from tests.pages import on_page

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("LEAD_SCREENSHOTS")
SAVE = "Save and continue"

TODAY = date.today()


def us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


# --- Keyboard ---------------------------------------------------------------------------------

_ACTIVE = """() => {
    const e = document.activeElement || document.body;
    return {id: e.id || '', name: e.getAttribute('name') || '', value: e.value ?? '',
            tag: e.tagName.toLowerCase(), text: (e.textContent || '').trim().replace(/\\s+/g, ' '),
            checked: !!e.checked};
}"""


def active(page) -> dict:
    return page.evaluate(_ACTIVE)


def tab_until(page, wanted, what: str, most: int = 90) -> dict:
    """Press Tab until the focused element is ``wanted`` (a predicate on ``active``)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        now = active(page)
        if wanted(now):
            return now
    raise AssertionError(f"{what} is not reachable with Tab (focus ended on {active(page)})")


def tab_to_id(page, element_id: str) -> None:
    tab_until(page, lambda a: a["id"] == element_id, f"#{element_id}")


def has_visible_focus(page) -> bool:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
            || s.boxShadow !== 'none'; }""")


def type_into(page, element_id: str, value: str) -> None:
    """Tab to a text field, replace whatever it holds with ``value`` (blank clears it)."""
    tab_to_id(page, element_id)
    assert has_visible_focus(page), f"#{element_id} shows where the focus is"
    page.keyboard.press("ControlOrMeta+a")
    if value:
        page.keyboard.type(value)
    else:
        page.keyboard.press("Backspace")


def pick_radio(page, name: str, value: str) -> None:
    """Tab into the radio group, arrow to the option, Space to be sure it is chosen."""
    now = tab_until(page, lambda a: a["name"] == name, f"the {name} radios")
    for _ in range(12):
        if now["value"] == value:
            break
        page.keyboard.press("ArrowDown")
        now = active(page)
    assert now["value"] == value, f"{name}={value} is not reachable with the arrow keys"
    page.keyboard.press("Space")
    assert active(page)["checked"], f"{name}={value} is chosen"


def tick(page, name: str, value: str) -> None:
    tab_until(page, lambda a: a["name"] == name and a["value"] == value, f"{name}={value}")
    page.keyboard.press("Space")
    assert active(page)["checked"], f"{name}={value} is ticked"


def fill(page, answers: list[tuple]) -> None:
    """Answers in page order: ("text", id, value), ("radio", name, value), ("tick", name,
    value), ("born", name, "m/d/yyyy") for memorable-date fields."""
    for kind, key, value in answers:
        if kind == "text":
            type_into(page, key, value)
        elif kind == "radio":
            pick_radio(page, key, value)
        elif kind == "tick":
            tick(page, key, value)
        elif kind == "born":
            for part, number in zip(("month", "day", "year"), value.split("/")):
                type_into(page, f"{key}-{part}", number)
        else:
            raise ValueError(kind)


def press_button(page, label: str = SAVE) -> None:
    """Tab to the button and press Enter; waits for the next page."""
    tab_until(page, lambda a: a["tag"] == "button" and a["text"] == label, f"the {label!r} button")
    assert has_visible_focus(page), f"the {label!r} button shows focus"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow_link(page, text: str) -> None:
    tab_until(page, lambda a: a["tag"] == "a" and a["text"] == text, f"the {text!r} link")
    with page.expect_navigation():
        page.keyboard.press("Enter")


# --- What every page must pass ----------------------------------------------------------------

def looks_right(page, heading: str | re.Pattern, shot: str | None = None) -> None:
    """The page's heading, no axe violations, and no horizontal scrolling at phone width."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    no_horizontal_scroll(page)
    axe_check(page)
    if SHOTS:
        screenshots(page, shot or re.sub(r"\W+", "-", page.url.split("/", 3)[-1]).strip("-"))


def screenshots(page, name: str) -> None:
    """The whole page in screen-high pieces: name-1.png, name-2.png, ..."""
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    width, height, tall = page.evaluate(
        "[window.innerWidth, window.innerHeight, document.documentElement.scrollHeight]")
    for number, top in enumerate(range(0, tall, height), start=1):
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{number}.png"), full_page=True, clip={
            "x": 0, "y": top, "width": width, "height": min(height, tall - top)})


def no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths[0]} > {widths[1]} px"


def shows_errors(page, *messages: str) -> None:
    """The error state: "Error: " title, the summary focused and linking each error, axe."""
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".portal-error-summary")
    expect(summary).to_be_focused()
    shown = [text.strip() for text in summary.get_by_role("link").all_inner_texts()]
    missing = [message for message in messages if message not in shown]
    assert not missing, f"missing from the error summary: {missing}; it shows {shown}"
    no_horizontal_scroll(page)
    axe_check(page)


def question_page(page, heading: str, errors: tuple[str, ...], answers: list[tuple],
                  clear: tuple[str, ...] = (), shot: str | None = None) -> None:
    """One question page: axe it, submit it blank (clearing ``clear`` first) and check the error
    state, then answer it and continue. ``errors=()`` for a page with nothing required."""
    looks_right(page, heading, shot)
    if errors:
        for element_id in clear:
            type_into(page, element_id, "")
        press_button(page)
        shows_errors(page, *errors)
    fill(page, answers)
    press_button(page)


def summary_value(page, label: str):
    row = page.locator(".portal-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$")))
    return row.locator("dd").first


# --- The pages both routes share -------------------------------------------------------------

# (A blank date of birth should be "Enter the person's date of birth" too, but is accepted:
# InputRequired sees the three boxes' dict as an answer. Add it here once that is fixed.)
PERSON_ERRORS = ("Enter the person's legal name", "Select the language they prefer")


def person_answers(language: str) -> list[tuple]:
    return [("text", "legal_name", "José O'Neil"), ("text", "other_names", "Joe"),
            ("born", "date_of_birth", "3/7/1990"), ("text", "phone", "303 555 0142"),
            ("text", "staying", "Under the 5th St bridge"), ("radio", "language", language)]


def shared_person_pages(page, language: str) -> None:
    question_page(page, "The person", PERSON_ERRORS, person_answers(language))
    # Circumstances, demographics and concerns: one page since issue 14.
    question_page(page, "About the person", (
        "Select their housing situation", "Select the person's race, or prefer not to say",
        "Select the person's ethnicity, or prefer not to say",
        "Select the person's gender, or prefer not to say"), [
        ("radio", "housing", "unsheltered"), ("tick", "needs", "substance_use"),
        ("tick", "needs", "housing"), ("tick", "race", "prefer_not"),
        ("radio", "ethnicity", "hispanic"), ("radio", "gender", "man"),
        ("text", "note", "Cooperative; asked about detox.")])
    question_page(page, "Treatment court and orders", (
        "Select whether the person has a treatment court case",
        "Select whether an order bars contact with a LEAD participant"), [
        ("radio", "treatment_court", "none"), ("radio", "protective_order", "no")])


CONSENT_ERRORS = ("Enter the person's full name as their signature",
                  "Tick the box to confirm the person agrees")


SPANISH_CONSENT_ERRORS = ("Escriba su nombre completo como firma",
                          "Marque la casilla para confirmar que está de acuerdo")


def sign_consent(page, button: str = SAVE) -> None:
    """The signature typed, the date the page offers (today) kept, the box ticked."""
    expect(page.locator("#signed_on")).to_have_value(re.compile(
        rf"^0?{TODAY.month}/0?{TODAY.day}/{TODAY.year}$"))
    fill(page, [("text", "signature", "José O'Neil"), ("tick", "confirmed", "y")])
    press_button(page, button)


def start(page, route: str, offered: list[str]) -> None:
    """From home: Start a referral, the route choice (blank first), then the route."""
    follow_link(page, "Start a referral")
    looks_right(page, "Which kind of referral?")
    labels = page.locator(".usa-radio__label")
    expect(labels).to_have_count(len(offered))
    for number, label in enumerate(offered):
        expect(labels.nth(number)).to_contain_text(label)
    press_button(page, "Continue")
    shows_errors(page, "Select the kind of referral")
    pick_radio(page, "route", route)
    press_button(page, "Continue")


# --- The tests --------------------------------------------------------------------------------

def test_an_officer_diverts_an_arrest_by_keyboard_alone_on_a_phone(page, signed_in):
    page.set_viewport_size(PHONE)
    signed_in("officer@police.demo")
    start(page, "arrest_diversion", ["Arrest diversion", "Social contact referral"])
    # The officer's profile is complete: "Your details" is skipped (check your answers lists it).

    # The arrest: the date typed as people write it. The USWDS date picker clones the input: the
    # visible copy keeps the id and name, so the typed text is what the browser sends.
    looks_right(page, "The arrest")
    for element_id in ("arrest_date", "arrest_time"):  # offered as now: cleared to see errors
        type_into(page, element_id, "")
    press_button(page)
    shows_errors(page, "Enter the incident or case number", "Enter the date of the arrest",
                 "Enter the time of the arrest", "Enter the place of the arrest")
    arrested = TODAY - timedelta(days=1)
    fill(page, [("text", "incident_number", "24-0001"), ("text", "arrest_date", us(arrested)),
                ("text", "arrest_time", "25pm"), ("text", "arrest_place", "5th and Main")])
    with page.expect_request(lambda r: r.method == "POST") as posted:
        press_button(page)
    assert parse_qs(posted.value.post_data)["arrest_date"] == [us(arrested)]
    # Another answer was wrong: the date typed comes back, still in the field.
    shows_errors(page, "Enter the time of the arrest, like 9:30pm or 21:30")
    expect(page.locator("#arrest_date")).to_have_value(re.compile(
        rf"^0?{arrested.month}/0?{arrested.day}/{arrested.year}$"))
    fill(page, [("text", "arrest_time", "9:30pm")])
    press_button(page)

    # The charges: a charge's question shows once the charge is ticked.
    looks_right(page, "Which charges?", "charges")
    press_button(page)
    shows_errors(page, "Select at least one charge")
    question = page.get_by_role("group", name=re.compile(r"^Shoplifting: Is the store"))
    expect(question).to_be_hidden()
    fill(page, [("tick", "charges", "shoplifting")])
    expect(question).to_be_visible()
    press_button(page)
    shows_errors(page, "Answer: Shoplifting: Is the store or owner seeking restitution "
                       "(repayment for the loss)?")
    fill(page, [("radio", "q__shoplifting__restitution_sought", "no"),
                ("tick", "charges", "trespassing")])
    press_button(page)
    shared_person_pages(page, "en")

    looks_right(page, "The person's consent", "consent")
    expect(page.locator("section.portal-consent")).to_have_attribute("lang", "en")
    press_button(page)
    shows_errors(page, *CONSENT_ERRORS)
    sign_consent(page)

    # Check your answers, and a Change link that comes back to it.
    looks_right(page, "Check your answers before sending the referral", "check")
    expect(page.locator("#screening")).to_contain_text("Screening found no problems; a coordinator decides")
    expect(summary_value(page, "Date of the arrest")).to_have_text(on_page(arrested))
    expect(summary_value(page, "Legal name")).to_have_text("José O'Neil")
    for link in (page.locator(".portal-back a"), page.get_by_role("link", name="Change").first):
        assert link.bounding_box()["height"] >= 44, "a touch target at least 44 px tall"
    # Discarding is a second step, not a button beside "Send the referral".
    expect(page.get_by_role("button", name="Discard this draft")).to_be_hidden()
    follow_link(page, "Change time of the arrest")
    expect(page).to_have_url(re.compile(r"/arrest\?return=check$"))
    expect(page.locator(".portal-back a")).to_have_attribute("href", re.compile(r"/check$"))
    expect(page.locator("#arrest_date")).not_to_have_value("")  # the saved date is shown
    fill(page, [("text", "arrest_time", "10:15pm")])
    press_button(page)
    expect(page).to_have_url(re.compile(r"/check$"))
    expect(summary_value(page, "Time of the arrest")).to_have_text("10:15pm")
    expect(summary_value(page, "Date of the arrest")).to_have_text(on_page(arrested))
    press_button(page, "Send the referral")

    looks_right(page, "Referral sent", "confirmation")
    reference = page.locator("#reference").inner_text().strip()
    assert reference
    days = default_ruleset().route("arrest_diversion").intake_deadline_days
    expect(page.locator("#intake-deadline")).to_have_text(
        on_page(TODAY + timedelta(days=days)))

    # The dashboard lists it with its status.
    follow_link(page, "your referrals")
    looks_right(page, "Your referrals")
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row.locator("td[data-label=Status]")).to_have_text("Submitted")
    no_horizontal_scroll(page)


def test_a_community_partner_refers_a_social_contact_in_spanish_then_withdraws(page, signed_in):
    page.set_viewport_size(PHONE)
    signed_in("outreach@harbor.demo")
    # One route and a complete profile: no route page, no "Your details" (issue 14).
    follow_link(page, "Start a referral")
    question_page(page, "How you know the person", ("Select how you know the person",), [
        ("radio", "how_known", "outreach")])
    conduct_day = TODAY - timedelta(days=10)
    question_page(page, "Their eligible conduct", (
        "Select the kind of conduct", "Enter the date of the most recent conduct"), [
        ("tick", "charges", "camping"), ("text", "last_conduct_date", f"2/30/{TODAY.year}")])
    # A date that does not exist comes back as typed, in a plain field: the date picker would
    # have turned it into 3/2 (or, before the fix in the macro, emptied it).
    shows_errors(page, "Enter the date of the most recent conduct as a real date, like 3/27/2026")
    expect(page.locator("#last_conduct_date")).to_have_value(f"2/30/{TODAY.year}")
    expect(page.locator(".usa-date-picker__button")).to_have_count(0)
    fill(page, [("text", "last_conduct_date", us(conduct_day))])
    press_button(page)
    question_page(page, "Where to find them", ("Enter where the person can be found",), [
        ("text", "where_found", "The library on 3rd, most mornings")])
    shared_person_pages(page, "es")

    # The consent in the person's language, with a way to read it in English.
    # The consent page wholly in Spanish (tests/browser/test_consent_spanish.py has the rest).
    looks_right(page, "El consentimiento de la persona")
    consent = page.locator("section.portal-consent")
    expect(consent).to_have_attribute("lang", "es")
    press_button(page, "Guardar y continuar")
    shows_errors(page, *SPANISH_CONSENT_ERRORS)
    expect(consent).to_have_attribute("lang", "es")
    follow_link(page, "Read in English")
    expect(consent).to_have_attribute("lang", "en")
    looks_right(page, "The person's consent")
    follow_link(page, "Leer en español")
    expect(consent).to_have_attribute("lang", "es")
    sign_consent(page, "Guardar y continuar")

    looks_right(page, "Check your answers before sending the referral")
    expect(summary_value(page, "Date of the most recent instance")).to_have_text(
        on_page(conduct_day))
    press_button(page, "Send the referral")
    looks_right(page, "Referral sent")
    reference = page.locator("#reference").inner_text().strip()
    expect(page.locator("#intake-deadline")).to_have_count(0)  # social contact has none

    # The partner's administrator: the organisation's dashboard, the referral, a withdrawal.
    page.context.clear_cookies()
    signed_in("admin@harbor.demo")
    page.goto("/referrals/")
    looks_right(page, "Harbor Outreach’s referrals")
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row.locator("td[data-label=Status]")).to_have_text("Submitted")
    follow_link(page, "View the referral for José O'Neil")
    looks_right(page, f"Referral {reference}")
    expect(page.locator("#consent")).to_contain_text("Spanish")
    press_button(page, "Withdraw the referral")
    shows_errors(page, "Enter why the referral is being withdrawn")
    fill(page, [("text", "reason", "The person was referred twice.")])
    press_button(page, "Withdraw the referral")
    expect(page.get_by_role("status")).to_have_text("The referral has been withdrawn.")
    expect(page.locator("#status")).to_have_text("Withdrawn")
    expect(page.locator("#history")).to_contain_text("The person was referred twice.")
    axe_check(page)
