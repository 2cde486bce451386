"""The network map (/network) in a real headless Chromium, against the app served on a
loopback port with the demo data committed to a database of its own. Each state is
written as a screenshot to test-artifacts/ for a person to look at."""

import re
import shutil
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest

from crm.demo import load_demo_data
from crm.models.enums import ApiRole
from tests import live
from tests.conftest import temporary_postgres_database

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT = 30
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
GERMAN_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")
# Paul Tol's "muted" scheme, safe for colour-blind readers.
COLOUR_BLIND_SAFE = {"#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255",
                     "#44AA99", "#999933", "#AA4499"}  # fmt: skip

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
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
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    logging = {"goog:loggingPrefs": {"browser": "ALL"}}
    with live.chromium(tmp_path_factory.mktemp("chromium"), "1400,900", **logging) as driver:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        yield driver


def _sign_in(browser, served, key: str) -> None:
    browser.get(f"{served[0]}/network")
    browser.get_log("browser")  # what came before this page
    browser.find_element(By.ID, "api-key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "#authorize button").click()


@pytest.fixture
def map_page(browser, served):
    """The map, signed in with the key typed into the form (never into the URL)."""
    _sign_in(browser, served, served[1])
    _wait_for_nodes(browser, lambda count: count > 0)
    return browser


def _node_count(browser) -> int:
    return browser.execute_script(
        "return window.networkMap && window.networkMap.cy ? window.networkMap.cy.nodes().length : 0"
    )


def _wait_for_nodes(browser, condition) -> int:
    WebDriverWait(browser, TIMEOUT).until(lambda driver: condition(_node_count(driver)))
    return _node_count(browser)


def _wait_for_record(browser, name: str) -> None:
    """Waits until the record panel shows `name` (read in the page: the panel is redrawn)."""
    WebDriverWait(browser, TIMEOUT).until(
        lambda driver: (
            driver.execute_script(
                "const h = document.querySelector('#record h2'); return h && h.textContent"
            )
            == name
        )
    )


def _wait_for_text(browser, element_id: str, wanted: str) -> str:
    WebDriverWait(browser, TIMEOUT).until(
        lambda driver: wanted in driver.find_element(By.ID, element_id).text
    )
    return browser.find_element(By.ID, element_id).text


def _screenshot(browser, served, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"network-map-{name}-{served[2]}.png"))


def test_the_map_draws_the_demo_network_under_the_policy(map_page, served):
    drawn = map_page.execute_script(
        "const cy = window.networkMap.cy, box = cy.nodes().renderedBoundingBox();"
        "return [cy.nodes().length, box.w > 100 && box.h > 100,"
        " document.querySelectorAll('#graph canvas').length > 0];"
    )
    _screenshot(map_page, served, "drawn")
    assert drawn[0] >= 20 and drawn[1:] == [True, True]
    assert live.refused_by_the_policy(map_page) == []


