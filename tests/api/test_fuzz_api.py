"""Schemathesis against the live app, every operation of the generated document: requests that fit the schema and
requests that break it, half of them aimed at real cards, members, programmes and agreements. No answer may be a 5xx,
each must be declared (status, content type, shape: every JSON answer is also checked against its model in-process),
and every request the schema forbids must be refused with a 4xx.

``make test`` runs a bounded number of examples per operation and mode; ``make fuzz`` runs many more
(VIP_FUZZ_EXAMPLES). Business rules legitimately refuse some schema-valid requests (a tier's amount, a closed
window), so schemathesis' "positive data is accepted" check is the one left out."""

from __future__ import annotations

import collections
import os
from typing import Any

import schemathesis
import schemathesis.checks
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.conftest import Api, cli_token, issued_cards

EXAMPLES = int(os.environ.get("VIP_FUZZ_EXAMPLES", "12"))
CHECKS_LEFT_OUT = [schemathesis.checks.positive_data_acceptance]


def _world(app) -> tuple[str, dict[str, list[Any]]]:
    """A programme with units, members, cards (some in force), requests; the identifiers fuzzing may aim at."""
    admin, other_admin = cli_token(app, "admin", "fuzz-admin"), cli_token(app, "admin", "fuzz-admin-2")
    consultant = cli_token(app, "consultant", "fuzz-consultant")
    cards = issued_cards(app, "FUZZ", admin, consultant, 4, seed=7100)
    client = app.test_client()
    api = Api(client, admin)
    assert api.post("/programs/FUZZ/units", {"building": "3", "unit": "1", "floor": 12, "room": "1201", "use": "residential",
                                             "area": "89.56", "list_price": "1234567.00"}).status_code == 201
    void = Api(client, consultant).post(f"/cards/{cards[1]['number']}/void", {"reason": "fuzz"})
    loss = Api(client, consultant).post(f"/cards/{cards[2]['number']}/report-loss", {"reason": "fuzz"})
    assert void.status_code == 202 and loss.status_code == 200
    member_ids = sorted({c["holder"]["member_id"] for c in cards})
    known = {
        "number": [c["number"] for c in cards], "member_id": member_ids, "code": ["FUZZ"], "unit_code": ["3-1-1201"],
        "agreement_id": [a["id"] for c in cards for a in c["agreements"]], "key": ["presale_95", "membership"],
        "token": [c["verify_url"].rsplit("/v/", 1)[1] for c in cards],
        "request_id": [void.get_json()["id"], 1, 2], "redemption_id": [1],
        "discount_id": [1], "entry_id": [1, 2], "screen_id": [1], "draw_id": [1],
    }
    del other_admin  # a second manager exists, so approvals can pass the two-person rule
    return admin, known


def test_every_operation_answers_as_documented_and_never_5xx(fresh_app):
    token, known = _world(fresh_app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fresh_app)

    aiming = {"on": False}  # only requests meant to be valid are aimed: a negative one keeps its broken parameter

    @schema.hook
    def flatmap_path_parameters(ctx, params):
        if not params or not aiming["on"]:
            return st.just(params)
        aimed = st.fixed_dictionaries({k: st.sampled_from(known[k]) if k in known else st.just(v) for k, v in params.items()})
        return st.one_of(st.just(params), aimed)

    @schema.hook
    def filter_query(ctx, query):
        """A value a query string cannot carry never reaches the app: an empty or nested list, an object, or a list of
        one, which arrives as that one value (several are refused as repeated)."""
        return not query or all(not isinstance(v, (list, dict)) or (isinstance(v, list) and len(v) > 1 and all(
            not isinstance(x, (list, dict)) for x in v)) for v in query.values())

    headers = {"Authorization": f"Bearer {token}"}
    answers: collections.Counter = collections.Counter()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            aiming["on"] = mode is GenerationMode.POSITIVE
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def exercise(case):
                response = case.call(headers=headers)
                answers[response.status_code] += 1
                case.validate_response(response, headers=headers, excluded_checks=CHECKS_LEFT_OUT)

            exercise()
    documented = sum(len(ops) for ops in fresh_app.test_client().get("/api/v1/openapi.json").get_json()["paths"].values())
    assert operations == documented - 1  # all but the document's own address
    assert not [s for s in answers if s >= 500]
    assert sum(n for s, n in answers.items() if s < 300) > 50, answers  # the aimed half reaches real objects
    print(f"schemathesis: {sum(answers.values())} requests over {operations} operations: {sorted(answers.items())}")
