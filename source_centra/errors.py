"""The error table: every way a Centra request can fail, mapped to what the connector does.

Each entry says whether to retry and with which Airbyte failure type, and carries the message a
Centra admin reads, with the fix. Messages never contain the API token (the client never passes
it here; Airbyte's secret filter masks it as a second line of defence).
See ../shared/centra-api.md §2.3 (authorization errors), §3 (envelope), §4.2 (429).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

TOKEN_HELP = "Create a new token in the Centra admin under System → API tokens and paste it into the source settings."

from source_centra.permissions import PERMISSION_LABELS, permission_label  # noqa: E402,F401  (re-exported)


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
    "authorization": Resolution(Action.FAIL, FailureType.config_error,
                                "The Centra API token lacks a read permission this query needs; edit the token under "
                                "System → API tokens in the Centra admin and tick it."),
    "authentication": HTTP_ERRORS[401],
    "internal": Resolution(Action.RETRY, FailureType.transient_error, "Centra reported an internal error."),
    "rate_limit": HTTP_ERRORS[429],
    "graphql": Resolution(Action.FAIL, FailureType.system_error,
                          "Centra did not accept the connector's query; this Centra version may lack a field the "
                          "connector needs. Run the connection test to see which."),
}

def http_resolution(status: int) -> Resolution:
    if status in HTTP_ERRORS:
        return HTTP_ERRORS[status]
    if status >= 500:
        return Resolution(Action.RETRY, FailureType.transient_error, f"Centra answered with a server error (HTTP {status}).")
    return Resolution(Action.FAIL, FailureType.system_error, f"Centra answered with an unexpected HTTP {status}.")


def category(error: dict) -> str:
    """A GraphQL error's ``extensions.category`` (``authorization``, ``internal``, …), lower case."""
    return str((error.get("extensions") or {}).get("category", "")).lower()


def classify_graphql_errors(errors: list[dict], denied: str | None = None) -> Resolution:
    """The most severe resolution among a response's errors: FAIL beats WAIT beats RETRY.

    Classified by ``extensions.category`` only (the error table); the text of Centra's messages is
    quoted for the user, never parsed. ``denied`` names what an authorization error refused, in an
    admin's words, when the caller could resolve the errors' paths (plan.py + permissions.py).
    """
    resolutions = [GRAPHQL_ERRORS.get(category(error)) or UNCATEGORISED for error in errors]
    order = {Action.FAIL: 0, Action.WAIT: 1, Action.RETRY: 2}
    chosen = min(resolutions, key=lambda r: order[r.action])
    if chosen is GRAPHQL_ERRORS["authorization"] and denied:
        return Resolution(Action.FAIL, FailureType.config_error,
                          f"The Centra API token may not read {denied}. Edit the token under System → API tokens in "
                          "the Centra admin and tick it, then run the sync again.")
    details = "; ".join(str(e.get("message", ""))[:300] for e in errors[:3])
    return Resolution(chosen.action, chosen.failure_type, f"{chosen.message} Centra said: {details}")


UNCATEGORISED = Resolution(Action.FAIL, FailureType.system_error, "Centra answered the query with an error.")


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


def invisible_stores_message(unknown: list[int], visible: dict[int, dict]) -> str:
    """Configured store ids the token cannot see (check and read say the same)."""
    seen = ", ".join(f"{i} ({visible[i].get('name')})" for i in sorted(visible)) or "none"
    ids = ", ".join(str(i) for i in unknown)
    return (f"Store ID{'s' if len(unknown) > 1 else ''} {ids} {'are' if len(unknown) > 1 else 'is'} not visible to this API "
            f"token. Stores it can see: {seen}. Fix the Store IDs setting, or add the store to the token's store "
            "restrictions under System → API tokens.")


def raise_for(resolution: Resolution, extra: str = "") -> None:
    message = f"{resolution.message} {extra}".strip()
    if resolution.failure_type == FailureType.config_error:
        raise ConfigError(message)
    if resolution.failure_type == FailureType.transient_error:
        raise TransientError(message)
    raise CentraError(message)
