"""The work after acceptance: a referral's case manager, the attempts to reach the person before
intake, and the weekly case-conferencing list (a page and a PDF)."""
