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
}


def defaults(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'vipcards.sqlite3'}",
        "VIP_PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "VIP_TIMEZONE": "Asia/Shanghai",
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "VIP_LOCALES": ["zh_CN", "en"],
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "VIP_LOGIN_RATE_LIMIT": "10 per minute",
        "JSON_SORT_KEYS": False,
    }


def from_environment() -> dict:
    return {target: os.environ[name] for name, target in ENV_KEYS.items() if os.environ.get(name)}


def ensure_instance_secrets(instance_path: str) -> dict:
    """First start on a machine: make and keep random keys in instance/secrets.json.

    Losing VIP_DATA_KEY makes stored ID numbers unreadable, so a deployment should set it
    from its secret store; this file is for development and single-machine installs.
    """
    path = Path(instance_path) / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {"SECRET_KEY": secrets.token_urlsafe(32), "VIP_DATA_KEY": secrets.token_urlsafe(32)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    return values
