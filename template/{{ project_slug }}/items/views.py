"""JSON views of the example app: thin, because services write and selectors read."""

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition

from ..core.http import BadRequest, JsonView, json_body, json_error
from . import rates, selectors, services
from .forms import ItemForm, ItemUpdateForm
from .models import Item

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def item_to_json(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "price": str(item.price),
        "currency": item.currency,
        "collection": {
            "id": item.collection_id,
            "name": item.collection.name,
            "owner": item.collection.owner.username,
        },
        "created_by": item.created_by.username,
        "tags": [tag.name for tag in item.tags.all()],
        "metadata": item.metadata,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }


def _int_param(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number.", code="invalid_parameter") from None
    if value < 1:
        raise BadRequest(f"{name} must be 1 or more.", code="invalid_parameter")
    return value


def _etag(request: HttpRequest, pk: int) -> str | None:
    updated_at = selectors.item_last_modified(item_id=pk)
    return f'"{pk}-{updated_at.timestamp()}"' if updated_at else None


def _last_modified(request: HttpRequest, pk: int) -> Any:
    return selectors.item_last_modified(item_id=pk)


class ItemListView(JsonView):
    """GET: a page of items (filters: collection, tag). POST: create an item."""

    def get(self, request: HttpRequest) -> JsonResponse:
        page_size = min(_int_param(request, "page_size", PAGE_SIZE) or PAGE_SIZE, MAX_PAGE_SIZE)
        number = _int_param(request, "page", 1) or 1
        items = selectors.item_list(
            collection_id=_int_param(request, "collection"), tag=request.GET.get("tag")
        )
        paginator = Paginator(items, page_size)
        try:
            page = paginator.page(number)
        except EmptyPage:
            return json_error(404, "not_found", f"There is no page {number}.")
        return JsonResponse(
            {
                "count": paginator.count,
                "page": number,
                "pages": paginator.num_pages,
                "results": [item_to_json(item) for item in page.object_list],
            }
        )

    def post(self, request: HttpRequest) -> JsonResponse:
        form = ItemForm(json_body(request))
        if not form.is_valid():
            return json_error(400, "invalid", "The data is not valid.", fields=form.errors)
        data = form.cleaned_data
        item = services.item_create(
            collection=selectors.collection_get(collection_id=data["collection"]),
            created_by=request.user,  # type: ignore[arg-type]
            name=data["name"],
            price=data["price"],
            currency=data["currency"] or "EUR",
            tags=data["tags"],
            metadata=data["metadata"],
        )
        return JsonResponse(item_to_json(selectors.item_get(item_id=item.pk)), status=201)


class ItemDetailView(JsonView):
    """GET (with ETag and Last-Modified), PATCH and DELETE of one item."""

    @method_decorator(condition(etag_func=_etag, last_modified_func=_last_modified))
    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        return JsonResponse(item_to_json(selectors.item_get(item_id=pk)))

    def patch(self, request: HttpRequest, pk: int) -> JsonResponse:
        form = ItemUpdateForm(json_body(request))
        if not form.is_valid():
            return json_error(400, "invalid", "The data is not valid.", fields=form.errors)
        services.item_update(
            item=selectors.item_get(item_id=pk),
            user=request.user,  # type: ignore[arg-type]
            **form.changes(),
        )
        return JsonResponse(item_to_json(selectors.item_get(item_id=pk)))

    def delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = selectors.item_get(item_id=pk)
        services.item_delete(item=item, user=request.user)  # type: ignore[arg-type]
        return HttpResponse(status=204)


class CollectionSummaryView(JsonView):
    """GET: counts and totals of a collection, served from the cache until an item changes."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        return JsonResponse(selectors.collection_summary(collection_id=pk))


async def item_price(request: HttpRequest, pk: int) -> JsonResponse:
    """The item's price converted with a live exchange rate: I/O-bound, so async.

    The upstream call does not hold a worker thread while it waits, and every way it can fail
    becomes a JSON answer: 504 on timeout, 502 on a bad upstream answer, 400 on bad input.
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
    except Item.DoesNotExist:
        return json_error(404, "not_found", "No such object.")
    try:
        rate = await rates.exchange_rate(base=item.currency, target=target)
    except rates.UnknownCurrency:
        return json_error(400, "unknown_currency", f"No exchange rate for {target}.")
    except rates.RatesTimeout:
        return json_error(504, "upstream_timeout", "The exchange-rate service did not answer.")
    except rates.RatesUnavailable:
        return json_error(502, "upstream_error", "The exchange-rate service failed.")
    amount = (item.price * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return JsonResponse(
        {
            "id": item.pk,
            "price": str(item.price),
            "currency": item.currency,
            "converted": {"currency": target, "rate": str(rate), "amount": str(amount)},
        }
    )
