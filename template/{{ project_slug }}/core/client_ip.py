"""The client's IP address, as trusted as the deployment allows (used by django-axes' lockout).

Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it received the request
from to X-Forwarded-For, so the client's address is that many entries from the right; anything
further left was written by the client and is ignored. With no proxy it is REMOTE_ADDR, and so it
is when the header does not hold that many addresses. django-ipware reads the header (ports,
IPv6 brackets, entries that are not addresses).
"""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str:
    remote: str = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    # ipware counts the proxies listed after the client in the header: the last proxy is the
    # REMOTE_ADDR, not an entry. Only X-Forwarded-For is read, and REMOTE_ADDR is our fallback,
    # not a rival: ipware would prefer it whenever it is public and the client's is private.
    address, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote
