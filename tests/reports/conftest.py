import pytest

from tests.reports.helpers import build_world


@pytest.fixture
def world(make, session):
    return build_world(make, session)


@pytest.fixture
def staff(world, new_client):
    browser = new_client()
    assert browser.sign_in(world.coordinator).status_code == 302
    return browser


@pytest.fixture
def run_report(app, world):
    """``run_report(*args)``: the `lead-portal report` command, in this test's transaction."""
    from portal.reports.commands import report

    def run(*args):
        return app.test_cli_runner().invoke(report, list(args), catch_exceptions=False)

    return run
