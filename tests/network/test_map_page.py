"""GET /network: the map page is served by the app, with everything it loads."""

import re


def test_the_map_page_needs_no_key(anonymous):
    assert anonymous.get("/network").status_code == 200


def test_the_map_page_loads_nothing_from_third_parties(anonymous):
    page = anonymous.get("/network").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources)


def test_the_graph_library_is_served_by_the_app(anonymous):
    with anonymous.get("/static/vendor/cytoscape/cytoscape.min.js") as response:
        assert (response.status_code, response.mimetype) == (200, "text/javascript")
