"""What the member's page tests share: limits reset around each test, and a card with the last 6 of its holder's ID."""

from __future__ import annotations

import pytest

from app.extensions import limiter
from app.members.services import decrypt_id_number
from tests.conftest import in_request


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def holder(app, make_card, make_program):
    """A signed pre-sale card whose refund window is open (opening day 2026-05-01), and its holder's ID ending."""
    card = make_card(program=make_program("presale_95", opening_date="2026-05-01"))
    return card, in_request(app, decrypt_id_number, card.member)[-6:]
