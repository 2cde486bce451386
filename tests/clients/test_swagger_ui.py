"""Swagger UI (/docs) in a real headless Chromium: it loads from the app alone, and a
user authorizes with a key and runs a list call."""

import json
from pathlib import Path

import pytest

from tests import live

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as shown  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT = 30
LIST_PARTNERS = "#operations-partners-listPartners"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """Chromium that logs every request it makes (DevTools' network events)."""
    profile = tmp_path_factory.mktemp("chromium")
    with live.chromium(
        profile, "1400,1000", **{"goog:loggingPrefs": {"performance": "ALL"}}
    ) as driver:
        yield driver


@pytest.fixture
def docs(chromium, served, request):
    chromium.get_log("performance")  # start with empty logs
    chromium.get_log("browser")
    chromium.get(f"{served.base_url}/docs")
    WebDriverWait(chromium, TIMEOUT).until(
        shown.visibility_of_element_located((By.CSS_SELECTOR, LIST_PARTNERS))
    )
    yield chromium
    ARTIFACTS.mkdir(exist_ok=True)
    chromium.save_screenshot(str(ARTIFACTS / f"swagger-ui-{request.node.name}.png"))


def _requested_urls(driver) -> list[str]:
    """Every URL the page fetched over the network (inline `data:` images are none)."""
    messages = (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
    return [
        m["params"]["request"]["url"]
        for m in messages
        if m["method"] == "Network.requestWillBeSent"
        and not m["params"]["request"]["url"].startswith(("data:", "blob:"))
    ]


def test_swagger_ui_loads_with_no_request_beyond_the_app(docs, served):
    urls = _requested_urls(docs)
    assert any(url.endswith("/api/v1/openapi.json") for url in urls)
    assert [u for u in urls if not u.startswith(served.base_url + "/")] == []


def _authorize(docs, served) -> WebDriverWait:
    wait = WebDriverWait(docs, TIMEOUT)
    docs.find_element(By.CSS_SELECTOR, ".auth-wrapper .authorize").click()
    key_field = wait.until(
        shown.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux input"))
    )
    key_field.send_keys(served.admin_key)
    docs.find_element(By.CSS_SELECTOR, ".modal-ux .auth-btn-wrapper .authorize").click()
    docs.find_element(By.CSS_SELECTOR, ".modal-ux .btn-done").click()
    return wait


def _run_list_partners(docs, served, **parameters: str):
    """Authorize, open "list partners", fill in `parameters`, execute: (status, body)."""
    wait = _authorize(docs, served)
    docs.find_element(By.CSS_SELECTOR, f"{LIST_PARTNERS} .opblock-summary").click()
    execute = wait.until(
        shown.element_to_be_clickable((By.CSS_SELECTOR, f"{LIST_PARTNERS} .execute"))
    )
    for name, value in parameters.items():
        field = docs.find_element(
            By.CSS_SELECTOR, f'{LIST_PARTNERS} tr[data-param-name="{name}"] input'
        )
        field.send_keys(value)
    execute.click()
    status = wait.until(
        shown.visibility_of_element_located(
            (
                By.CSS_SELECTOR,
                f"{LIST_PARTNERS} .live-responses-table tr.response .response-col_status",
            )
        )
    )
    body = docs.find_element(By.CSS_SELECTOR, f"{LIST_PARTNERS} .live-responses-table .microlight")
    return status.text.strip(), body.text


def test_an_authorized_user_runs_a_list_call_and_sees_the_answer(docs, served):
    status, body = _run_list_partners(docs, served)
    assert status == "200"
    assert '"pagination"' in body
    assert live.refused_by_the_policy(docs) == []


def test_try_it_out_runs_a_search_its_published_pattern_admits(docs, served):
    """Swagger UI checks a parameter against its published `pattern` before it sends it."""
    status, body = _run_list_partners(docs, served, q="Jugendförderung")
    assert status == "200"
    assert '"pagination"' in body
