"""The session engine: Django's cached_db, except that a database that is down stays an outage.

Django's database session store turns any DatabaseError while saving an existing session into
UpdateError ("the session was deleted"), which SessionMiddleware answers with a 400. With the
database down that would tell a client its request was bad; here the error stays what it was, so
core/errors.py answers it as every other outage: a 503 with Retry-After. A session that really
was deleted meanwhile (a sign-out in another tab) still gets Django's answer.
"""

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError


class SessionStore(cached_db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise
