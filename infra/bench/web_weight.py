"""The web app's weight: the JavaScript and CSS a citizen's first page ships, compressed.

The built app (web/dist, `make web`) is served by the local system (`python -m
infra.local`, what `make run` runs) on free ports, and its first page (the catalog, at
`/`) is opened in Debian's headless Chromium through Playwright. Every JS and CSS response
of the app's own origin until the network is idle is kept, whether index.html names it or
a route loads it, and sized raw and gzip-compressed (level 9: CloudFront compresses with
gzip or, smaller still, Brotli, so this is an upper bound of what travels). Budget (issue
10): 300 KB compressed.
"""

import contextlib
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.constants import STACK_NAME

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUDGET_KB = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served_app() -> Iterator[str]:
    """The local system in a subprocess, as `make run` starts it; yields the app's URL."""
    with tempfile.TemporaryDirectory() as state:
        env = {**os.environ, "ONEWINDOW_STATE_DIR": state, "PYTHONUNBUFFERED": "1"}
        env.pop("AWS_ENDPOINT_URL", None)
        api_port = _free_port()
        ports = ["--aws-port", str(_free_port()), "--api-port", str(api_port)]
        with open(Path(state) / "run.log", "w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "infra.local", *ports],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                yield _wait_for_outputs(process, Path(state), api_port)
            finally:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def _wait_for_outputs(process: subprocess.Popen[bytes], state: Path, api_port: int) -> str:
    outputs = state / "outputs.json"
    deadline = time.monotonic() + 120
    while not outputs.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            log = (state / "run.log").read_text()[-2000:]
            raise RuntimeError(f"the local system did not start:\n{log}")
        time.sleep(0.2)
    values: dict[str, str] = json.loads(outputs.read_text())[STACK_NAME]
    return values.get("WebUrl") or f"http://127.0.0.1:{api_port}/"


def _first_page(url: str) -> list[dict[str, Any]]:
    from playwright.sync_api import Response, sync_playwright

    origin = urlsplit(url).netloc
    files: list[dict[str, Any]] = []

    def keep(response: Response) -> None:
        kind = response.request.resource_type
        if kind in ("script", "stylesheet") and urlsplit(response.url).netloc == origin:
            body = response.body()
            files.append(
                {
                    "path": urlsplit(response.url).path,
                    "kind": kind,
                    "bytes": len(body),
                    "gzip_bytes": len(gzip.compress(body, compresslevel=9)),
                }
            )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("response", keep)
            page.goto(url, wait_until="networkidle")
        finally:
            browser.close()
    return files


def run() -> dict[str, Any]:
    if not (WEB_DIST / "index.html").exists():
        raise RuntimeError(f"{WEB_DIST / 'index.html'} not found: build the app with `make web`")
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: run `make setup`")
    with served_app() as url:
        files = _first_page(url)
    if not files:
        raise RuntimeError(f"the first page at {url} loaded no JS or CSS")
    compressed = sum(f["gzip_bytes"] for f in files) / 1024
    return {
        "files": sorted(files, key=lambda f: -f["gzip_bytes"]),
        "file_count": len(files),
        "raw_kb": round(sum(f["bytes"] for f in files) / 1024, 1),
        "gzip_kb": round(compressed, 1),
        "budget_kb": BUDGET_KB,
        "met": compressed <= BUDGET_KB,
    }
