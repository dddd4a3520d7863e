from sqlalchemy import select

from app.extensions import db
from app.programs.models import Program
from tests.conftest import program_payload

CONTRACT_EXAMPLE = {
    "code": "CBSC-2026", "name": "重邦尚城 VIP卡", "kind": "presale_deposit",
    "issuer_name": "示例置业有限责任公司", "project_name": "重邦尚城", "contact_phone": "0938-0000000",
    "presale_permit_no": "示预售字(2026)第1号", "presale_permit_date": "2026-03-01", "opening_date": None,
    "refund_window": {"anchor": "opening_date", "opens_after_days": 10, "closes_after_days": None},
    "transfer_policy": "forbidden", "transfer_fee": "0.00", "reissue_fee": "20.00",
    "validity_months": None, "renewal_window_days": None, "max_active_cards_per_member": 1,
    "tiers": [{"code": "VIP", "name": "VIP卡", "amount": "50000.00", "discount_rate": "0.95", "credit": "0.00"}],
}


def test_create_read_and_change_a_programme_as_in_the_contract(api_as):
    api = api_as("admin")
    created = api.post("/programs", CONTRACT_EXAMPLE)
    assert created.status_code == 201, created.get_json()
    assert created.headers["Location"].endswith("/api/v1/programs/CBSC-2026")
    body = created.get_json()
    for key, value in CONTRACT_EXAMPLE.items():
        if key != "tiers":
            assert body[key] == value, key
    assert body["tiers"][0] == {**CONTRACT_EXAMPLE["tiers"][0], "increment": "0.00", "qualifying_spend": None}
    assert api.get("/programs/CBSC-2026").get_json() == body
    changed = api.patch("/programs/CBSC-2026", {"opening_date": "2026-06-01"})
    assert changed.status_code == 200 and changed.get_json()["opening_date"] == "2026-06-01"
    assert [p["code"] for p in api.get("/programs").get_json()["programs"]] == ["CBSC-2026"]


def test_validation_errors_name_each_field(api_as):
    api = api_as("admin")
    bad = {**CONTRACT_EXAMPLE, "refund_window": {"anchor": "opening_date", "opens_after_days": 10, "closes_after_days": 2},
           "tiers": [{"code": "VIP", "name": "VIP卡", "amount": "-5", "discount_rate": "1.5"}]}
    response = api.post("/programs", bad)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["reasons"] == {"refund_window.closes_after_days": "refund_window_reversed",
                                "tiers.0.amount": "amount_negative", "tiers.0.discount_rate": "discount_rate_out_of_range"}
    assert error["fields"]["tiers.0.discount_rate"].startswith("The discount rate must be more than 0")
    assert db.session.scalar(select(db.func.count(Program.id))) == 0


def test_duplicate_code_unknown_programme_and_unknown_fields(api_as):
    api = api_as("admin")
    assert api.post("/programs", CONTRACT_EXAMPLE).status_code == 201
    dup = api.post("/programs", CONTRACT_EXAMPLE)
    assert (dup.status_code, dup.get_json()["error"]["reasons"]) == (422, {"code": "program_code_taken"})
    missing = api.get("/programs/NOPE")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "program_not_found")
    assert api.patch("/programs/NOPE", {"name": "x"}).status_code == 404
    typo = api.patch("/programs/CBSC-2026", {"opening_day": "2026-06-01"})
    assert (typo.status_code, typo.get_json()["error"]["reasons"]) == (422, {"opening_day": "unknown_field"})


def test_codes_are_case_blind(api_as):
    api = api_as("admin")
    assert api.post("/programs", {**CONTRACT_EXAMPLE, "code": "cbsc-2026"}).get_json()["code"] == "CBSC-2026"
    assert api.get("/programs/Cbsc-2026").status_code == 200
    assert api.post("/programs", CONTRACT_EXAMPLE).get_json()["error"]["reasons"] == {"code": "program_code_taken"}


