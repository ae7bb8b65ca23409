"""The error table: every way a Centra request can fail, mapped to what the connector does.

Each entry says whether to retry and with which Airbyte failure type, and carries the message a
Centra admin reads, with the fix. Messages never contain the API token (the client never passes
it here; Airbyte's secret filter masks it as a second line of defence).
See ../shared/centra-api.md §2.3 (authorization errors), §3 (envelope), §4.2 (429).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

TOKEN_HELP = "Create a new token in the Centra admin under System → API tokens and paste it into the source settings."

# Labels a Centra admin sees next to each read permission (System → API tokens).
PERMISSION_LABELS = {
    "Order:read": "Order details",
    "Order.shippingAddress:read": "Order.shippingAddress",
    "Return:read": "Return details",
    "Shipment:read": "Shipment details",
    "Product:read": "Product details",
    "Market:read": "Market details",
    "PaymentHistory:read": "PaymentHistory",
    "Store:read": "Store details",
    "Order.attributes:read": "Order.attributes",
    "Product.attributes:read": "Product.attributes",
    "Customer:read": "Customer details",
    "Currency:read": "Currency details",
}


def permission_label(permission: str) -> str:
    label = PERMISSION_LABELS.get(permission)
    return f"{label} ({permission})" if label else permission


class Action(Enum):
    RETRY = "retry"  # transient: back off and try again
    WAIT = "wait"  # rate limited: wait as Centra says, bounded in total
    FAIL = "fail"  # no retry can help


@dataclass(frozen=True)
class Resolution:
    action: Action
    failure_type: FailureType
    message: str


# HTTP status → resolution. Statuses not listed: 5xx retry, others fail.
HTTP_ERRORS: dict[int, Resolution] = {
    401: Resolution(Action.FAIL, FailureType.config_error,
                    "Centra rejected the API token (it is wrong, expired or revoked). " + TOKEN_HELP),
    403: Resolution(Action.FAIL, FailureType.config_error,
                    "Centra refused access with this API token (HTTP 403). Check the token's permissions and "
                    "store restrictions under System → API tokens."),
    404: Resolution(Action.FAIL, FailureType.config_error,
                    "No Centra Integration API at this endpoint URL (HTTP 404). Copy the Endpoint URL shown at "
                    "the top of System → API tokens, e.g. https://your-shop.centra.com/graphql."),
    429: Resolution(Action.WAIT, FailureType.transient_error, "Centra's API rate limit is exhausted (HTTP 429)."),
    500: Resolution(Action.RETRY, FailureType.transient_error, "Centra answered with a server error (HTTP 500)."),
    502: Resolution(Action.RETRY, FailureType.transient_error, "Centra's gateway answered with an error (HTTP 502)."),
    503: Resolution(Action.RETRY, FailureType.transient_error, "Centra is temporarily unavailable (HTTP 503)."),
    504: Resolution(Action.RETRY, FailureType.transient_error, "Centra's gateway timed out (HTTP 504)."),
}

# GraphQL errors[].extensions.category → resolution (HTTP 200 responses).
GRAPHQL_ERRORS: dict[str, Resolution] = {
    "authorization": Resolution(Action.FAIL, FailureType.config_error, "The API token lacks a permission."),
    "authentication": HTTP_ERRORS[401],
    "internal": Resolution(Action.RETRY, FailureType.transient_error, "Centra reported an internal error."),
    "rate_limit": HTTP_ERRORS[429],
    "graphql": Resolution(Action.FAIL, FailureType.system_error,
                          "Centra did not accept the connector's query; this Centra version may lack a field the "
                          "connector needs. Run the connection test to see which."),
}

_PERMISSION = re.compile(r"You need (?P<permission>[\w.]+:\w+) permission to access (?P<field>\w+)")


def http_resolution(status: int) -> Resolution:
    if status in HTTP_ERRORS:
        return HTTP_ERRORS[status]
    if status >= 500:
        return Resolution(Action.RETRY, FailureType.transient_error, f"Centra answered with a server error (HTTP {status}).")
    return Resolution(Action.FAIL, FailureType.system_error, f"Centra answered with an unexpected HTTP {status}.")


def missing_permissions(errors: list[dict]) -> list[str]:
    """Permission names from Centra's 'You need X permission to access Y.' errors, in order, unique."""
    found: list[str] = []
    for error in errors:
        match = _PERMISSION.search(str(error.get("message", "")))
        if match and match["permission"] not in found:
            found.append(match["permission"])
    return found


