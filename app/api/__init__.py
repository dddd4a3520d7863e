"""JSON API /api/v1 for integrators (POS, CRM, mini-programs). Bearer tokens only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request
from flask_login import current_user

from ..errors import Forbidden, ServiceError, ValidationFailed
from ..rules import N_, refuse
from ..users.roles import can
from ..validation import M, Schema
from ..web import api_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.openapi"}  # the document itself


class BadRequest(ServiceError):
    status = 400


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated or not g.get("vip_token_auth"):  # current_user first: it runs the token loader
        return api_error(401, "unauthorized", _unauthorized_message())
    return None


def _unauthorized_message() -> str:
    from flask_babel import format_date, gettext

    from ..users.services import expired_token
    expired = expired_token(request.headers.get("Authorization", "").removeprefix("Bearer ").strip())
    if expired is not None:
        return gettext("This API token expired on %(date)s: ask an administrator for a new one.",
                       date=format_date(expired.expires_at))
    return gettext("Send a valid API token as 'Authorization: Bearer …'.")


def require(permission: str) -> None:
    if not can(current_user, permission):
        raise Forbidden(refuse("forbidden", N_("Your role does not allow this.")))


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    if not request.is_json:
        raise BadRequest(refuse("json_expected", N_("Send a JSON object with 'Content-Type: application/json'.")))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(refuse("json_invalid", N_("The request body is not a JSON object.")))
    return body


def _known(data: dict[str, Any], model: type[Schema]) -> dict[str, Any]:
    """Keys ``model`` does not declare are refused, so a misspelt field or filter never passes silently."""
    unknown = sorted(set(data) - model.names())
    if unknown:
        raise ValidationFailed({k: refuse("unknown_field", N_("This field is not known here.")) for k in unknown})
    return data


def body(model: type[Schema]) -> dict[str, Any]:
    """The JSON object for ``model``, its keys checked; the service that receives it validates it with the same model."""
    return _known(json_body(), model)


def upload(model: type[M]) -> M:
    """A multipart upload read with ``model``: its form fields and files, unknown names refused like a body's keys."""
    data = {**request.form.to_dict(), **request.files.to_dict()}
    return model.read(_known(data, model))


def optional_body(model: type[Schema]) -> dict[str, Any]:
    """As :func:`body`, for endpoints whose every field is optional: no body at all is an empty object."""
    return body(model) if request.content_length else {}


def query(model: type[M]) -> M:
    """The query string read with ``model``; ``lang``, which any address takes (the language of messages), aside."""
    repeated = sorted(k for k, values in request.args.lists() if len(values) > 1)
    if repeated:
        raise ValidationFailed({k: refuse("repeated", N_("Give this only once.")) for k in repeated})
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return model.read(_known(args, model))


from . import cards, exports, imports, lifecycle, loyalty, me, members, portal, programs, queue, reports, spec, units  # noqa: E402,F401  (routes register on bp)
