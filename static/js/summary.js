// The summary and comparison pages: the print button. Everything else on these pages is
// rendered by the server; the Content-Security-Policy allows no inline handlers.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
