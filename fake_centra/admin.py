"""Admin HTTP route: ``POST /admin/<action>`` with ``X-Admin-Secret`` and a JSON object of kwargs.

Lets out-of-process tests (e.g. the connector run as a subprocess or in Docker) mutate data and
reconfigure the fake. Wrong or missing secret -> 403. Unknown action -> 404. Bad kwargs -> 400.
Reply: ``{"result": <return value>}``.
"""

from __future__ import annotations

import hmac
import json
from typing import Any, Protocol

from .engine import Response


class Administered(Protocol):
    """What the route needs of a ``fake.FakeCentra`` (named here, so admin does not import fake)."""

    admin_secret: str
    data: Any

DATA_ACTIONS = ("create_order", "update_order", "cancel_line", "change_line_quantity",
                "create_shipment", "create_return", "complete_return", "uncomplete_return",
                "update_product", "add_payment", "set_updated_at", "create_customer", "update_customer",
                "update_account", "update_invoice", "create_invoice", "update_voucher", "update_campaign",
                "set_stock", "set_price")
FAKE_ACTIONS = ("set_permissions", "revoke_token", "create_token", "configure", "stats",
                "reset_stats", "start_writer", "stop_writer")


def _reply(status: int, obj: Any) -> Response:
    return Response(status, json.dumps(obj, default=str).encode())


def handle(fake: Administered, action: str, kwargs: Any, headers: Any) -> Response:
    secret = headers.get("X-Admin-Secret") or ""
    if not hmac.compare_digest(secret.encode(), fake.admin_secret.encode()):
        return _reply(403, {"error": "forbidden: wrong or missing X-Admin-Secret"})
    if not isinstance(kwargs, dict):
        return _reply(400, {"error": "body must be a JSON object of keyword arguments"})
    if action in DATA_ACTIONS:
        target = getattr(fake.data, action)
    elif action in FAKE_ACTIONS:
        target = getattr(fake, action)
    else:
        return _reply(404, {"error": f"unknown action {action!r}",
                            "actions": sorted(DATA_ACTIONS + FAKE_ACTIONS)})
    try:
        result = target(**kwargs)
    except (TypeError, ValueError, KeyError) as exc:
        return _reply(400, {"error": f"{type(exc).__name__}: {exc}"})
    return _reply(200, {"result": result})
