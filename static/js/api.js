// The JSON HTTP API (game/web/api.py) for the pages without a socket. A refusal rejects with
// the server's {code, message}; a failed connection with the browser's error.
// `method` defaults to GET without a body and POST with one.
export async function api(path, { body, token, method } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, body === undefined
    ? { method: method || "GET", headers }
    : { method: method || "POST", headers, body: JSON.stringify(body) });
  const reply = await response.json();
  if (!response.ok) throw reply;
  return reply;
}

// The message of a refusal, or `fallback` when the server did not say (or was not reached).
export function problemText(problem, fallback) {
  return (problem && typeof problem.message === "string" && problem.code && problem.message) || fallback;
}
