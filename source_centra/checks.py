"""`check`: every problem that would stop a sync, found in as few requests as possible and
reported together in one message in a Centra admin's words, each with its fix.

Steps: config (URL, dates, bounds) → reach the host and validate the token (`rateLimits`, needs no
permission) → plan every stream's query against the instance's schema (one introspection; plan.py,
offer.py): an element one of Supermetrics' nine streams cannot do without is a problem naming the
coordinate, the streams and the record fields it feeds; an optional stream lacking one is adapted
or left out (a warning naming it and the element); a missing optional element is a warning → every
read permission (one probe touching all of them; a denial's ``path`` says which) → configured store
ids are visible to the token.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from source_centra.client import CHECK_TIMEOUT, CentraClient
from source_centra.config import Config
from source_centra.context import RATE_LIMITS_MISSING, load_probe, read_live_schema
from source_centra.documents import response_path
from source_centra.errors import CentraError, category, classify_graphql_errors, invisible_stores_message, raise_for
from source_centra.offer import Offer, offer
from source_centra.permissions import permission_for, permission_label
from source_centra.plan import Plan, plan
from source_centra.streams import STREAMS


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)  # any of these: check FAILED
    warnings: list[str] = field(default_factory=list)  # what an instance lacks that only leaves fields null


def run_checks(raw_config, client: CentraClient | None = None) -> list[str]:
    return check_report(raw_config, client).problems


def check_report(raw_config, client: CentraClient | None = None) -> Report:
    report = Report()
    try:
        config = Config.from_mapping(raw_config)
    except CentraError as error:
        report.problems.append(error.message)
        return report
    client = client or CentraClient(config, max_retries=1, backoff_base=0.5,
                                    request_timeout=min(CHECK_TIMEOUT, config.request_timeout_seconds))
    try:
        reached = client.execute(load_probe("rate_limits"), raise_errors=False)
        if reached.errors and not all(category(error) == "graphql" for error in reached.errors):
            raise_for(classify_graphql_errors(reached.errors))
        # (only query errors: Centra answered and accepted the token; an instance that cannot report its
        # rate limits is named by the schema step and paced by default budgets)
    except CentraError as error:
        report.problems.append(_unreachable(error.message, config))
        return report
    try:
        schema = read_live_schema(client)
    except CentraError as error:
        report.problems.append(f"Could not read the Centra API schema (introspection): {error.message}")
        return report
    offers = {spec.name: offer(spec, schema) for spec in STREAMS}
    _schema_report(offers, report)
    limits = plan("rate limits", load_probe("rate_limits"), schema)
    if limits.empty or limits.missing_required:
        report.warnings.append(f"This Centra instance cannot report its rate limits ({RATE_LIMITS_MISSING}): the "
                               "connector paces itself by Centra's default quotas instead of the live ones.")
    for stream, missing in optional_stream_access(client, schema, offers).items():
        if missing:
            report.warnings.append(f"Stream {stream} is left out: the token lacks {missing}. Tick it for the token under "
                                   "System → API tokens in the Centra admin to sync it (optional).")
    stores, permission_problems = _permission_problems(client, schema)
    report.problems += permission_problems
    if stores is not None:
        report.problems += _store_problems(config.store_ids, stores)
    return report


def _unreachable(message: str, config: Config) -> str:
    if "after 1 retries" in message:
        message = message.split(": ", 1)[1].split(" This is usually temporary")[0].rstrip(".")
        return (f"Could not reach Centra at {config.endpoint_url}: {message}. Check the Endpoint URL (shown at the top of "
                "System → API tokens in the Centra admin) and that this machine can reach it.")
    return message


def _schema_report(offers: dict[str, Offer], report: Report) -> None:
    """Plan every stream's query against the live schema: what is missing, grouped by coordinate,
    with the streams and record fields it feeds — a failure when one of the nine needs it, a stream
    left out or adapted when an optional stream does, else a warning."""
    grouped: dict[tuple[bool, str, str], dict[str, list[str]]] = {}
    details: dict[tuple[bool, str, str], str] = {}
    for spec in STREAMS:
        made_offer = offers[spec.name]
        if made_offer.left_out:
            report.warnings.append(
                f"Stream {spec.name} is left out: this Centra instance's API lacks {made_offer.describe_missing()}. "
                "Ask Centra support whether your instance runs an older Integration API version to sync it (optional).")
            continue
        if made_offer.adapted:
            lacks = "; ".join(item.describe(spec.name) for item in made_offer.missing)
            report.warnings.append(f"Stream {spec.name} is read {' and '.join(made_offer.adaptations)}: this Centra "
                                   f"instance's API lacks {lacks}.")
        made = made_offer.plan
        for item in made.dropped:
            key = (item.required, item.kind, item.coordinate)
            grouped.setdefault(key, {}).setdefault(spec.name, [])
            grouped[key][spec.name] += [f for f in item.fields if f != "*" and f not in grouped[key][spec.name]]
            details.setdefault(key, item.detail)
    for (required, kind, coordinate), streams in grouped.items():
        feeds = "; ".join(f"{stream} ({', '.join(fields)})" if fields else stream for stream, fields in streams.items())
        detail = f" ({details[(required, kind, coordinate)]})" if details[(required, kind, coordinate)] else ""
        if required:
            report.problems.append(
                f"This Centra instance's API lacks {kind} {coordinate}{detail}, which the connector cannot do without for "
                f"stream{'s' if len(streams) > 1 else ''} {feeds}. Ask Centra support whether your instance runs an older "
                "Integration API version; other streams still sync.")
        else:
            nulls = f"; null in {feeds}" if any(streams.values()) else f" (streams {', '.join(streams)})"
            report.warnings.append(f"Centra's API here lacks {kind} {coordinate}{detail}{nulls}.")


def optional_stream_access(client: CentraClient, schema, offers: dict[str, Offer] | None = None) -> dict[str, str | None]:
    """For each stream needing permissions beyond Supermetrics' (``optional`` rows): None when the
    token can read it, else the missing permission in an admin's words. One cheap request per such
    stream: its own planned query asking for one row; a denial's path says which permission."""
    access: dict[str, str | None] = {}
    for spec in STREAMS:
        if not spec.optional:
            continue
        made = (offers[spec.name] if offers else offer(spec, schema)).plan
        if made.missing_required or made.empty:
            continue  # left out for what the schema lacks (check and discover say so themselves)
        if made.paging == "connection":
            variables = {"where": {}, "first": 1, "after": None}
        else:
            variables = {"where": None, "limit": 1, "page": 1}
        result = client.execute(made.document, variables, raise_errors=False)
        denied = [error for error in result.errors if category(error) == "authorization"]
        required = [error for error in denied if (made.selection_at(response_path(error.get("path"))) or ("", "", True))[2]]
        access[spec.name] = ", ".join(sorted({permission_label(_denied_permission(made, schema, e)) for e in required})) or None
    return access


