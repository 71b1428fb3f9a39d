"""What the journeys stand on: the gateway serves the built app and its runtime config on
one origin, and the accessibility engine is there to check each page."""

import requests

from tests.browser.support import AXE_JS


def test_the_app_and_its_config_are_served_beside_the_api(web_system: dict[str, str]) -> None:
    web = web_system["WebUrl"]
    index = requests.get(web, timeout=10)
    assert index.status_code == 200, f"GET {web}: {index.status_code} {index.text[:200]}"
    assert "text/html" in index.headers.get("Content-Type", "")
    assert '<div id="app"' in index.text or "<script" in index.text

    # A deep link is the app too (client-side routes), not a 403/404.
    deep = requests.get(web + "catalog/SD-KFQ-0010", timeout=10)
    assert deep.status_code == 200 and "text/html" in deep.headers.get("Content-Type", "")

    config = requests.get(web + "config.json", timeout=10)
    assert config.status_code == 200, f"GET /config.json: {config.status_code}"
    body = config.json()
    assert body["userPoolClientId"] == web_system["UserPoolClientId"]
    assert body["apiBase"]

    catalog = requests.get(web + "api/catalog/items/SD-KFQ-0010", timeout=10)
    assert catalog.status_code == 200, f"GET /api/catalog/items/...: {catalog.status_code}"
    assert catalog.json()["itemId"] == "SD-KFQ-0010"


def test_axe_core_is_there_to_check_every_page() -> None:
    assert AXE_JS.exists(), (
        f"{AXE_JS.relative_to(AXE_JS.parents[3])} not found: the accessibility checks of "
        "the journeys did not run. Add axe-core to web/package.json's devDependencies "
        "and run `make web` (npm ci)."
    )
