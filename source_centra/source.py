"""SourceCentra: spec from spec.yaml; check → checks.run_checks; streams from the STREAMS table (no I/O)."""
from __future__ import annotations

import logging
from typing import Any, Iterator, List, Mapping, MutableMapping, Tuple

from airbyte_cdk.models import AirbyteCatalog, AirbyteConnectionStatus, AirbyteMessage, ConfiguredAirbyteCatalog, FailureType, Status, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream

from source_centra.checks import check_report, optional_stream_access
from source_centra.client import CentraClient
from source_centra.config import Config
from source_centra.context import SyncContext
from source_centra.errors import ConfigError
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
        context = SyncContext(parsed, CentraClient(parsed, max_retries=2, backoff_base=0.5))
        streams, notes = offered_streams(context)
        for note in notes:
            logger.info(note)
        return AirbyteCatalog(streams=[stream.as_airbyte_stream() for stream in streams])

    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> Tuple[bool, Any]:
        problems = check_report(config).problems
        if problems:
            raise ConfigError(" | ".join(problems))
        return True, None

    @classmethod
    def read_state(cls, state_path: str):
        """Airbyte's state file, with a clear error instead of a traceback when it is not valid."""
        try:
            return super().read_state(state_path)
        except Exception as error:  # JSON errors, wrong shapes, ValueError from the CDK's parser
            raise ConfigError(
                f"The state file given to this sync is not valid Airbyte state ({type(error).__name__}: "
                f"{str(error)[:200]}). Reset (clear) the connection's state in Airbyte so the next sync starts "
                "from the start date, or pass the state messages the connector last emitted.") from None

    def streams(self, config: Mapping[str, Any]) -> List[Stream]:
        context = SyncContext(Config.from_mapping(config))
        self._context = context
        return [CentraStream(spec, context) for spec in STREAMS]

    def read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
             state: Any = None) -> Iterator[AirbyteMessage]:
        self._context = None
        stream_failures: set = set()
        try:
            for message in super().read(logger, config, catalog, state):
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
            context = getattr(self, "_context", None)
            if context is not None:
                stats = context.client.stats
                for item in sorted(stats.deprecations):
                    logger.warning(f"Centra reports a deprecated field or permission used by this connector: {item}. "
                                   "Upgrade the connector before the removal date.")
                logger.info(f"Centra API usage this sync: {stats.requests} requests, {stats.complexity} complexity points, "
                            f"{stats.retries} retries, {stats.throttled} rate-limit waits "
                            f"({stats.rate_limit_wait_seconds:.1f}s), pacing waits {context.client.pacer.waited_seconds:.1f}s.")


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
