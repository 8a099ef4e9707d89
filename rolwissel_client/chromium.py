"""Debian's chromium as the browser tests and `rolwissel bench browser` launch it."""

CHROMIUM = "/usr/bin/chromium"
# Headless, with nothing that phones out (the network is closed here).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
