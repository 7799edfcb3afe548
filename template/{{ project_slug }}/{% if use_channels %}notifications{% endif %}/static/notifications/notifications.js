// Live notifications: one WebSocket to /ws/notifications/, reopened with backoff when it drops.
//
// The status line says which state the page is in (also as data-state, for styles and tests):
// "Live" while the socket is open, "Offline" with the time of the next try while it is not, and
// "Offline: no network" while the browser has none (it tries again as soon as it is back).
// Events published while the page is offline are not replayed: the list shows what arrived.
// The server closes with 1013 (try again later) when it cannot serve notifications now (its
// channel layer is down) and 1011 on an error: the page retries either way, and the wait only
// starts again from one second once a socket has stayed open for a while, so a server that
// accepts and closes at once is not asked again every second.
(() => {
  "use strict";

  const status = document.getElementById("notifications-status");
  const list = document.getElementById("notifications-list");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/notifications/`;
  const FIRST_DELAY = 1000;
  const MAX_DELAY = 30000;
  // A ping when nothing came for this long; no answer within PONG_TIMEOUT: the socket is dead
  // (a laptop woke up, a proxy dropped the connection without closing it).
  const PING_INTERVAL = 25000;
  const PONG_TIMEOUT = 10000;
  // Open this long: the server serves again, and the next drop is retried after FIRST_DELAY.
  const STABLE_AFTER = 5000;
  const TRY_AGAIN_LATER = 1013;

  let socket = null;
  let retryDelay = FIRST_DELAY;
  let retryTimer = null;
  let pingTimer = null;
  let pongTimer = null;
  let stableTimer = null;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function describe(event) {
    const item = event.item;
    switch (event.type) {
      case "item.created":
        return `New item "${item.name}" in ${item.collection.name}`;
      case "item.updated":
        return `Item "${item.name}" in ${item.collection.name} changed`;
      case "item.deleted":
        return `Item #${item.id} was deleted`;
      default:
        return event.type;
    }
  }

  function show(event) {
    const entry = document.createElement("li");
    // textContent, never innerHTML: names come from users.
    entry.textContent = `${new Date(event.sent_at).toLocaleTimeString()}: ${describe(event)}`;
    list.prepend(entry);
  }

  function stopHeartbeat() {
    window.clearTimeout(pingTimer);
    window.clearTimeout(pongTimer);
  }

  // Any message proves the socket alive: wait again before the next ping.
  function heartbeat() {
    stopHeartbeat();
    pingTimer = window.setTimeout(() => {
      socket.send(JSON.stringify({ type: "ping" }));
      pongTimer = window.setTimeout(() => socket.close(), PONG_TIMEOUT);
    }, PING_INTERVAL);
  }

  function scheduleRetry(code) {
    window.clearTimeout(retryTimer);
    if (!navigator.onLine) {
      setStatus("offline", "Offline: no network");
      return; // the "online" event reconnects
    }
    // Up to a fifth more or less, so that clients dropped together do not return together.
    const delay = Math.round(retryDelay * (0.8 + Math.random() * 0.4));
    const why = code === TRY_AGAIN_LATER ? "unavailable for now, " : "";
    setStatus("offline", `Offline: ${why}retrying in ${Math.ceil(delay / 1000)} s`);
    retryTimer = window.setTimeout(connect, delay);
    retryDelay = Math.min(retryDelay * 2, MAX_DELAY);
  }

  function connect() {
    window.clearTimeout(retryTimer);
    setStatus("connecting", "Connecting…");
    const current = new WebSocket(url);
    socket = current;
    current.addEventListener("open", () => {
      setStatus("live", "Live");
      stableTimer = window.setTimeout(() => {
        retryDelay = FIRST_DELAY;
      }, STABLE_AFTER);
      heartbeat();
    });
    current.addEventListener("message", (message) => {
      heartbeat();
      const event = JSON.parse(message.data);
      if (event.type === "error") {
        console.warn("notifications:", event.error.message);
      } else if (event.type !== "pong") {
        show(event);
      }
    });
    current.addEventListener("close", (event) => {
      if (current !== socket) {
        return; // an older socket, already replaced
      }
      window.clearTimeout(stableTimer);
      stopHeartbeat();
      scheduleRetry(event.code);
    });
  }

  window.addEventListener("offline", () => socket.close());
  window.addEventListener("online", () => {
    if (socket.readyState === WebSocket.CLOSED) {
      retryDelay = FIRST_DELAY;
      connect();
    }
  });

  connect();
})();
