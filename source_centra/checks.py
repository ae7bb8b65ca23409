"""`check`: every problem that would stop a sync, found in as few requests as possible and
reported together in one message in a Centra admin's words, each with its fix.

Steps: config (URL, dates, bounds) → reach the host and validate the token (`rateLimits`, needs no
permission) → the instance's schema has everything our documents use (introspection, then each
document validated against it) → every read permission (one probe touching all of them) →
configured store ids are visible to the token.
"""
from __future__ import annotations

from typing import Iterable

from graphql import build_client_schema, get_introspection_query, parse, validate

from source_centra.client import CentraClient
from source_centra.config import Config
from source_centra.context import load_probe
from source_centra.errors import CentraError, missing_permissions, permission_label
from source_centra.queries import load, names
from source_centra.streams import STREAMS


def run_checks(raw_config, client: CentraClient | None = None) -> list[str]:
    try:
        config = Config.from_mapping(raw_config)
    except CentraError as error:
        return [error.message]
    client = client or CentraClient(config, max_retries=1, backoff_base=0.5)
    problems: list[str] = []
    try:
        client.execute(load_probe("rate_limits"))
    except CentraError as error:
        return [_unreachable(error.message, config)]
    problems += _schema_problems(client)
    stores, permission_problems = _permission_problems(client)
    problems += permission_problems
    if stores is not None:
        problems += _store_problems(config.store_ids, stores)
    return problems


def _unreachable(message: str, config: Config) -> str:
    if "after 1 retries" in message:
        message = message.split(": ", 1)[1].split(" This is usually temporary")[0]
        return (f"Could not reach Centra at {config.endpoint_url}: {message}. Check the Endpoint URL (shown at the top of "
                "System → API tokens in the Centra admin) and that this machine can reach it.")
    return message


def _schema_problems(client: CentraClient) -> list[str]:
    try:
        result = client.execute(get_introspection_query(descriptions=False))
        schema = build_client_schema(result.data)
    except CentraError as error:
        return [f"Could not read the Centra API schema (introspection): {error.message}"]
    except (TypeError, KeyError, ValueError) as error:
        return [f"Centra's schema (introspection) could not be read: {error}."]
    missing: list[str] = []
    for name in names():
        for error in validate(schema, parse(load(name))):
            text = error.message
            if text not in missing:
                missing.append(text)
    if not missing:
        return []
    return ["This Centra instance's API lacks features the connector relies on: " + " ".join(missing)
            + " Ask Centra support whether your instance runs an older Integration API version."]


def _permission_problems(client: CentraClient) -> tuple[list[dict] | None, list[str]]:
    try:
        result = client.execute(load_probe("permissions"), raise_errors=False)
    except CentraError as error:
        return None, [error.message]
    missing = missing_permissions(result.errors)
    problems = []
    if missing:
        readable = ", ".join(permission_label(p) for p in missing)
        affected = sorted({spec.name for spec in STREAMS if set(spec.permissions) & set(missing)})
        problems.append(
            f"The API token lacks the read permission{'s' if len(missing) > 1 else ''} {readable}, needed by the "
            f"stream{'s' if len(affected) > 1 else ''} {', '.join(affected)}. In the Centra admin open System → API tokens, "
            f"edit the token (or create a new one) and tick {'them' if len(missing) > 1 else 'it'}.")
    other = [e for e in result.errors if not missing_permissions([e])]
    if other:
        problems.append("Centra answered the permission probe with an error: " + "; ".join(str(e.get("message"))[:200] for e in other[:3]))
    return result.data.get("stores"), problems


def _store_problems(configured: Iterable[int], stores: list[dict]) -> list[str]:
    visible = {int(s["id"]): s for s in stores}
    unknown = [i for i in configured if i not in visible]
    if not unknown:
        if not visible:
            return ["The API token cannot see any store. Edit the token under System → API tokens and select at least one store."]
        return []
    seen = ", ".join(f"{i} ({visible[i].get('name')})" for i in sorted(visible)) or "none"
    ids = ", ".join(str(i) for i in unknown)
    return [f"Store ID{'s' if len(unknown) > 1 else ''} {ids} {'are' if len(unknown) > 1 else 'is'} not visible to this API token. "
            f"Stores it can see: {seen}. Fix the Store IDs setting, or add the store to the token's store restrictions under "
            "System → API tokens."]