def test_hostile_values_get_4xx_not_500(api_as):
    api = api_as("admin")
    for amount in ("1e30", 10**30, "NaN", "Infinity", "1,00"):
        body = {**CONTRACT_EXAMPLE, "tiers": [{**CONTRACT_EXAMPLE["tiers"][0], "amount": amount}]}
        response = api.post("/programs", body)
        assert response.status_code == 422, (amount, response.get_data(as_text=True))
    nan = api.client.post("/api/v1/programs", data='{"code": NaN}', content_type="application/json",
                          headers={"Authorization": f"Bearer {api.token}"})
    assert nan.status_code in (400, 422)
    assert api.post("/programs", {**CONTRACT_EXAMPLE, "name": "VIP\u0000卡"}).get_json()["error"]["reasons"] == {
        "name": "control_characters"}
    nested = {**CONTRACT_EXAMPLE, "tiers": [{**CONTRACT_EXAMPLE["tiers"][0], "credt": "1"}]}
    assert api.post("/programs", nested).get_json()["error"]["reasons"] == {"tiers.0.credt": "unknown_field"}


def test_malformed_bodies_get_400_not_500(api_as):
    api = api_as("admin")
    not_json = api.client.post("/api/v1/programs", data="code=X", headers={"Authorization": f"Bearer {api.token}"})
    assert (not_json.status_code, not_json.get_json()["error"]["code"]) == (400, "json_expected")
    broken = api.client.post("/api/v1/programs", data="{broken", content_type="application/json",
                             headers={"Authorization": f"Bearer {api.token}"})
    assert (broken.status_code, broken.get_json()["error"]["code"]) == (400, "json_invalid")
    assert api.post("/programs", ["a", "list"]).status_code == 400
    assert api.post("/programs", {"tiers": [1, 2]}).status_code == 422


def test_roles_and_tokens(api_as, app):
    consultant = api_as("consultant")
    assert consultant.get("/programs").status_code == 200
    forbidden = consultant.post("/programs", CONTRACT_EXAMPLE)
    assert (forbidden.status_code, forbidden.get_json()["error"]["code"]) == (403, "forbidden")
    anonymous = app.test_client().get("/api/v1/programs")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    forged = app.test_client().get("/api/v1/programs", headers={"Authorization": "Bearer vip_forged"})
    assert forged.status_code == 401


def test_a_browser_session_does_not_open_the_api(login):
    client = login("admin")
    assert client.get("/programs/").status_code == 200
    assert client.get("/api/v1/programs").status_code == 401


def test_presets(api_as):
    api = api_as("consultant")
    presets = api.get("/program-presets").get_json()["presets"]
    assert [p["key"] for p in presets] == ["presale_95", "presale_value_add", "retail_vip", "online_membership"]
    admin = api_as("admin")
    one = admin.get("/program-presets/online_membership").get_json()["program"]
    payload = {**one, "code": "ONLINE-1", "issuer_name": "示例网络科技有限公司", "project_name": "会员", "contact_phone": "400-100-2000"}
    assert admin.post("/programs", payload).status_code == 201
    assert admin.get("/program-presets/none").status_code == 404


def test_messages_follow_accept_language(api_as):
    api = api_as("admin")
    zh = api.get("/programs/NOPE", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_json()["error"]["message"]
    en = api.get("/programs/NOPE", headers={"Accept-Language": "en"}).get_json()["error"]["message"]
    assert en == "No programme has the code NOPE."
    assert zh != en and "NOPE" in zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_round_trip_of_every_preset_through_the_api(api_as):
    api = api_as("admin")
    for i, preset in enumerate(["presale_95", "presale_value_add", "retail_vip", "online_membership"]):
        payload = program_payload(preset, code=f"RT-{i}")
        response = api.post("/programs", payload)
        assert response.status_code == 201, response.get_json()
        assert response.get_json() == {**payload, "has_seal": False}
