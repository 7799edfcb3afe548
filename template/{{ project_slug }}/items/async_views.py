"""The async example: a view whose work is waiting on an upstream service."""

from decimal import ROUND_HALF_EVEN, Decimal

from django.http import HttpRequest, JsonResponse

from ..core.http import error_response, json_error
from . import rates, selectors
from .models import Item


async def item_price(request: HttpRequest, pk: int) -> JsonResponse:
    """The item's price converted with a live exchange rate: I/O-bound, so async.

    The upstream call does not hold a worker thread while it waits, and every way it can fail
    becomes a JSON answer (items/rates.py says which): 504 on timeout, 502 on a bad upstream
    answer, 400 on bad input.
    """
    if request.method != "GET":
        response = json_error(405, "method_not_allowed", f"{request.method} is not allowed here.")
        response["Allow"] = "GET"
        return response
    user = await request.auser()
    if not user.is_authenticated:
        return json_error(401, "not_authenticated", "Sign in to use this endpoint.")
    target = request.GET.get("currency", "").upper()
    if len(target) != 3 or not target.isalpha():
        return json_error(400, "invalid_parameter", "currency must be a 3-letter code (ISO 4217).")
    try:
        item = await selectors.item_aget(item_id=pk)
        rate = await rates.exchange_rate(base=item.currency, target=target)
    except (Item.DoesNotExist, rates.RatesError) as error:
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
