// Live notifications: one WebSocket to /ws/notifications/, reopened with backoff when it drops.
(() => {
  "use strict";

  const status = document.getElementById("notifications-status");
  const list = document.getElementById("notifications-list");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/notifications/`;
  let retryDelay = 1000;

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

  function connect() {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      status.textContent = "Live";
      retryDelay = 1000;
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "error") {
        console.warn("notifications:", event.error.message);
      } else if (event.type !== "pong") {
        show(event);
      }
    });
    socket.addEventListener("close", () => {
      status.textContent = `Disconnected; retrying in ${retryDelay / 1000} s`;
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  connect();
})();
