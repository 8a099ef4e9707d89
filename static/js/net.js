// The Socket.IO connection: messages in, intentions out, and the banner that says how the
// connection is. What the messages mean is the shell's business (shell.js keeps the view).
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";
import { lang, t } from "./i18n.js";
import { newKey } from "./store.js";

const ACK_TIMEOUT_MS = 10000;
const REFUSED = new Set(["unknown_room", "bad_token", "bad_auth", "no_key", "removed_from_game", "room_damaged"]);
// Answers that do not say for sure the action was left undone for good: the page keeps the
// intention's key (reply.retry), so trying again is the same action and is applied at most
// once. server_error could come after a commit; the others were refused before one.
const KEEP_KEY = new Set(["server_error", "server_overloaded", "server_restarting", "too_many_actions"]);
// Notices after which the server closes this connection for good (docs/protocol.md).
const CLOSING = new Set(["removed_from_game", "left_game", "game_deleted"]);

// connect({room, token, version, onState, onPatch, onPresence, onLinks, onNotice, onRefused, banner})
// version() is the newest view version this page holds: sent on every (re)connect and resync,
// so the server can skip what the page has. onLinks gets the join code and addresses (the
// facilitator and the big screen only).
export function connect({ room, token = null, version, onState, onPatch, onPresence, onLinks, onNotice,
                          onRefused, banner = document.getElementById("conn-banner") }) {
  let stopped = false;
  let everConnected = false;
  const onConnect = []; // whenConnected(fn): run on every (re)connect

  const socket = io({
    // A function, so every reconnect sends the last version seen and the current language.
    auth: (cb) => cb({ room, token, last_seq: version(), lang }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    // The websocket first: on a slow line the long-polling handshake and its upgrade cost
    // several round trips before the first view. Where a websocket cannot get through (a
    // proxy that blocks it), long-polling is tried next.
    transports: ["websocket", "polling"],
    tryAllTransports: true,
  });

  const setBanner = (text, kind = "conn") => {
    if (!banner) return;
    banner.textContent = text || "";
    banner.hidden = !text;
    banner.dataset.kind = kind;
  };
  const offline = (text) => {
    document.body.classList.add("is-offline");
    setBanner(text);
  };

  socket.on("connect", () => {
    everConnected = true;
    setBanner("");
    document.body.classList.remove("is-offline");
    for (const fn of onConnect) fn();
  });

  socket.on("disconnect", (reason) => {
    if (stopped) return;
    offline(t("Connection lost. Reconnecting…"));
    // The server closed this connection on purpose; Socket.IO does not retry by itself.
    if (reason === "io server disconnect") setTimeout(() => { if (!stopped) socket.connect(); }, 1000);
  });

  socket.on("connect_error", (err) => {
    if (stopped) return;
    const data = (err && err.data) || {};
    if (REFUSED.has(data.code)) {
      stop();
      setBanner("");
      if (onRefused) onRefused(data.code, data.message || err.message);
      return;
    }
    offline(everConnected ? t("Connection lost. Reconnecting…") : t("Connecting…"));
  });

  socket.on("state", (message) => onState(message));
  if (onPatch) socket.on("patch", (message) => onPatch(message));
  socket.on("presence", (message) => { if (onPresence) onPresence((message && message.presence) || {}); });
  socket.on("links", (message) => { if (onLinks && message) onLinks(message); });

  socket.on("notice", (notice) => {
    if (!notice) return;
    if (notice.code === "seat_taken_over") {
      stop();
      setBanner(notice.message || t("You opened this game somewhere else."), "stopped");
    } else if (CLOSING.has(notice.code)) {
      stop(); // the server closes this connection; the page says why (onNotice)
      setBanner("");
    } else if (notice.code === "server_restarting") {
      setBanner(t("Connection lost. Reconnecting…"));
    }
    if (onNotice) onNotice(notice);
  });

  const resync = () => { if (socket.connected) socket.emit("resync", { last_seq: version() }); };
  // When the tab comes back to the front, ask for the latest view (phones pause tabs).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") resync();
  });

  function stop() {
    stopped = true;
    socket.disconnect();
  }

  return {
    resync,
    stop,
    connected: () => !stopped && socket.connected,
    whenConnected: (fn) => onConnect.push(fn),
    // send(type, fields, {key, version}) -> Promise of {ok: true, version} or
    // {ok: false, code, message, retry?}. Reuse `key` when trying the same intention again.
    send(type, fields = {}, { key = newKey(), version: expected } = {}) {
      const payload = { ...fields, type, key };
      if (expected !== undefined && expected !== null) payload.expected_version = expected;
      return new Promise((resolve) => {
        if (stopped) {
          resolve({ ok: false, code: "stopped", retry: true, message: t("This page is no longer connected. Reload it.") });
          return;
        }
        socket.timeout(ACK_TIMEOUT_MS).emit("action", payload, (err, reply) => {
          if (err) {
            resolve({ ok: false, code: "timeout", retry: true,
                      message: t("No answer from the server yet. Check your connection and try again.") });
          } else {
            const answer = reply || { ok: false, code: "server_error", message: t("Something went wrong.") };
            resolve(!answer.ok && KEEP_KEY.has(answer.code) ? { ...answer, retry: true } : answer);
          }
        });
      });
    },
  };
}
