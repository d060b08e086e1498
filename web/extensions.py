"""Unbound extension singletons; `create_app` binds them to an app."""
import flask_smorest
from flask_compress import Compress
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
from flask_socketio import SocketIO

from models.core.db import db  # noqa: F401  (defined in the domain, bound here)
from web.conventions import errors, openapi
from web.conventions.limits import limiter  # noqa: F401  (defined beside the limits it enforces)
from web.schemas.common import input_constraints


class Api(flask_smorest.Api):
    """flask-smorest's Api with our error envelope, for every HTTPException and in the document."""

    ERROR_SCHEMA = openapi.ErrorEnvelopeSchema

    def handle_http_exception(self, error):
        return errors.handle_http_exception(error)

    def _init_spec(self, *, extra_plugins=None, **options):
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), openapi.SchemaRulesPlugin()], **options)

    def _register_responses(self):
        super()._register_responses()
        openapi.register_components(self.spec)
        self.ma_plugin.converter.add_attribute_function(input_constraints)


api = Api()
jwt = JWTManager()
migrate = Migrate()
compress = Compress()
cors = CORS()
socketio = SocketIO()
