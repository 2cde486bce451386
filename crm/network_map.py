"""Placeholder: being written."""

from flask import Blueprint

page = Blueprint("network_map", __name__)
