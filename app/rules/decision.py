from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Mark a message for the translation catalogue without translating it here."""
    return message


@dataclass(frozen=True)
class Decision:
    """The outcome of a rule: ``ok`` or not, why (``code``), and a sentence for people.

    ``message`` is an English catalogue id with ``%(name)s`` placeholders; the web
    layer translates it, the rules stay free of any locale machinery.
    """

    ok: bool
    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def sentence(self, translate: Callable[[str], str] | None = None) -> str:
        template = translate(self.message) if translate else self.message
        values = {k: _display(v) for k, v in self.params.items()}
        return template % values if values else template


def allow(code: str, message: str, /, **params: Any) -> Decision:
    return Decision(True, code, message, params)


def refuse(code: str, message: str, /, **params: Any) -> Decision:
    return Decision(False, code, message, params)


def _display(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
