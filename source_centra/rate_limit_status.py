"""Tell the user when a stream waits on Centra's rate limit: Airbyte stream status messages.

The waits happen in the stream's worker threads (the pacer, or a 429 in the client), which record
them in `client.waits` (pacing.Waits). The stream's emitting thread, which is the only one that may
yield messages, asks `RateLimitStatus.messages()` between pages and about once a second while no page
arrives. One wait episode (waits of >= 5 s, merged across workers until data flows again) gives:

- a STREAM_STATUS trace, status RUNNING with reason RATE_LIMITED and `quota_reset` = when the wait
  ends (Unix ms), the protocol's way to say "rate limited" (airbyte_protocol
  AirbyteStreamStatusReasonType.RATE_LIMITED; the CDK's HttpClient sends the same on a 429);
- a log line naming the budget and the UTC time the stream resumes, if the wait is over 30 s;
- a plain RUNNING status once a page arrives after the wait.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStreamStatus,
    AirbyteStreamStatusReason,
    AirbyteStreamStatusReasonType,
    StreamDescriptor,
)
from airbyte_cdk.models.airbyte_protocol import AirbyteStreamStatusRateLimitedReason
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message

from source_centra.pacing import Waits, duration as _duration

LOGGER = logging.getLogger("airbyte")
LOG_FROM_SECONDS = 30.0


class RateLimitStatus:
    """One stream read's rate-limit status (or that of several streams read in one shared pass, each
    told the same); used from the emitting thread only."""

    def __init__(self, stream: str | list[str], waits: Waits):
        self._streams = [StreamDescriptor(name=name) for name in ([stream] if isinstance(stream, str) else stream)]
        self._waits = waits
        # Made as a read starts, when no worker waits: what is pending ended already (a wait in the
        # emitting thread itself, or another stream's) and is not this read's to report.
        waits.drain()
        self._until: float | None = None  # end of the current episode (Unix time); None: not limited
        self._logged = False

    def messages(self, page_arrived: bool = False) -> list[AirbyteMessage]:
        """Status messages due now; `page_arrived`: a page was just taken from the workers."""
        wait = self._waits.drain()
        now = self._waits.now()
        if wait is not None:
            out = []
            if self._until is None:
                reason = AirbyteStreamStatusReason(
                    type=AirbyteStreamStatusReasonType.RATE_LIMITED,
                    rate_limited=AirbyteStreamStatusRateLimitedReason(quota_reset=int(wait.until * 1000)))
                out += [as_airbyte_message(stream, AirbyteStreamStatus.RUNNING, [reason]) for stream in self._streams]
                self._until, self._logged = wait.until, False
            else:
                self._until = max(self._until, wait.until)
            if not self._logged and wait.seconds > LOG_FROM_SECONDS:
                resumes = datetime.fromtimestamp(wait.until, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
                names = ", ".join(stream.name for stream in self._streams)
                who = f"Stream {names} is" if len(self._streams) == 1 else f"Streams {names} are"
                LOGGER.info(f"{who} waiting {_duration(wait.seconds)} for {wait.reason}; "
                            f"{'it resumes' if len(self._streams) == 1 else 'they resume'} at {resumes} UTC.")
                self._logged = True
            return out
        if page_arrived and self._until is not None and now >= self._until:
            self._until = None
            return [as_airbyte_message(stream, AirbyteStreamStatus.RUNNING) for stream in self._streams]
        return []

