"""Swagger UI assets served by the app itself, so /api/v1/docs works offline."""
import swagger_ui_bundle
from flask import Blueprint, send_from_directory

blp = Blueprint("api-docs-assets", __name__)


@blp.get("/api/v1/docs/assets/<path:filename>")
def swagger_asset(filename):
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
