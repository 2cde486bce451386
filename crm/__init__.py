"""Kooperationspartner-CRM: the application factory."""

from pathlib import Path

from flask import Flask

from crm import api, observability, oidc, rate_limit, security_headers
from crm.api.json_body import JsonProvider
from crm.cli import crm_cli
from crm.config import from_environment
from crm.database import db
from crm.errors import register_error_handlers
from crm.health import health
from crm.network_map import page as network_map_page


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
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
    api.init_app(app)
    app.register_blueprint(health)
    app.register_blueprint(network_map_page)
    app.cli.add_command(crm_cli)
    return app
