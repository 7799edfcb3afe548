"""Sign-in that costs no query per request: the signed-in user read from the cache.

Django loads the user of a session on every request (ModelBackend.get_user: one query). This
backend keeps each user in the default cache (Redis when REDIS_URL is set, shared by every
process) for USER_TIMEOUT, and drops the copy whenever the user is saved or deleted, in every
process at once, as the cache is shared: a changed password (which ends the user's other
sessions), a deactivation or a new name take effect on the next request. A bulk
`User.objects.update()` sends no signal: call forget_user() for each user it changes, or the
old copy lives until it expires. Without a cache that answers (Redis down, the project's cache
backend answering a miss), each request reads the user from the database, as Django does.
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

USER_TIMEOUT = 60 * 5
# The format of the cached user: changed with the model, so no release reads another's entries.
FORMAT = "v1"


def user_key(user_id: Any) -> str:
    return f"users:user:{FORMAT}:{user_id}"


def forget_user(user_id: Any) -> None:
    """Drop the cached copy of a user (after a change that sent no post_save)."""
    cache.delete(user_key(user_id))


class CachedModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username, password, **kwargs)
        if user is None and username is not None and password is not None:
            # A wrong username and password: ModelBackend, after this one for older sessions,
            # would check the same password again. PermissionDenied stops there; Django still
            # reports the failure (user_login_failed, which the lockout counts). Credentials by
            # e-mail (the account pages, /_allauth/) are allauth's backend's, further down.
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> Any:
        key = user_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, timeout=USER_TIMEOUT)
        return user

    async def aget_user(self, user_id: Any) -> Any:
        # `await request.auser()` (async views, ASGI): ModelBackend's own aget_user reads the
        # database every time; this reads the cache first, as get_user does, in one thread hop.
        return await sync_to_async(self.get_user)(user_id)


def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save and post_delete of the user model: the cached copy is dropped."""
    forget_user(instance.pk)
