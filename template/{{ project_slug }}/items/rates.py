"""Exchange rates from an upstream HTTP service: the example of I/O-bound work in an async view.

Every failure is a RatesError that carries its answer (core/errors.py): the upstream took too long
(RatesTimeout, 504), answered with something unusable (RatesUnavailable, 502), or has no rate for
the currency asked (UnknownCurrency, 400). What went wrong upstream goes to the log, not to the
client.
"""

import asyncio
import functools
import logging
import ssl
import weakref
from collections.abc import AsyncIterator
from decimal import Decimal, InvalidOperation

import aiohttp
import certifi
import httpx
from django.conf import settings
from httpx_aiohttp import AiohttpTransport

from ..core.errors import ApplicationError

logger = logging.getLogger(__name__)


class RatesError(ApplicationError):
    """No exchange rate could be had."""


class RatesUnavailable(RatesError):
    """The upstream failed or answered with something we cannot use."""

    status = 502
    code = "upstream_error"
    message = "The exchange-rate service failed."


class RatesTimeout(RatesUnavailable):
    """The upstream did not answer within settings.EXCHANGE_RATES_TIMEOUT."""

    status = 504
    code = "upstream_timeout"
    message = "The exchange-rate service did not answer."


class UnknownCurrency(RatesError):
    """The upstream has no rate for the requested currency."""

    code = "unknown_currency"
    message = "No exchange rate for this currency."


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the certificate bundle costs milliseconds of CPU: do it once per process.
    return ssl.create_default_context(cafile=certifi.where())


def build_client() -> httpx.AsyncClient:
    """The HTTP client for the upstream (tests swap in one with a mock transport).

    httpx's API over aiohttp's connection pool: httpx's own pool (httpcore) looks at every pooled
    connection on every request, and with a few dozen requests waiting at once an upstream call
    cost four times the CPU (docs/scaling.md has the figures).
    """
    return httpx.AsyncClient(
        timeout=settings.EXCHANGE_RATES_TIMEOUT, transport=AiohttpTransport(verify=_ssl_context())
    )


def _timed_out(error: httpx.HTTPError) -> bool:
    # The transport wraps aiohttp's errors, filing a refused or dropped connection under
    # ConnectTimeout too: whether the upstream was slow is the class of what it wraps.
    cause = error.__cause__
    if isinstance(cause, aiohttp.ClientError | OSError):
        return isinstance(cause, TimeoutError)
    return isinstance(error, httpx.TimeoutException)


# One client per event loop, so requests reuse its connections to the upstream (an httpx client
# belongs to the loop it first ran on). Under uvicorn that is one per process; where each call has
# a loop of its own (a sync caller through async_to_sync) it is one per call, as before.
_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, AsyncIterator[None]]
] = weakref.WeakKeyDictionary()


async def _closed_with_the_loop(client: httpx.AsyncClient) -> AsyncIterator[None]:
    # An async generator left suspended is closed by the loop's shutdown_asyncgens() (asyncio.run,
    # uvicorn and asgiref call it), which runs this finally: the client closes its connections.
    try:
        yield
    finally:
        await client.aclose()


async def client() -> httpx.AsyncClient:
    """The running loop's client for the upstream, made on first use."""
    loop = asyncio.get_running_loop()
    entry = _clients.get(loop)
    if entry is None or entry[0].is_closed:
        http = build_client()
        closer = _closed_with_the_loop(http)
        _clients[loop] = entry = (http, closer)
        await anext(closer)
    return entry[0]


async def exchange_rate(*, base: str, target: str) -> Decimal:
    """How many units of `target` one unit of `base` buys."""
    if base == target:
        return Decimal(1)
    try:
        http = await client()
        response = await http.get(settings.EXCHANGE_RATES_URL, params={"from": base, "to": target})
    except httpx.HTTPError as error:
        if _timed_out(error):
            logger.warning(
                "exchange rates upstream timed out", extra={"base": base, "target": target}
            )
            raise RatesTimeout from error
        logger.warning("exchange rates upstream failed: %s", error)
        raise RatesUnavailable from error
    except aiohttp.ClientError as error:  # what the transport leaves unwrapped: a malformed answer
        logger.warning("exchange rates upstream failed: %s", error)
        raise RatesUnavailable from error
    if response.status_code == httpx.codes.NOT_FOUND or response.status_code == 422:
        raise UnknownCurrency(f"No exchange rate for {target}.")
    if response.is_error:
        logger.warning("exchange rates upstream answered %s", response.status_code)
        raise RatesUnavailable
    try:
        rate = response.json()["rates"][target]
        return Decimal(str(rate))
    except KeyError as error:
        raise UnknownCurrency(f"No exchange rate for {target}.") from error
    except (ValueError, TypeError, InvalidOperation) as error:
        logger.warning("exchange rates upstream sent an unreadable body")
        raise RatesUnavailable from error
