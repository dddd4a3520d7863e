"""Defaults; instance/config.py and VIP_* environment variables override them."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

ENV_KEYS = {
    "VIP_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "VIP_SECRET_KEY": "SECRET_KEY",
    "VIP_DATA_KEY": "VIP_DATA_KEY",
    "VIP_PUBLIC_BASE_URL": "VIP_PUBLIC_BASE_URL",
    "VIP_TIMEZONE": "VIP_TIMEZONE",
    "VIP_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "VIP_VERIFY_RATE_LIMIT": "VIP_VERIFY_RATE_LIMIT",
    "VIP_VERIFY_CARD_RATE_LIMIT": "VIP_VERIFY_CARD_RATE_LIMIT",
    "VIP_VERIFY_INVALID_RATE_LIMIT": "VIP_VERIFY_INVALID_RATE_LIMIT",
    "VIP_CJK_FONT": "VIP_CJK_FONT",
    "VIP_TSA_URL": "VIP_TSA_URL",
    "VIP_SOFFICE": "VIP_SOFFICE",
    "VIP_UNOSERVER": "VIP_UNOSERVER",
    "VIP_BROKER_URL": "VIP_BROKER_URL",
    "VIP_TRAINING_DATE": "VIP_TRAINING_DATE",
    "VIP_SMS_PROVIDER": "VIP_SMS_PROVIDER",
    "VIP_SMS_ALIYUN_ACCESS_KEY_ID": "VIP_SMS_ALIYUN_ACCESS_KEY_ID",
    "VIP_SMS_ALIYUN_ACCESS_KEY_SECRET": "VIP_SMS_ALIYUN_ACCESS_KEY_SECRET",
    "VIP_SMS_ALIYUN_SIGN_NAME": "VIP_SMS_ALIYUN_SIGN_NAME",
    "VIP_SMS_ALIYUN_TEMPLATE_CODE": "VIP_SMS_ALIYUN_TEMPLATE_CODE",
    "VIP_SMS_ALIYUN_ENDPOINT": "VIP_SMS_ALIYUN_ENDPOINT",
}
BOOL_KEYS = {"VIP_DEMO_SIGNING": "VIP_DEMO_SIGNING", "VIP_TRAINING": "VIP_TRAINING"}
# comma-separated; token keys oldest first, previous data keys only while `keys rotate-data-key` runs
LIST_KEYS = {"VIP_TOKEN_KEYS": "VIP_TOKEN_KEYS", "VIP_DATA_KEY_PREVIOUS": "VIP_DATA_KEY_PREVIOUS"}
INT_KEYS = {"VIP_PROXY_COUNT": "VIP_PROXY_COUNT", "VIP_SESSION_IDLE_MINUTES": "VIP_SESSION_IDLE_MINUTES",
            "VIP_SESSION_MAX_HOURS": "VIP_SESSION_MAX_HOURS", "VIP_REVEAL_BURST": "VIP_REVEAL_BURST",
            "VIP_JOB_STALE_SECONDS": "VIP_JOB_STALE_SECONDS"}


def defaults(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'vipcards.sqlite3'}",
        "VIP_PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "VIP_TIMEZONE": "Asia/Shanghai",
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "VIP_LOCALES": ["zh_CN", "en"],
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,  # a 10 MB scan plus the form around it
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "VIP_LOGIN_RATE_LIMIT": "10 per minute",
        "VIP_REVEAL_RATE_LIMIT": "30 per hour",  # full ID numbers one user may see: a desk's day, not a database
        "VIP_REVEAL_BURST": 10,  # one user's reveals within ten minutes that alert the managers
        "VIP_LOGIN_LOCKOUT_ATTEMPTS": 10,  # wrong passwords for one account, from any address…
        "VIP_LOGIN_LOCKOUT_MINUTES": 15,  # …within this long lock it for this long
        "VIP_SESSION_IDLE_MINUTES": 120,  # a desk left signed in ends after two hours unused
        "VIP_SESSION_MAX_HOURS": 12,  # and any session after a working day
        # Opening day: members scan their own cards on the sales centre's Wi-Fi, one address for hundreds of phones.
        # The address may scan often; one card may not be scanned endlessly; and an address that keeps presenting
        # codes naming no card (guessing) is stopped early. Shared across workers with VIP_RATELIMIT_STORAGE_URI.
        "VIP_VERIFY_RATE_LIMIT": "600 per minute",
        "VIP_VERIFY_CARD_RATE_LIMIT": "20 per minute",
        "VIP_VERIFY_INVALID_RATE_LIMIT": "20 per minute",
        "VIP_MEMBER_DOWNLOAD_RATE_LIMIT": "5 per minute",  # guessing the ID digits of someone else's agreement
        "VIP_MEMBER_DOWNLOAD_DOCUMENT_LIMIT": "20 per day",  # the same, from many addresses at one document
        # The member's own page (/my): a code by SMS lives a few minutes for a few tries; too many wrong codes for one
        # holder lock their sign-in for a while; every step is limited per address, asking for codes also per card.
        "VIP_PORTAL_CODE_MINUTES": 5,
        "VIP_PORTAL_CODE_ATTEMPTS": 5,
        "VIP_PORTAL_LOCK_ATTEMPTS": 10,
        "VIP_PORTAL_LOCK_MINUTES": 30,
        "VIP_PORTAL_SESSION_MINUTES": 30,
        "VIP_PORTAL_IDLE_MINUTES": 10,
        # Generous per address (a sales centre's Wi-Fi is one address for hundreds of phones): guessing is stopped per
        # card and per holder, and a text costs money, so each card asks for few.
        "VIP_PORTAL_CODE_RATE_LIMIT": "60 per hour",
        "VIP_PORTAL_CARD_RATE_LIMIT": "3 per 15 minutes",
        "VIP_PORTAL_VERIFY_RATE_LIMIT": "10 per minute",
        "VIP_PORTAL_PAGE_RATE_LIMIT": "300 per minute",
        # Codes by SMS: "outbox" keeps them for admins to read (development); "aliyun" sends them (docs/deployment.md).
        "VIP_SMS_PROVIDER": "outbox",
        "VIP_PROXY_COUNT": 0,
        # Without an uploaded certificate, seal under a generated demo CA (documents say so); turn off in production.
        "VIP_DEMO_SIGNING": True,
        "VIP_TSA_URL": None,  # an RFC 3161 timestamp authority; without one, signatures carry the server's time  # reverse proxies in front: their X-Forwarded-For is trusted this many hops deep
        # Jobs (imports, the daily expiry): Celery workers with a broker such as redis://127.0.0.1:6379/0; without one,
        # in a thread of the process that was asked. A running job whose worker gave no sign of life for this long
        # was killed: a new delivery of the job takes it over and resumes it.
        "VIP_BROKER_URL": None,
        "VIP_JOB_STALE_SECONDS": 60,
        # A training copy (docs/operations.md): banners, marked cards and documents; only there may the date be set,
        # e.g. "2026-06-01" or "2026-06-01T08:30" (the sales centre's time), the clock running on from it.
        "VIP_TRAINING": False,
        "VIP_TRAINING_DATE": None,
        "JSON_SORT_KEYS": False,
        # SQL errors would otherwise quote bound values (names, phones) into the error log.
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
    }


def from_environment() -> dict:
    values: dict = {target: os.environ[name] for name, target in ENV_KEYS.items() if os.environ.get(name)}
    values |= {t: [k.strip() for k in os.environ[n].split(",") if k.strip()] for n, t in LIST_KEYS.items() if os.environ.get(n)}
    values |= {t: int(os.environ[n]) for n, t in INT_KEYS.items() if os.environ.get(n, "").isdigit()}
    values |= {t: os.environ[n].strip().lower() not in ("0", "false", "no", "off") for n, t in BOOL_KEYS.items()
               if os.environ.get(n)}
    return values


def ensure_instance_secrets(instance_path: str) -> dict:
    """First start of a single-machine install: make random keys once and keep them in instance/secrets.json:
    one for sessions, one for personal data and one for card and document QR codes.

    Written to a temporary file and linked into place, so several workers starting together agree on
    one set of keys and never read a half-written file. A file from before card keys were separate gets one
    equal to its session key, so the cards printed so far keep verifying after the session key is changed.
    """
    path = Path(instance_path) / "secrets.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_secrets(path, {"SECRET_KEY": secrets.token_urlsafe(32), "VIP_DATA_KEY": secrets.token_urlsafe(32),
                              "VIP_TOKEN_KEYS": [secrets.token_urlsafe(32)]}, replace=False)
    values = json.loads(path.read_text())
    if not values.get("VIP_TOKEN_KEYS"):
        values["VIP_TOKEN_KEYS"] = [values["SECRET_KEY"]]  # the same for every worker, so a race writes alike
        _write_secrets(path, values, replace=True)
    return values


def _write_secrets(path: Path, values: dict, *, replace: bool) -> None:
    tmp = path.with_name(f".secrets-{os.getpid()}-{secrets.token_hex(4)}.json")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    try:
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    except FileExistsError:
        pass  # another worker won; use its keys
    finally:
        tmp.unlink(missing_ok=True)
