// The participant's first view without waiting for the page's script or its socket (issue
// 13, point 8). A classic script, inline at the top of play.html (run by its hash in the
// CSP): it reads the seat's token (a personal link's #s=..., else this browser's storage,
// store.js `rw:seat:<room>`) and asks for the whole view over HTTP at once, the token in the
// body, never in the address. play.js renders the answer (window.rwFirstView: a promise of
// the socket's `state` message, or null) and the socket continues from its version.
(() => {
  const room = location.pathname.split("/")[2];
  const fragment = /(?:^#|&)s=([^&]+)/.exec(location.hash);
  let token = null;
  try {
    token = fragment ? decodeURIComponent(fragment[1])
      : (JSON.parse(localStorage.getItem(`rw:seat:${room}`) || "null") || {}).token;
  } catch {
    token = null; // no storage, or a bad fragment: the socket asks as it always did
  }
  if (!room || !token) return;
  performance.mark("rolwissel-view-asked"); // for the bench's waterfall
  window.rwFirstView = fetch(`/api/rooms/${encodeURIComponent(room)}/view`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token }),
    cache: "no-store",
  }).then((reply) => (reply.ok ? reply.json() : null)).catch(() => null);
})();
