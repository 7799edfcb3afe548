"""The client's IP address, as trusted as the deployment allows (used by django-axes' lockout).

Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it received the request
from to X-Forwarded-For, so the client's address is that many entries from the right; anything
further left was written by the client and is ignored. With no proxy it is REMOTE_ADDR.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote: str = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    # Fewer entries than proxies: the request did not come through all of them.
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
