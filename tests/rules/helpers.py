"""Programme terms built from the four presets, exactly as the service would read them."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.programs.schemas import read_program
from app.rules.terms import ProgramTerms, TierTerms
from tests.conftest import program_payload


def preset_terms(preset: str, **overrides: Any) -> tuple[ProgramTerms, TierTerms]:
    spec = read_program(program_payload(preset))
    terms = dataclasses.replace(spec.terms(), **overrides)
    return terms, spec.tiers[0].terms()
