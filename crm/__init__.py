"""Kooperationspartner-CRM: the application factory."""

import os
from pathlib import Path

from flask import Flask

from crm import blueprints, observability
from crm.cli import crm_cli
from crm.config import from_environment
from crm.database import db
from crm.errors import register_error_handlers
from crm.http import oidc, rate_limit, security_headers
from crm.http.health import health
from crm.http.json_body import JsonProvider
from crm.jobs import queue as jobs
from crm.network.map_page import page as network_map_page


def create_app(test_config: dict | None = None) -> Flask:
    # The instance folder holds the SQLite database, the demo key and exports by default.
    instance = os.environ.get("CRM_INSTANCE_PATH")
    app = Flask(
        __name__,
        # The app's own files (Swagger UI's initializer) under /docs/static; the
        # network map serves its own under /static.
        static_url_path="/docs/static",
        instance_path=os.path.abspath(instance) if instance else None,
        instance_relative_config=True,
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.json = JsonProvider(app)
    observability.init_app(app)
    db.init_app(app)
    oidc.init_app(app)
    rate_limit.init_app(app)
    security_headers.init_app(app)
    register_error_handlers(app)
    blueprints.init_app(app)
    app.register_blueprint(health)
    app.register_blueprint(network_map_page)
    app.cli.add_command(crm_cli)
    jobs.init_app(app)  # after everything that declares jobs is imported
    return app
