"""What the benchmark's gunicorn serves: the application, and beside it in the same processes a bare Flask endpoint
(`/bare/`) answering a small JSON object with no database: the ceiling each figure is measured against."""

from flask import Flask, jsonify
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app import create_app

bare = Flask("bare")


@bare.get("/")
def ceiling():
    return jsonify({"result": "valid", "card": {"status": "active"}})


application = DispatcherMiddleware(create_app(), {"/bare": bare})
