"""SourceCentra: spec from spec.yaml; check → checks.run_checks; streams from the STREAMS table (no I/O)."""
from __future__ import annotations

import logging
from typing import Any, Iterator, List, Mapping, MutableMapping, Tuple

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStreamStatus,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
    TraceType,
    Type,
)
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message as stream_status_message
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream

from source_centra.checks import check_report, optional_stream_access
from source_centra.client import CHECK_TIMEOUT, CentraClient
from source_centra.config import Config
from source_centra.context import SyncContext
from source_centra import inputs
from source_centra.errors import ConfigError
from source_centra.complexity import complexity
from source_centra.lanes import Lane, Lanes
from source_centra.pacing import DEFAULT_POINTS_PER_REQUEST
from source_centra.shared import SharedPass, groups
from source_centra.stream import CentraStream
from source_centra.streams import STREAMS


class SourceCentra(AbstractSource):
    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """SUCCEEDED when a sync would work; what the instance lacks that only leaves fields null is
        listed as warnings in the message (and logged). Every problem fails it, all in one message."""
        report = check_report(config)
        for warning in report.warnings:
            logger.warning(warning)
        if report.problems:
            # raised (not returned) so the message reaches the user verbatim, not repr()-quoted
            raise ConfigError(" | ".join(report.problems + [f"Warning: {w}" for w in report.warnings]))
        if report.warnings:
            return AirbyteConnectionStatus(status=Status.SUCCEEDED, message=(
                "Connected. The sync will work; what this instance or token lacks (optional streams left out or "
                "adapted, optional fields null): "
                + " | ".join(report.warnings)))
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        """Every stream this instance and token can read: an optional stream is left out when the
        token lacks its permission or the instance's API lacks an element it needs (one log line each,
        naming it), and offered adapted where its records stay exact (offer.py)."""
        parsed = Config.from_mapping(config)
        context = SyncContext(parsed, CentraClient(parsed, max_retries=2, backoff_base=0.5,
                                                    request_timeout=min(CHECK_TIMEOUT, parsed.request_timeout_seconds)))
        streams, notes = offered_streams(context)
        for note in notes:
            logger.info(note)
        return AirbyteCatalog(streams=[stream.as_airbyte_stream() for stream in streams])

    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> Tuple[bool, Any]:
        problems = check_report(config).problems
        if problems:
            raise ConfigError(" | ".join(problems))
        return True, None

    @staticmethod
    def read_config(config_path: str) -> dict:
        """The config file, with an error in words when it is missing, not JSON or not an object."""
        return inputs.read_config(config_path)

    @classmethod
    def read_catalog(cls, catalog_path: str) -> ConfiguredAirbyteCatalog:
        """The configured catalog, checked first (unknown streams, sync modes a stream does not support)."""
        for warning in inputs.check_catalog(inputs.read_json(catalog_path, "catalog"), catalog_path):
            logging.getLogger("airbyte").warning(warning)
        try:
            return super().read_catalog(catalog_path)
        except Exception as error:  # the CDK's parser: shapes the checks above do not cover
            raise ConfigError(f"The catalog file '{catalog_path}' is not a valid Airbyte configured catalog "
                              f"({type(error).__name__}: {str(error)[:200]}). Pass the catalog Airbyte writes, or one "
                              "built from this connector's discover output.") from None

    @classmethod
    def read_state(cls, state_path: str):
        """Airbyte's state file, with a clear error instead of a traceback when it is not valid."""
        if state_path:
            inputs.check_state_messages(inputs.read_json(state_path, "state"))
        try:
            return super().read_state(state_path)
        except Exception as error:  # JSON errors, wrong shapes, ValueError from the CDK's parser
            raise ConfigError(
                f"The state file given to this sync is not valid Airbyte state ({type(error).__name__}: "
                f"{str(error)[:200]}). Reset (clear) the connection's state in Airbyte so the next sync starts "
                "from the start date, or pass the state messages the connector last emitted.") from None

    @property
    def stop_sync_on_stream_failure(self) -> bool:
        """A failure that is the sync's, not the stream's (Centra unreachable, the rate-limit wait budget spent,
        a configured store the token cannot see) ends the sync at once, with one message, instead of every
        stream failing the same way in turn."""
        context = getattr(self, "_context", None)
        return context is not None and context.sync_failure is not None

    def streams(self, config: Mapping[str, Any]) -> List[Stream]:
        context = SyncContext(Config.from_mapping(config))
        self._context = context
        return [CentraStream(spec, context) for spec in STREAMS]

    def read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
             state: Any = None) -> Iterator[AirbyteMessage]:
        self._context = None
        self._catalog = catalog
        self._passes: dict[str, SharedPass] | None = None  # stream name → its shared pass (shared.py)
        self._lanes: Lanes | None = None  # every stream's pipeline, LANES at a time (lanes.py)
        self._statuses_sent: set = set()  # (stream, status) already sent (by the lanes or a shared pass)
        stream_failures: set = set()
        try:
            for message in super().read(logger, config, catalog, state):
                if self._status_repeated(message):
                    continue
                if message.type == Type.TRACE and message.trace.error is not None:
                    stream_failures.add(message.trace.error.failure_type)
                yield message
        except AirbyteTracedException as error:
            # The CDK closes a failed sync with a config_error whatever the streams failed with; when
            # every stream failure was transient (rate limit exhausted, Centra down), say so.
            if stream_failures == {FailureType.transient_error} and error.failure_type == FailureType.config_error:
                raise AirbyteTracedException(message=error.message, internal_message=error.internal_message,
                                             failure_type=FailureType.transient_error) from None
            raise
        finally:
            for shared in {id(p): p for p in (self._passes or {}).values()}.values():
                logger.info(f"Shared pass {', '.join(m.name for m in shared.members)}: {shared.requests} pages fetched "
                            "once for several streams.")
            context = getattr(self, "_context", None)
            if context is not None:
                stats = context.client.stats
                for item in sorted(stats.deprecations):
                    logger.warning(f"Centra reports a deprecated field or permission used by this connector: {item}. "
                                   "Upgrade the connector before the removal date.")
                logger.info(f"Centra API usage this sync: {stats.requests} requests, {stats.complexity} complexity points, "
                            f"{stats.retries} retries, {stats.throttled} rate-limit waits "
                            f"({stats.rate_limit_wait_seconds:.1f}s), pacing waits {context.client.pacer.waited_seconds:.1f}s.")

    # ---------------------------------------------------------------- streams side by side (lanes.py), one pass per parent (shared.py)

    def _read_stream(self, logger: logging.Logger, stream_instance: Stream, configured_stream, state_manager,
                     internal_config) -> Iterator[AirbyteMessage]:
        """The CDK reads streams one after another; when it reaches the first, the lanes read every selected
        stream, LANES at a time (lanes.py); at each stream's own turn, its failure (if any) is raised."""
        if self._passes is None:
            self._passes = self._plan_shared_passes()
        if self._lanes is None:
            self._lanes = self._lanes_for(logger, state_manager, internal_config)
            yield from self._lanes.run()
        shared = self._passes.get(stream_instance.name)
        if shared is not None and stream_instance is not shared.leader:
            shared.finish(stream_instance)  # a follower's messages went out with its leader's pass
            return
        self._lanes.finish(stream_instance.name)

    def _lanes_for(self, logger: logging.Logger, state_manager, internal_config) -> Lanes:
        instances = getattr(self, "_stream_to_instance_map", {}) or {}
        turns = []
        for entry in self._catalog.streams:
            instance = instances.get(entry.stream.name)
            shared = self._passes.get(entry.stream.name)
            if instance is None or (shared is not None and instance is not shared.leader):
                continue  # unknown to the source (the CDK says so), or read in its leader's pass

            def pipeline(instance=instance, entry=entry) -> Iterator[AirbyteMessage]:
                return self._read_one(logger, instance, entry, state_manager, internal_config)

            turns.append(Lane(entry.stream.name, pipeline,
                              started=lambda s=entry.stream: stream_status_message(s, AirbyteStreamStatus.STARTED),
                              complete=lambda s=entry.stream: stream_status_message(s, AirbyteStreamStatus.COMPLETE),
                              incomplete=lambda s=entry.stream: stream_status_message(s, AirbyteStreamStatus.INCOMPLETE),
                              heavy=spends_points(instance)))
        context = getattr(self, "_context", None)
        return Lanes(turns, stop=lambda: context.sync_failure if context is not None else None)

    def _read_one(self, logger: logging.Logger, stream_instance: Stream, configured_stream, state_manager,
                  internal_config) -> Iterator[AirbyteMessage]:
        """One stream's CDK pipeline; streams that page the same parent are read in one shared pass, when the
        lanes reach the first of them, each through its own CDK pipeline."""
        shared = self._passes.get(stream_instance.name)
        if shared is None:
            yield from super()._read_stream(logger, stream_instance, configured_stream, state_manager, internal_config)
            return
        configured = {entry.stream.name: entry for entry in self._catalog.streams}

        def pipeline(member: CentraStream) -> Iterator[AirbyteMessage]:
            logger.info(f"Syncing stream {member.name} in a shared pass with "
                        f"{', '.join(m.name for m in shared.members if m is not member)}")
            return super(SourceCentra, self)._read_stream(logger, member, configured[member.name], state_manager,
                                                          internal_config)

        yield from shared.run(pipeline,
                              started=lambda m: stream_status_message(configured[m.name].stream, AirbyteStreamStatus.STARTED),
                              complete=lambda m: stream_status_message(configured[m.name].stream, AirbyteStreamStatus.COMPLETE))

    def _plan_shared_passes(self) -> dict[str, SharedPass]:
        instances = getattr(self, "_stream_to_instance_map", {}) or {}
        selected = [instances[entry.stream.name] for entry in self._catalog.streams if entry.stream.name in instances]
        passes: dict[str, SharedPass] = {}
        for members in groups([stream for stream in selected if isinstance(stream, CentraStream)]):
            shared = SharedPass(members)
            passes.update({member.name: shared for member in members})
        return passes

    def _status_repeated(self, message: AirbyteMessage) -> bool:
        """A stream's STARTED, COMPLETE or INCOMPLETE status after the lanes or its shared pass sent it: the
        CDK's own, sent at the stream's later turn in its loop."""
        if message.type != Type.TRACE or message.trace.type != TraceType.STREAM_STATUS:
            return False
        status = message.trace.stream_status
        if status.status not in (AirbyteStreamStatus.STARTED, AirbyteStreamStatus.COMPLETE, AirbyteStreamStatus.INCOMPLETE):
            return False
        key = (status.stream_descriptor.name, status.status)
        if key in self._statuses_sent:
            return True
        self._statuses_sent.add(key)
        return False


