// What a browser keeps. localStorage (survives closing the tab):
//   rw:seat:<room_id>      {token, player_id, name, code}   a participant's seat, from
//                                              POST /api/join (name and join code kept for
//                                              "Continue as Anna"), or from a personal link
//                                              (#s=<token>, without a code)
//   rw:fac:<room_id>       "<token>"            the facilitator token of a room
//   rw:screen:<room_id>    "<key>"              the big screen's key of a room (from #k=)
//   rw:room:<room_id>      {code, join_url, screen_url, summary_url, host_url, event_id}
//   rw:event:<event_id>    {token, rooms: [room_id, ...]}   an event overview's key
//   rw:games               [{kind, id, title, created_at, tables}]   "Jouw spellen" (below)
//   rw:device              "<id>"               this browser's own random id, sent when joining:
//                                              a device the facilitator removed from a game
//                                              cannot join it again under another name
// sessionStorage (this tab only): a form's draft, rw:draft:<room_id>:<draft> = {field: value}
// (forms.js; <draft> is e.g. card:2, edit:c7, reflection:1, vote:2, proposal, rename).

function read(storage, key) {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : JSON.parse(raw);
  } catch {
    return null; // storage switched off or a broken value: behave as if nothing was kept
  }
}

function write(storage, key, value) {
  try {
    if (value === null || value === undefined) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or a full storage: the page keeps working, it only forgets sooner.
  }
}

export const seat = {
  get: (room) => read(localStorage, `rw:seat:${room}`),
  set: (room, value) => write(localStorage, `rw:seat:${room}`, value),
};

// A join code in its stored form: case and separators do not matter (game/rooms/seats.py).
export function normaliseCode(typed) {
  return String(typed || "").replace(/[\s\-_.]+/g, "").toUpperCase();
}

// The seat this browser holds in the game with this join code (stored form), as
// {room, token, player_id, name, code}, or null.
export function seatByCode(code) {
  if (!code) return null;
  try {
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith("rw:seat:")) continue;
      const kept = read(localStorage, key);
      if (kept && kept.token && kept.code === code) return { ...kept, room: key.slice("rw:seat:".length) };
    }
  } catch {
    // No storage: nothing was kept.
  }
  return null;
}

export const facilitator = {
  get: (room) => read(localStorage, `rw:fac:${room}`),
  set: (room, token) => write(localStorage, `rw:fac:${room}`, token),
};

export const screenKey = {
  get: (room) => read(localStorage, `rw:screen:${room}`),
  set: (room, key) => write(localStorage, `rw:screen:${room}`, key),
};

// This browser's device id, made once. Clearing the browser's storage makes a new one: it
// keeps an honest mistake from coming back unnoticed, not a determined person (docs/security.md).
export function deviceId() {
  let id = read(localStorage, "rw:device");
  if (typeof id !== "string" || id.length < 8) {
    id = newKey();
    write(localStorage, "rw:device", id);
  }
  return id;
}

export const roomInfo = {
  get: (room) => read(localStorage, `rw:room:${room}`) || {},
  set: (room, info) => write(localStorage, `rw:room:${room}`, { ...roomInfo.get(room), ...info }),
};

export const eventInfo = {
  get: (event) => read(localStorage, `rw:event:${event}`),
  set: (event, info) => write(localStorage, `rw:event:${event}`, info),
};

// Drafts: kept in memory and in sessionStorage, so neither a dropped connection nor a
// reload loses what someone was typing.
const memory = new Map();

export const drafts = {
  get(room, field) {
    const key = `rw:draft:${room}:${field}`;
    if (memory.has(key)) return memory.get(key);
    return read(sessionStorage, key);
  },
  set(room, field, value) {
    const key = `rw:draft:${room}:${field}`;
    if (value === "" || value === null || value === undefined) {
      memory.delete(key);
      write(sessionStorage, key, null);
    } else {
      memory.set(key, value);
      write(sessionStorage, key, value);
    }
  },
};

// The facilitator URL carries the token in its fragment (#t=...): keep it per room and
// take it out of the address bar, so it does not end up in a screenshot or a shared link.
export function takeTokenFromFragment(room) {
  const match = /(?:^#|&)t=([^&]+)/.exec(location.hash);
  if (match) {
    facilitator.set(room, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return facilitator.get(room);
}

// The big screen's link carries its key in the fragment (#k=...): keep it per room (so the
// projector can reload) and take it out of the address bar.
export function takeScreenKeyFromFragment(room) {
  const match = /(?:^#|&)k=([^&]+)/.exec(location.hash);
  if (match) {
    screenKey.set(room, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return screenKey.get(room);
}

// A key in the fragment (#k=... or #t=...) without keeping it anywhere: the summary's link.
export function fragmentKey(name) {
  const match = new RegExp(`(?:^#|&)${name}=([^&]+)`).exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

// A personal link from "Continue on another device" (/room/<id>/play#s=<seat token>): keep
// the seat for this room on this device and take the token out of the address bar. The
// server hands the seat over when this page connects; the other device is told.
export function takeSeatFromFragment(room) {
  const match = /(?:^#|&)s=([^&]+)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]);
    const kept = seat.get(room);
    if (!kept || kept.token !== token) seat.set(room, { token, player_id: null });
    history.replaceState(null, "", location.pathname + location.search);
  }
  return seat.get(room);
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// "Jouw spellen": the games this browser leads (made here, or a console opened here with its
// key), newest first, so the start page can reopen their consoles. Each entry:
//   {kind: "room" | "event", id, title, created_at (ms), tables}
// Its keys are rw:fac:<room_id> (and rw:event:<event_id>); forgetting a game forgets them.
const GAMES = "rw:games";

export const myGames = {
  list() {
    const games = read(localStorage, GAMES);
    return Array.isArray(games) ? games.filter((g) => g && typeof g.id === "string") : [];
  },
  add(game) {
    const others = myGames.list().filter((g) => !(g.kind === game.kind && g.id === game.id));
    write(localStorage, GAMES, [game, ...others]);
  },
  has(kind, id) {
    return myGames.list().some((g) => g.kind === kind && g.id === id);
  },
  // Take a game off the list and forget its keys in this browser (the game itself stays).
  forget(kind, id) {
    write(localStorage, GAMES, myGames.list().filter((g) => !(g.kind === kind && g.id === id)));
    const rooms = kind === "event" ? ((eventInfo.get(id) || {}).rooms || []) : [id];
    for (const room of rooms) {
      facilitator.set(room, null);
      write(localStorage, `rw:room:${room}`, null);
    }
    if (kind === "event") eventInfo.set(id, null);
  },
};
