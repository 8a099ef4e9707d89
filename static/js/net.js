// The socket connection: state in, intentions out. The server is the only authority; a
// page sends what the person wants and renders what comes back.
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";
import { lang, t } from "./i18n.js";
import { newKey } from "./store.js";

const ACK_TIMEOUT_MS = 10000;

// connect({room, token, onState, onNotice, onPresence, banner})
// onState(view, message) gets every newer state; the banner element shows the connection.
export function connect({ room, token = null, onState, onNotice, onPresence, onRefused,
                          banner = document.getElementById("conn-banner") }) {
  let lastSeq = 0;
  let offset = 0; // server clock minus ours, from the `now` of each state
  let stopped = false;
  let everConnected = false;

  const socket = io({
    // A function, so every reconnect sends the last version seen (the server can skip
    // what we have) and the current language.
    auth: (cb) => cb({ room, token, last_seq: lastSeq, lang }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });

  const setBanner = (text, kind = "conn") => {
    if (!banner) return;
    banner.textContent = text || "";
    banner.hidden = !text;
    banner.dataset.kind = kind;
  };

  socket.on("connect", () => {
    everConnected = true;
    setBanner("");
    document.body.classList.remove("is-offline");
  });

  socket.on("disconnect", (reason) => {
    if (stopped) return;
    document.body.classList.add("is-offline");
    if (reason === "io server disconnect") {
      // The server closed this connection on purpose; Socket.IO does not retry by itself.
      setBanner(t("Connection lost. Reconnecting…"));
      setTimeout(() => { if (!stopped) socket.connect(); }, 1000);
    } else {
      setBanner(t("Connection lost. Reconnecting…"));
    }
  });

  socket.on("connect_error", (err) => {
    if (stopped) return;
    const code = err && err.data && err.data.code;
    if (code === "unknown_room" || code === "bad_token" || code === "bad_auth") {
      stopped = true;
      socket.disconnect();
      setBanner("");
      if (onRefused) onRefused(code, (err.data && err.data.message) || err.message);
      return;
    }
    document.body.classList.add("is-offline");
    setBanner(everConnected ? t("Connection lost. Reconnecting…") : t("Connecting…"));
  });

  // The scenario's text comes once per connection (with the first state); every view the
  // page sees has it back in place, at view.public.scenario.
  let scenario = null;
  let waiting = null; // a state that arrived before the connection's first one
  socket.on("state", (message) => {
    if (!message || typeof message.version !== "number") return;
    if (typeof message.now === "number") offset = message.now - Date.now();
    if (message.scenario) scenario = message.scenario;
    if (!scenario) { waiting = message; return; }
    if (waiting && waiting.version > message.version) message = waiting;
    waiting = null;
    // An older state can arrive after a newer one across a reconnect: keep the newest.
    if (message.version < lastSeq) return;
    lastSeq = message.version;
    message.view.public.scenario = scenario;
    onState(message.view, message);
  });

  socket.on("presence", (message) => { if (onPresence) onPresence(message.presence || {}); });

  socket.on("notice", (notice) => {
    if (!notice) return;
    if (notice.code === "seat_taken_over") {
      stopped = true;
      socket.disconnect();
      setBanner(notice.message || t("You opened this game somewhere else."), "stopped");
    } else if (notice.code === "server_restarting") {
      setBanner(t("Connection lost. Reconnecting…"));
    }
    if (onNotice) onNotice(notice);
  });

  // When the tab comes back to the front, ask for the latest state (phones pause tabs).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && socket.connected) {
      socket.emit("resync", { last_seq: lastSeq });
    }
  });

  return {
    socket,
    serverNow: () => Date.now() + offset,
    get connected() { return socket.connected; },
    // send(type, fields, {key, version}) -> Promise of {ok: true, version} or
    // {ok: false, code, message}. Reuse `key` when trying the same intention again.
    send(type, fields = {}, { key = newKey(), version } = {}) {
      const payload = { ...fields, type, key };
      if (version !== undefined && version !== null) payload.expected_version = version;
      return new Promise((resolve) => {
        if (stopped) {
          resolve({ ok: false, code: "stopped", message: t("This page is no longer connected. Reload it.") });
          return;
        }
        socket.timeout(ACK_TIMEOUT_MS).emit("action", payload, (err, reply) => {
          if (err) {
            resolve({ ok: false, code: "timeout", retry: true,
                      message: t("No answer from the server yet. Check your connection and try again.") });
          } else resolve(reply || { ok: false, code: "server_error", message: t("Something went wrong.") });
        });
      });
    },
    stop() { stopped = true; socket.disconnect(); },
  };
}

// A form's intention keeps its key until the server has answered, so sending it again after
// a timeout is applied only once.
export class Intention {
  constructor() { this.key = newKey(); }
  done() { this.key = newKey(); }
}

// What this page sent and shows already, until a state that includes it arrives: an older
// state (from someone else's action) must not flip a choice back for a moment.
export class Pending {
  constructor() { this.map = new Map(); }

  set(key, value) { this.map.set(key, { value, until: Infinity }); }

  answered(key, value, reply) {
    const entry = this.map.get(key);
    if (!entry || entry.value !== value) return;
    if (reply.ok) entry.until = reply.version;
    else this.map.delete(key);
  }

  // The value to show, or undefined when the state (at `version`) already says it.
  get(key, version) {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (version >= entry.until) {
      this.map.delete(key);
      return undefined;
    }
    return entry.value;
  }
}
