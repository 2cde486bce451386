"""Placeholder: being written."""

from crm.api.blueprint import Blueprint

blp = Blueprint("steering_groups", __name__, url_prefix="/api/v1/_steering_groups")
