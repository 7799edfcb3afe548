"""What the load part measures: the endpoints, each picked up once its layer is in the project,
and what reaching the servers takes."""

from __future__ import annotations

import subprocess
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import LAYERS

# One nested list query of the GraphQL layer: a page of items with collection, owner and tags.
GRAPHQL_QUERY = (
    "{ items(pagination: {limit: 20}) { totalCount results { id name price currency "
    "collection { id name owner { username } } createdBy { username } tags { name } } } }"
)

# A parameter the view ignores and the cache key holds: the REST list's pages are cached by URL,
# the GraphQL answers by document, variables and user (items/cache.py).
LIST_MISS = "?miss={n}"
GRAPHQL_MISS = "&variables=%7B%22miss%22%3A%22{n}%22%7D"  # variables={"miss":"{n}"}


@dataclass
class Endpoint:
    name: str
    path: str
    server: str = "project"  # project (gunicorn), asgi (uvicorn) or reference
    skip: str = ""
    authenticated: bool = True
    # The requests sent one at a time after the load run (at rest): the path itself unless given.
    # The lists ask for page sizes the load run did not, so that each is a cache miss of the same
    # shape at any data size (their queries are counted), then explore_paths: every ordering and
    # filter the API offers and the deepest page, for the slowest query at rest.
    rest_paths: list[str] = field(default_factory=list)
    explore_paths: list[str] = field(default_factory=list)
    # Appended to the path by wrk_request.lua, {n} unique per request, so that every request is a
    # cache miss (a parameter the view ignores but the cache key holds).
    miss: str = ""
    connections: int | None = None  # wrk's, when not --connections
    size: str = ""  # the data size it was measured at, in the results' rows


@dataclass
class Load:
    """Everything the load part needs to reach the servers."""

    project: Path
    env: dict[str, str]
    token: str
    # Session cookies of the seeded users (seed.py), the benchmark's user first.
    cookies: list[str] = field(default_factory=list)
    ids: dict[str, Any] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    servers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_files: dict[str, Path] = field(default_factory=dict)


def endpoints(load: Load) -> list[Endpoint]:
    layers_py = (load.project / "config" / "layers.py").read_text()
    has = {layer: f'"{layer}"' in layers_py for layer in LAYERS}
    ids = load.ids
    graphql = "/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_QUERY})
    # The at-rest requests of the lists (Endpoint.rest_paths, explore_paths).
    list_rest = [f"/api/v1/items/?page_size={n}" for n in range(21, 100)]
    list_explore = [
        f"/api/v1/items/?{query}"
        for query in (
            "ordering=price",
            "ordering=-name",
            "currency=USD",
            f"collection={ids['collection_id']}",
            "tag=tag-1",
            "min_price=999",
            "created_after=2000-01-01T00:00:00Z",
        )
    ]
    # The deepest page the bounded count reaches (core/pagination.py: 10,000 rows, 500 pages).
    deepest = min(ids.get("items", 0), 10_000) // 20
    if deepest > 1:
        list_explore.append(f"/api/v1/items/?page={deepest}")

    def graphql_path(pagination: str) -> str:
        query = GRAPHQL_QUERY.replace("{limit: 20}", "{" + pagination + "}")
        return "/graphql/?" + urllib.parse.urlencode({"query": query})

    graphql_rest = [graphql_path(f"limit: {n}") for n in range(21, 100)]
    graphql_explore = (
        [graphql_path(f"limit: 20, offset: {(deepest - 1) * 20}")] if deepest > 1 else []
    )
    found = [
        Endpoint(
            "list (DRF /api/v1/items/)",
            "/api/v1/items/",
            rest_paths=list_rest,
            explore_paths=list_explore,
        )
        if has["drf"]
        else Endpoint("list (/items/, DRF layer absent)", "/items/"),
        Endpoint(
            "GraphQL nested list",
            graphql,
            skip="" if has["graphql"] else "the GraphQL layer is not in the template yet",
            rest_paths=graphql_rest,
            explore_paths=graphql_explore,
        ),
        # The same lists with every request a miss: what a page costs to compute, comparable
        # with the data reference, which runs its queries on every request.
        Endpoint(
            "list, every request a cache miss",
            "/api/v1/items/",
            miss=LIST_MISS,
            rest_paths=[
                f"/api/v1/items/{LIST_MISS.replace('{n}', f'rest-{n}')}" for n in range(99)
            ],
            skip="" if has["drf"] else "the REST API layer is not in the project",
        ),
        Endpoint(
            "GraphQL nested list, every request a cache miss",
            graphql,
            miss=GRAPHQL_MISS,
            rest_paths=[graphql + GRAPHQL_MISS.replace("{n}", f"rest-{n}") for n in range(99)],
            skip="" if has["graphql"] else "the GraphQL layer is not in the template yet",
        ),
        Endpoint("/health/live/", "/health/live/", authenticated=False),
        Endpoint(
            "cached read (collection summary)",
            # The REST API serves it when the project has one; /items/ is the JSON views' prefix.
            f"/api/v1/collections/{ids['collection_id']}/summary/"
            if has["drf"]
            else f"/items/collections/{ids['collection_id']}/summary/",
        ),
        Endpoint("async view (price, WSGI)", f"/items/{ids['item_id']}/price/?currency=USD"),
        Endpoint(
            "async view (price, ASGI)",
            f"/items/{ids['item_id']}/price/?currency=USD",
            server="asgi",
            skip="" if has["channels"] else "no ASGI server until the Channels layer lands",
        ),
    ]
    return found
