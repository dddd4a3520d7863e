from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from . import bp
from .responses import Me
from .spec import operation


@bp.get("/me")
@operation({200: Me}, errors=(401,))
def me():
    """The token's user and role"""
    return jsonify({"username": current_user.username, "display_name": current_user.display_name,
                    "role": current_user.role.value})
