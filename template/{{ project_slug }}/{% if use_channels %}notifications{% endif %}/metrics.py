"""Prometheus metrics of the WebSockets, served with the rest at /metrics (core/metrics.py)."""

from prometheus_client import Gauge

# livesum: under several server processes, the sum over those still running.
OPEN_CONNECTIONS = Gauge(
    "websocket_connections_open",
    "WebSocket connections accepted and not closed yet, by route.",
    ["route"],
    multiprocess_mode="livesum",
)