def authorization_denial(error: dict) -> tuple[str, str] | None:
    """(permission, field) of one 'You need X permission to access Y.' error; None for any other error.

    The field is the schema field's name (not its alias) as Centra words it; the error's ``path``
    ends with the same name unless the field is aliased.
    """
    match = _PERMISSION.search(str(error.get("message", "")))
    if match is None:
        return None
    return match["permission"], match["field"]


def classify_graphql_errors(errors: list[dict]) -> Resolution:
    """The most severe resolution among a response's errors: FAIL beats WAIT beats RETRY."""
    permissions = missing_permissions(errors)
    if permissions:
        names = ", ".join(permission_label(p) for p in permissions)
        return Resolution(Action.FAIL, FailureType.config_error,
                          f"The Centra API token lacks the read permission {names}. Edit the token under "
                          f"System → API tokens in the Centra admin and tick it, then run the sync again.")
    resolutions = []
    for error in errors:
        category = str((error.get("extensions") or {}).get("category", "")).lower()
        resolutions.append(GRAPHQL_ERRORS.get(category) or _uncategorised(error))
    order = {Action.FAIL: 0, Action.WAIT: 1, Action.RETRY: 2}
    chosen = min(resolutions, key=lambda r: order[r.action])
    details = "; ".join(str(e.get("message", ""))[:300] for e in errors[:3])
    return Resolution(chosen.action, chosen.failure_type, f"{chosen.message} Centra said: {details}")


def _uncategorised(error: dict) -> Resolution:
    message = str(error.get("message", "")).lower()
    if "internal" in message or "timeout" in message or "try again" in message:
        return GRAPHQL_ERRORS["internal"]
    if "cannot query field" in message or "unknown argument" in message or "unknown type" in message:
        return GRAPHQL_ERRORS["graphql"]
    return Resolution(Action.FAIL, FailureType.system_error, "Centra answered the query with an error.")


class CentraError(AirbyteTracedException):
    """A failure with a message in a Centra admin's words; never carries the token."""

    def __init__(self, message: str, failure_type: FailureType = FailureType.system_error, internal_message: str | None = None):
        super().__init__(message=message, internal_message=internal_message or message, failure_type=failure_type)
        self.failure_type = failure_type

    def as_airbyte_message(self, stream_descriptor=None):
        """Config errors: the message says what to fix, so no Python stack trace. System and transient
        errors keep the CDK's stack trace (with the chained cause) and internal message for debugging;
        the CDK sends both through its secret filter (as_sanitized_airbyte_message)."""
        message = super().as_airbyte_message(stream_descriptor=stream_descriptor)
        if self.failure_type == FailureType.config_error:
            message.trace.error.stack_trace = None
        return message


class ConfigError(CentraError):
    def __init__(self, message: str, internal_message: str | None = None):
        super().__init__(message, FailureType.config_error, internal_message)


class TransientError(CentraError):
    def __init__(self, message: str, internal_message: str | None = None):
        super().__init__(message, FailureType.transient_error, internal_message)


def raise_for(resolution: Resolution, extra: str = "") -> None:
    message = f"{resolution.message} {extra}".strip()
    if resolution.failure_type == FailureType.config_error:
        raise ConfigError(message)
    if resolution.failure_type == FailureType.transient_error:
        raise TransientError(message)
    raise CentraError(message)
