"""The network map (/network) in a real headless Chromium, against the app served on a
loopback port with the demo data committed to a database of its own."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.demo import load_demo_data
from crm.models.enums import ApiRole
from tests import live
from tests.conftest import temporary_postgres_database

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT = 30

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory) -> Iterator[tuple[str, str, str]]:
    """(base URL, viewer key, database name) of the app with the demo data, committed."""
    live.require_chromium()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('map') / 'crm.sqlite3'}"
        yield from _serve(url, request.param)
    else:
        with temporary_postgres_database() as url:
            yield from _serve(url, request.param)


def _serve(url: str, name: str) -> Iterator[tuple[str, str, str]]:
    with live.served(url, ApiRole.viewer, load_demo_data) as (base_url, key):
        yield base_url, key, name


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with live.chromium(tmp_path_factory.mktemp("chromium"), "1400,900") as driver:
        yield driver


@pytest.fixture
def map_page(browser, served):
    """The map, signed in with the key typed into the form (never into the URL)."""
    base, key, _ = served
    browser.get(f"{base}/network")
    browser.find_element(By.ID, "api-key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "#authorize button").click()
    _wait_for_nodes(browser, lambda count: count > 0)
    return browser


def _node_count(browser) -> int:
    return browser.execute_script(
        "return window.networkMap && window.networkMap.cy ? window.networkMap.cy.nodes().length : 0"
    )


def _wait_for_nodes(browser, condition) -> int:
    WebDriverWait(browser, TIMEOUT).until(lambda driver: condition(_node_count(driver)))
    return _node_count(browser)


def _screenshot(browser, served, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"network-map-{name}-{served[2]}.png"))


def test_the_map_draws_the_demo_network(map_page, served):
    drawn = map_page.execute_script(
        "const cy = window.networkMap.cy, box = cy.nodes().renderedBoundingBox();"
        "return [cy.nodes().length, box.w > 100 && box.h > 100,"
        " document.querySelectorAll('#graph canvas').length > 0];"
    )
    _screenshot(map_page, served, "drawn")
    assert drawn[0] >= 20 and drawn[1:] == [True, True]
    assert live.refused_by_the_policy(map_page) == []


def test_a_topic_filter_changes_the_nodes(map_page, served):
    before = _node_count(map_page)
    Select(map_page.find_element(By.ID, "filter-topic")).select_by_visible_text(
        "Sprache und Sprachförderung"
    )
    after = _wait_for_nodes(map_page, lambda count: 0 < count < before)
    _screenshot(map_page, served, "language")
    assert 0 < after < before


def test_clicking_a_node_shows_its_record(map_page, served):
    name = map_page.execute_script(
        "const node = window.networkMap.cy.nodes('[type = \"steering_group\"]')[0];"
        "node.emit('tap'); return node.data('label');"
    )
    WebDriverWait(map_page, TIMEOUT).until(
        lambda driver: (
            "Steuerungsgruppe" in driver.find_element(By.ID, "record").text
            or name in driver.find_element(By.ID, "record").text
        )
    )
    assert "kind" in map_page.find_element(By.ID, "record").text
