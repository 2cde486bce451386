"""GET /network: the map page is served by the app, with everything it loads."""

import re


def test_the_map_page_needs_no_key(anonymous):
    assert anonymous.get("/network").status_code == 200


def test_the_map_page_loads_nothing_from_third_parties(anonymous):
    response = anonymous.get("/network")
    page = response.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources)


def test_the_graph_library_is_served_by_the_app(anonymous):
    with anonymous.get("/static/vendor/cytoscape/cytoscape.min.js") as response:
        assert (response.status_code, response.mimetype) == (200, "text/javascript")


def test_the_map_page_runs_under_a_strict_content_security_policy(anonymous):
    """No inline script or style, no style attribute: `default-src 'self'` allows none."""
    response = anonymous.get("/network")
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert scripts
    assert all('src="' in attributes and not body.strip() for attributes, body in scripts)
    assert "<style" not in page and not re.search(r"\sstyle=", page)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
