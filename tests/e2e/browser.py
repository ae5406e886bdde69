"""A real browser for the end-to-end tests: headless Chromium driven by selenium.

The browser is Debian's ``chromium`` with its ``chromium-driver`` (``make test`` installs
both with apt-get when it runs as root and they are missing). The tests never skip when
it is absent: they fail with the line that installs it. ``CHROMIUM_BINARY`` and
``CHROMEDRIVER`` point elsewhere (e.g. a Chrome for Testing download on a laptop).

Pages are served by :class:`PageServer` on loopback ports: each port is its own origin
(``http://127.0.0.1:PORT``), and ``http://localhost:PORT`` is yet another one. Scripts
run in the page with :func:`run_in_page`, so every ``fetch`` is a real cross-origin
request, with the browser's preflights and its CORS checks.
"""

from __future__ import annotations

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

#: Flags for a headless Chromium in a closed network, as root (no sandbox), with no
#: background traffic (its connections would be refused, many at a time).
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
)
INSTALL_HINT = (
    "A real-browser test needs Chromium and its WebDriver. On Debian or Ubuntu: "
    "`sudo apt-get install chromium chromium-driver` (make test does it when it runs as "
    "root); elsewhere install Chrome or Chromium with the matching chromedriver and set "
    "CHROMIUM_BINARY and CHROMEDRIVER to their paths."
)
PAGE = (
    b"<!doctype html><html><head><title>cognito-api-construct test page</title></head>"
    b"<body>test page</body></html>"
)


def chromium_paths() -> tuple[str, str]:
    """The browser and driver executables, or a failed test naming how to install them."""
    binary = os.environ.get("CHROMIUM_BINARY") or next(
        (
            found
            for name in ("chromium", "chromium-browser", "google-chrome")
            if (found := shutil.which(name))
        ),
        None,
    )
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not binary or not driver or not Path(binary).exists() or not Path(driver).exists():
        pytest.fail(f"Chromium not found (binary={binary!r}, driver={driver!r}). {INSTALL_HINT}")
    return binary, driver


def launch(user_data_dir: Path) -> Any:
    """Start headless Chromium under chromedriver; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    browser = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    browser.set_script_timeout(30)
    return browser


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class PageServer:
    """A static page on ``127.0.0.1`` and a free port: the origin scripts run from."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def origin(self, host: str = "127.0.0.1") -> str:
        """``http://HOST:PORT``: one origin per host name and port."""
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


#: Runs in the page: one fetch per step, each answer described, or the error a page
#: sees when the browser refuses to show it the answer ("TypeError: Failed to fetch").
_FETCH_STEPS = """
const [steps, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const results = [];
  for (const step of steps) {
    try {
      const response = await fetch(step.url, {
        method: step.method, headers: step.headers || {},
        body: step.body === undefined ? undefined : JSON.stringify(step.body),
      });
      const text = await response.text();
      const headers = {};
      response.headers.forEach((value, name) => { headers[name] = value; });
      results.push({status: response.status, body: text, headers});
    } catch (error) {
      results.push({error: String(error)});
    }
  }
  done(results);
})();
"""


def run_in_page(browser: Any, page_url: str, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Open ``page_url`` and run ``fetch`` for each step in order, from that page.

    Args:
        browser: The selenium driver.
        page_url: The page (its origin is the requests' ``Origin``).
        steps: ``{"url", "method", "headers"?, "body"?}`` each.

    Returns:
        Per step ``{"status", "body", "headers"}`` (the headers a script may read), or
        ``{"error"}`` when the browser blocked the answer.
    """
    browser.get(page_url)
    results: list[dict[str, Any]] = browser.execute_async_script(_FETCH_STEPS, steps)
    return results
