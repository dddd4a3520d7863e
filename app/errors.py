"""Typed service errors. Each carries a reason code and a sentence (a rules Decision).

Views turn them into a flash message or a form error; the API into
``{"error": {"code", "message", "fields"}}`` with the error's HTTP status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .rules import N_, Decision, refuse


class ServiceError(Exception):
    status = 409

    def __init__(self, decision: Decision, *, fields: Mapping[str, Decision] | None = None, **extra: Any):
        super().__init__(decision.code)
        self.decision = decision
        self.fields = dict(fields or {})
        self.extra = extra

    @property
    def code(self) -> str:
        return self.decision.code


class ValidationFailed(ServiceError):
    """Some fields are wrong; ``fields`` maps each field name to why."""

    status = 422

    def __init__(self, fields: Mapping[str, Decision], **extra: Any):
        super().__init__(
            refuse("validation_failed", N_("Some fields need correcting.")), fields=fields, **extra
        )


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


def ensure(decision: Decision) -> None:
    """A rule's refusal becomes a 409 with its reason code and sentence."""
    if not decision.ok:
        raise Conflict(decision)
