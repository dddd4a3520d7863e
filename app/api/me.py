from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from . import bp


@bp.get("/me")
def me():
    return jsonify({"username": current_user.username, "display_name": current_user.display_name,
                    "role": current_user.role.value})
