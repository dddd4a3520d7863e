"""The app factory's safety nets."""

import pytest

from app import create_app
from tests.conftest import FRESH_KEYS


def test_unexpected_errors_answer_json_on_the_api_and_log_no_parameters(tmp_path):
    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                      **FRESH_KEYS})

    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/api/v1/_boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


def test_a_shared_database_needs_explicit_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("VIP_SECRET_KEY", raising=False)
    monkeypatch.delenv("VIP_DATA_KEY", raising=False)
    with pytest.raises(RuntimeError, match="VIP_DATA_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db.example/vip"})


def test_the_built_in_sqlite_install_makes_its_keys_once(tmp_path, monkeypatch):
    monkeypatch.delenv("VIP_SECRET_KEY", raising=False)
    monkeypatch.delenv("VIP_DATA_KEY", raising=False)
    monkeypatch.delenv("VIP_DATABASE_URL", raising=False)
    import flask
    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    first = create_app({})
    second = create_app({})
    assert first.config["VIP_DATA_KEY"] == second.config["VIP_DATA_KEY"]
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600
