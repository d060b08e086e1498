"""HTTP: the app factory lives in web.app. This package imports nothing at
module level, so `python -m web.server` can monkey-patch with eventlet before
Flask, Redis or Werkzeug are imported."""


def create_app(*args, **kwargs):
    from web.app import create_app as build

    return build(*args, **kwargs)
