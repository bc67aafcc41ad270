from tests.accounts.helpers import mailbox, other_app  # noqa: F401 (fixtures)
