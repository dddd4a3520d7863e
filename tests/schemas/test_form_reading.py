from app.validation import unflatten_form


def test_form_fields_become_the_api_shape():
    form = {"code": "X-1", "refund_window.anchor": "opening_date", "refund_window.opens_after_days": "10",
            "validity.months": "", "tiers.1.code": "B", "tiers.0.code": "A", "tiers.0.name": "A卡",
            "tiers.2.code": " ", "tiers.2.name": ""}
    assert unflatten_form(form, "tiers") == {
        "code": "X-1",
        "refund_window": {"anchor": "opening_date", "opens_after_days": "10"},
        "validity": None,  # a group left blank means none
        "tiers": [{"code": "A", "name": "A卡"}, {"code": "B"}],  # in row order, blank rows dropped
    }
