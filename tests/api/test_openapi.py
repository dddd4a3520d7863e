"""The OpenAPI document is generated from the models that validate the API's input and (in tests) check its answers."""

import re

import pytest
from openapi_spec_validator import validate

from app.cards.schemas import IssueIn
from app.members.schemas import MemberIn
from app.programs.schemas import ProgramIn


@pytest.fixture
def doc(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_the_document_is_valid_openapi_3_1(doc):
    validate(doc)  # raises on any error
    assert doc["openapi"] == "3.1.0"


def test_the_document_names_every_api_route_and_method_with_its_path_parameters(app, doc):
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
    for path, ops in doc["paths"].items():
        for op in ops.values():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path
            assert op["summary"] and "operationId" in op
            for ref in re.findall(r"#/components/schemas/(\w+)", str(op)):
                assert ref in doc["components"]["schemas"]


def test_request_schemas_carry_the_constraints_the_api_enforces(doc):
    schemas = doc["components"]["schemas"]
    member = schemas["MemberIn"]
    assert member["required"] == ["name", "id_number", "phone"]
    assert member["properties"]["name"]["maxLength"] == 60
    assert member["properties"]["id_type"]["anyOf"][0]["enum"] == ["resident_id", "passport", "hk_macao_permit", "taiwan_permit",
                                                                       "hmt_residence_permit", "foreign_permanent_residence", "uscc"]
    assert {"const": ""} in member["properties"]["address"]["anyOf"]  # blank is "not given", as a form sends it
    assert member["additionalProperties"] is False
    issue = schemas["IssueIn"]
    assert "amount" in issue["required"] and "amount_fen" not in issue["properties"]  # the alias, not the attribute
    money = issue["properties"]["amount"]["anyOf"][0]
    assert re.fullmatch(money["pattern"], "50000.00") and not re.fullmatch(money["pattern"], "50000.000")
    program = schemas["ProgramIn"]
    assert program["properties"]["code"]["pattern"].startswith("^[A-Za-z0-9]")
    assert program["properties"]["tiers"]["anyOf"][0]["items"] == {"$ref": "#/components/schemas/TierIn"}
    assert schemas["RefundWindowIn"]["properties"]["anchor"]["enum"] == ["opening_date", "issue_date", "expiry_date"]
    card = doc["paths"]["/cards/{number}"]["get"]
    assert card["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Card"}
    assert {"401", "403", "404"} <= set(card["responses"])
    member_get = doc["paths"]["/members/{member_id}"]["get"]["parameters"][0]
    assert member_get["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


@pytest.mark.parametrize("model, path", [(MemberIn, "/members"), (IssueIn, "/cards"), (ProgramIn, "/programs")])
def test_documented_fields_are_exactly_the_ones_the_api_reads(api_as, doc, model, path):
    documented = set(doc["components"]["schemas"][model.__name__]["properties"])
    assert documented == model.names()
    response = api_as("admin").post(path, {"not_a_field": 1})
    assert response.status_code == 422
    assert response.get_json()["error"]["reasons"]["not_a_field"] == "unknown_field"


def test_an_answer_that_drifts_from_its_declared_shape_fails_the_test_that_made_it(api_as, monkeypatch):
    """Every test's API calls are checked against the document: a key the model does not declare is caught."""
    from app.members.schemas import dump_member
    api = api_as("consultant")
    member = api.post("/members", {"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000"})
    assert api.get(f"/members/{member.get_json()['id']}").status_code == 200
    monkeypatch.setattr("app.api.members.dump_member", lambda m: dump_member(m) | {"undeclared": 1})
    with pytest.raises(ValueError, match="undeclared"):
        api.get(f"/members/{member.get_json()['id']}")


def test_query_strings_are_read_as_strictly_as_bodies(api_as):
    api = api_as("admin")
    unknown = api.get("/cards?statsu=active")
    assert unknown.status_code == 422 and unknown.get_json()["error"]["reasons"] == {"statsu": "unknown_field"}
    twice = api.get("/cards?status=active&status=lost")
    assert twice.status_code == 422 and twice.get_json()["error"]["reasons"] == {"status": "repeated"}
    assert api.get("/cards?status=active&lang=en").status_code == 200  # the language of messages, on any address
