import re


def test_the_document_names_every_api_route_and_method(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
    for ops in doc["paths"].values():
        for op in ops.values():
            for ref in re.findall(r"#/components/schemas/(\w+)", str(op)):
                assert ref in doc["components"]["schemas"]


def test_documented_program_fields_are_the_ones_the_api_accepts(app):
    from app.api.programs import PROGRAM_FIELDS
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert set(doc["components"]["schemas"]["Program"]["properties"]) == set(PROGRAM_FIELDS)
