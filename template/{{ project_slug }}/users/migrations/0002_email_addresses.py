"""Every user who existed before accounts came in signs in with the e-mail address on their row.

django-allauth signs in by the addresses of its EmailAddress table, and (with verification
mandatory) only by a confirmed one. Rows made before it was installed have none: this gives each
of them its address, confirmed (an administrator or the user entered it), as the primary one.
Users who already have one, or whose address another user already holds, are left as they are.
"""

from django.db import migrations


def add_email_addresses(apps, schema_editor):
    User = apps.get_model("users", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}
    missing = []
    for user_id, email in (
        User.objects.exclude(email="")
        .filter(emailaddress__isnull=True)
        .order_by("pk")
        .values_list("pk", "email")
    ):
        if email.lower() in taken:
            continue
        taken.add(email.lower())
        missing.append(
            EmailAddress(user_id=user_id, email=email.lower(), verified=True, primary=True)
        )
    EmailAddress.objects.bulk_create(missing, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(add_email_addresses, migrations.RunPython.noop, elidable=True),
    ]
