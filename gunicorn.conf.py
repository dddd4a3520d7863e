"""gunicorn reads this file when started from the project folder (its default `./gunicorn.conf.py`).

It tells the app how many worker processes serve, so an app keeping rate limits in its own memory refuses to
start under several workers instead of multiplying every limit by their number (see create_app)."""

import os


def on_starting(server):
    os.environ["VIP_WORKERS"] = str(server.cfg.workers)