def test_no_two_labels_overlap_at_the_default_zoom(map_page, served):
    labels = map_page.execute_script(
        "const cy = window.networkMap.cy;"
        "return [cy.zoom(), cy.nodes().map((n) => {"
        " const b = n.renderedBoundingBox({includeNodes: false, includeEdges: false});"
        " return [n.data('label'), b.x1, b.y1, b.x2, b.y2, n.numericStyle('font-size')]; })];"
    )
    zoom, boxes = labels
    overlapping = [
        (a[0], b[0])
        for a, b in combinations(boxes, 2)
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert len(boxes) >= 20 and overlapping == []
    assert min(box[5] for box in boxes) * zoom >= 7  # legible: at least 7 px on screen
    alone = map_page.execute_script(
        "return window.networkMap.cy.nodes().filter((n) => n.degree() === 0).length"
    )
    assert alone >= 5  # the demo's partners without ties are among them


def test_a_topic_filter_changes_the_nodes(map_page, served):
    before = _node_count(map_page)
    Select(map_page.find_element(By.ID, "filter-topic")).select_by_visible_text(
        "Sprache und Sprachförderung"
    )
    after = _wait_for_nodes(map_page, lambda count: 0 < count < before)
    _screenshot(map_page, served, "language")
    assert 0 < after < before


def _tap(browser, node_id: str) -> str:
    """Taps the node, waits for its record; the record's text."""
    name = browser.execute_script(
        "const node = window.networkMap.cy.getElementById(arguments[0]);"
        "node.emit('tap'); return node.data('name');",
        node_id,
    )
    _wait_for_record(browser, name)
    return browser.find_element(By.ID, "record").text


def test_every_record_reads_as_a_coordinator_reads_it(map_page, served):
    nodes = map_page.execute_script(
        "return window.networkMap.cy.nodes().map((n) => [n.id(), n.data('type')])"
    )
    raw = {}
    for node_id, kind in nodes:
        text = _tap(map_page, node_id)
        if UUID.search(text) or ISO_DATE.search(text) or "_" in text:
            raw[node_id] = text
        assert "Angelegt am" in text and GERMAN_DATE.search(text)
        if kind == "partner":
            assert "Art\n" in text and "Sektor\n" in text
    _screenshot(map_page, served, "record")
    assert raw == {}


def test_a_record_links_to_the_bodies_it_sits_in(map_page, served):
    partner, group, group_name = map_page.execute_script(
        "const edge = window.networkMap.cy.edges().filter("
        " (e) => e.target().data('type') === 'steering_group')[0];"
        "return [edge.source().id(), edge.target().id(), edge.target().data('name')];"
    )
    text = _tap(map_page, partner)
    assert "Gremien" in text and group_name in text
    map_page.find_element(By.XPATH, f"//button[@class='node-link'][.='{group_name}']").click()
    _wait_for_record(map_page, group_name)
    selected, faded, neighbourhood = map_page.execute_script(
        "const cy = window.networkMap.cy, group = cy.getElementById(arguments[0]);"
        "return [cy.nodes(':selected').map((n) => n.id()), cy.elements('.faded').length,"
        " cy.elements().length - group.closedNeighborhood().length];",
        group,
    )
    _screenshot(map_page, served, "neighbourhood")
    assert selected == [group] and faded == neighbourhood > 0
    assert "Mitglieder" in map_page.find_element(By.ID, "record").text


def test_every_partner_kind_has_a_look_of_its_own(map_page, served):
    looks = map_page.execute_script("return window.networkMap.looks")
    pairs = {(look["fill"], look["shape"]) for look in looks.values()}
    assert len(looks) >= 18 and len(pairs) == len(looks)
    assert {look["fill"] for look in looks.values()} <= COLOUR_BLIND_SAFE
    legend = map_page.find_element(By.ID, "legend").text
    drawn = map_page.execute_script(
        "const map = window.networkMap;"
        "return [...new Set(map.cy.nodes('[type = \"partner\"]').map((n) => n.data('kind')))]"
        ".map((kind) => map.vocabulary.kinds[kind]);"
    )
    assert all(label in legend for label in drawn) and "Farbe und Form" in legend


def test_the_summary_gives_the_day_in_german(map_page, served):
    summary = _wait_for_text(map_page, "summary", "Stand")
    assert GERMAN_DATE.search(summary) and not ISO_DATE.search(summary)


def test_a_wrong_key_is_refused_in_german(browser, served):
    _sign_in(browser, served, "crm_not-a-key")
    status = _wait_for_text(browser, "status", "API-Schlüssel")
    _screenshot(browser, served, "wrong-key")
    assert status == "Der API-Schlüssel ist unbekannt oder widerrufen."


def test_search_finds_a_partner_and_centres_it(map_page, served):
    wanted = map_page.execute_script(
        "return window.networkMap.cy.nodes('[type = \"partner\"]')"
        ".filter((n) => n.degree() === 0)[0].data('name')"
    )
    field = map_page.find_element(By.ID, "search")
    field.send_keys(wanted[2:12].upper(), Keys.ENTER)  # a part of it, in other case
    _wait_for_record(map_page, wanted)
    time.sleep(0.5)  # the view glides to the node
    offset = map_page.execute_script(
        "const cy = window.networkMap.cy, node = cy.nodes(':selected')[0];"
        "const p = node.renderedPosition();"
        "return [node.data('name'), Math.abs(p.x - cy.width() / 2),"
        " Math.abs(p.y - cy.height() / 2)];"
    )
    _screenshot(map_page, served, "search")
    assert offset[0] == wanted and offset[1] < 5 and offset[2] < 5


def _downloaded(downloads: Path, suffix: str) -> Path:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        files = [path for path in downloads.glob(f"*{suffix}") if path.stat().st_size]
        if files:
            return files[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} downloaded")


def test_the_view_is_saved_as_png_and_svg(map_page, served, downloads):
    for old in downloads.iterdir():
        old.unlink()
    names = map_page.execute_script(
        "return window.networkMap.cy.nodes().map((n) => n.data('label'))"
    )
    map_page.find_element(By.ID, "save-png").click()
    png = _downloaded(downloads, ".png")
    map_page.find_element(By.ID, "save-svg").click()
    svg = _downloaded(downloads, ".svg")
    for saved in (png, svg):
        shutil.copy(saved, ARTIFACTS / f"network-map-saved-{served[2]}{saved.suffix}")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    texts = [t.text for t in ElementTree.parse(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert sorted(texts) == sorted(names)