def spends_points(stream: Stream) -> bool:
    """Whether a page of ``stream`` costs more complexity than the quotas trade for one request (lanes.py):
    its planned document at its page size, by Centra's rule (complexity.py), against the live quotas'
    points per request. True when that cannot be told (the stream's own read will say why)."""
    if not isinstance(stream, CentraStream):
        return True
    try:
        context, spec = stream.context, stream.read_spec()
        context.pace()  # the quotas (rateLimits), read once before the first page anyway
        made = context.plan(spec.query, **context.plan_args(spec))
        if made.empty:
            return True
        size = stream.page_size
        cost = complexity(made.document, context.live_schema(), {"first": size, "limit": size, "page": 1})
        return cost >= (context.client.pacer.points_per_request() or DEFAULT_POINTS_PER_REQUEST)
    except Exception:  # noqa: BLE001 - a hint for the lanes only
        return True


def offered_streams(context: SyncContext) -> tuple[List[CentraStream], List[str]]:
    """The streams ``discover`` offers, as this instance lets them be read, and one line per stream
    left out, in an admin's words (an adapted stream's warning comes from ``SyncContext.offer``)."""
    schema = context.live_schema()
    offers = {spec.name: context.offer(spec) for spec in STREAMS}
    access = optional_stream_access(context.client, schema, offers)
    streams, notes = [], []
    for spec in STREAMS:
        made = offers[spec.name]
        if made.left_out:
            notes.append(f"Stream {spec.name} is left out: this Centra instance's API lacks {made.describe_missing()}. "
                         "Ask Centra support whether your instance runs an older Integration API version to sync it.")
            continue
        missing = access.get(spec.name) if spec.optional else None
        if missing:
            notes.append(f"Stream {spec.name} is left out: the API token lacks {missing}. Tick it for the token under "
                         "System → API tokens in the Centra admin, then refresh the source schema.")
            continue
        streams.append(CentraStream(made.effective, context))
    return streams, notes
