"""GET /network: the interactive network map (Netzwerkkarte) for staff.

The page itself holds no data and needs no key. Like Swagger UI's *Authorize*, it asks for
an API key, keeps it in the page's memory only and sends it in the `Authorization` header
of its calls to /api/v1/network; a key never travels in a URL. Its script and the graph
library (Cytoscape.js, vendored under crm/network/static/vendor) are served by the app itself.
"""

from flask import Blueprint, render_template

page = Blueprint(
    "network_map",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@page.get("/network")
def network_map() -> str:
    return render_template("network_map.html")
