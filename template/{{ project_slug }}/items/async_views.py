"""The async example: a view whose work is waiting on an upstream service."""

from decimal import ROUND_HALF_EVEN, Decimal

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse

from ..core.db import release_connections
from ..core.http import error_response, json_error
from . import rates, selectors
from .models import Item


def _read(request: HttpRequest, pk: int, *, wanted: bool) -> tuple[bool, Item | None]:
    """Whether someone is signed in and, if so and `wanted`, the item: the session, the user and
    the item in one trip to a thread. The connection goes back before the upstream call."""
    try:
        signed_in = request.user.is_authenticated
        return signed_in, selectors.item_price_get(item_id=pk) if signed_in and wanted else None
    finally:
        release_connections()


async def item_price(request: HttpRequest, pk: int) -> JsonResponse:
    """The item's price converted with a live exchange rate: I/O-bound, so async.

    The upstream call holds neither a worker thread nor a database connection while it waits,
    and every way it can fail becomes a JSON answer (items/rates.py says which): 504 on timeout,
    502 on a bad upstream answer, 400 on bad input.
    """
    if request.method != "GET":
        response = json_error(405, "method_not_allowed", f"{request.method} is not allowed here.")
        response["Allow"] = "GET"
        return response
    target = request.GET.get("currency", "").upper()
    valid = len(target) == 3 and target.isalpha()
    try:
        signed_in, item = await sync_to_async(_read)(request, pk, wanted=valid)
    except Item.DoesNotExist as error:
        return error_response(error)
    if not signed_in:
        return json_error(401, "not_authenticated", "Sign in to use this endpoint.")
    if item is None:
        return json_error(400, "invalid_parameter", "currency must be a 3-letter code (ISO 4217).")
    try:
        rate = await rates.exchange_rate(base=item.currency, target=target)
    except rates.RatesError as error:
        return error_response(error)
    amount = (item.price * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return JsonResponse(
        {
            "id": item.pk,
            "price": str(item.price),
            "currency": item.currency,
            "converted": {"currency": target, "rate": str(rate), "amount": str(amount)},
        }
    )
