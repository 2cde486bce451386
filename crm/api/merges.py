"""Placeholder: being written."""

from crm.api.blueprint import Blueprint

blp = Blueprint("merges", __name__, url_prefix="/api/v1/_merges")
