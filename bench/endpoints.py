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


@dataclass
class Endpoint:
    name: str
    path: str
    server: str = "project"  # project (gunicorn), asgi (uvicorn) or reference
    skip: str = ""
    authenticated: bool = True


@dataclass
class Load:
    """Everything the load part needs to reach the servers."""

    project: Path
    env: dict[str, str]
    token: str
    cookie: str = ""
    ids: dict[str, Any] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    servers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_files: dict[str, Path] = field(default_factory=dict)


def endpoints(load: Load) -> list[Endpoint]:
    layers_py = (load.project / "config" / "layers.py").read_text()
    has = {layer: f'"{layer}"' in layers_py for layer in LAYERS}
    ids = load.ids
    graphql = "/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_QUERY})
    found = [
        Endpoint("list (DRF /api/v1/items/)", "/api/v1/items/")
        if has["drf"]
        else Endpoint("list (/items/, DRF layer absent)", "/items/"),
        Endpoint(
            "GraphQL nested list",
            graphql,
            skip="" if has["graphql"] else "the GraphQL layer is not in the template yet",
        ),
        Endpoint("/health/live/", "/health/live/", authenticated=False),
        Endpoint(
            "cached read (collection summary)",
            # With the REST layer the summary is an API route (items/urls.py keeps the price).
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
