"""Placeholder: being written."""

from crm.api.blueprint import Blueprint

blueprints = [Blueprint("vocabularies", __name__, url_prefix="/api/v1/_vocabularies")]