def _permission_problems(client: CentraClient, schema) -> tuple[list[dict] | None, list[str]]:
    probe = plan("check", load_probe("permissions"), schema)
    if probe.empty:  # none of the probed roots exists here: the schema report names them per stream
        return None, []
    try:
        result = client.execute(probe.document, raise_errors=False)
    except CentraError as error:
        return None, [error.message]
    missing: list[str] = []
    other = []
    for error in result.errors:
        if category(error) != "authorization":
            other.append(error)
            continue
        permission = _denied_permission(probe, schema, error)
        if permission not in missing:
            missing.append(permission)
    problems = []
    if missing:
        readable = ", ".join(permission_label(p) for p in missing)
        affected = sorted({spec.name for spec in STREAMS if set(spec.permissions) & set(missing)})
        needed = f", needed by the stream{'s' if len(affected) > 1 else ''} {', '.join(affected)}" if affected else ""
        problems.append(
            f"The API token lacks the read permission{'s' if len(missing) > 1 else ''} {readable}{needed}. In the Centra "
            f"admin open System → API tokens, edit the token (or create a new one) and tick "
            f"{'them' if len(missing) > 1 else 'it'}.")
    if other:
        problems.append("Centra answered the permission probe with an error: " + "; ".join(str(e.get("message"))[:200] for e in other[:3]))
    return result.data.get("stores"), problems


def _denied_permission(probe: Plan, schema, error: dict) -> str:
    """The permission an authorization error of the probe is about, from its path (not its text)."""
    selection = probe.selection_at(response_path(error.get("path")))
    if selection is not None:
        permission = permission_for(selection[1], schema)
        if permission:
            return permission
        return f"access to {selection[1]}"
    return f"a permission Centra names as: {str(error.get('message', ''))[:120]}"


def _store_problems(configured: Iterable[int], stores: list[dict]) -> list[str]:
    if any(s.get("id") is None for s in stores):
        return []  # this instance cannot name stores by id: the schema step says so (the stores stream needs it)
    visible = {int(s["id"]): s for s in stores}
    unknown = [i for i in configured if i not in visible]
    if not unknown:
        if not visible:
            return ["The API token cannot see any store. Edit the token under System → API tokens and select at least one store."]
        return []
    return [invisible_stores_message(unknown, visible)]
