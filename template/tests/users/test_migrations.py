"""users/0002_email_addresses: the users who existed before accounts came in get their address,
confirmed and primary, so they sign in by e-mail; nobody gets a second one or someone else's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("users", "0001_initial"), ("account", "0009_emailaddress_unique_primary_email")]
AFTER = [("users", "0002_email_addresses")]


@pytest.mark.django_db(transaction=True)
def test_existing_users_get_their_address_confirmed():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("users", "User")
    EmailAddress = old.get_model("account", "EmailAddress")
    ada = User.objects.create(username="ada", email="Ada@Example.com")
    grace = User.objects.create(username="grace", email="grace@example.com")
    EmailAddress.objects.create(user=grace, email="grace@example.com", verified=False, primary=True)
    # Neither the same address in other letters, nor no address at all, gets one.
    User.objects.create(username="shadow", email="ADA@example.com")
    User.objects.create(username="nobody", email="")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    addresses = {
        row.user_id: (row.email, row.verified, row.primary) for row in EmailAddress.objects.all()
    }
    assert addresses == {
        ada.pk: ("ada@example.com", True, True),
        grace.pk: ("grace@example.com", False, True),  # the user's own, left as it was
    }
