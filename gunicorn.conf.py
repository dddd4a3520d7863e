"""gunicorn reads this file when started from the project folder (its default `./gunicorn.conf.py`).

It tells the app how many worker processes serve, so an app keeping rate limits in its own memory refuses to
start under several workers instead of multiplying every limit by their number (see create_app)."""

import os

# Threads (gunicorn's gthread worker): the worker keeps telling the master it is alive while a thread streams a long
# answer. A plain sync worker is killed after 30 s mid-answer: an export of a million audit entries (about 40 s)
# arrived cut at 738,000 rows, with status 200.
threads = 4


def on_starting(server):
    os.environ["VIP_WORKERS"] = str(server.cfg.workers)
