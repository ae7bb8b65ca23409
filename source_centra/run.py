import logging
import sys
from typing import Any, Mapping

from airbyte_cdk.entrypoint import PRINT_BUFFER, AirbyteEntrypoint
from airbyte_cdk.models import AirbyteMessageSerializer, ConnectorSpecification, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
import orjson

from source_centra import masking
from source_centra.config import Config
from source_centra.errors import CentraError
from source_centra.source import SourceCentra


class CentraEntrypoint(AirbyteEntrypoint):
    """Airbyte's entrypoint, with our own config validation first: its messages name the field and
    the fix in a Centra admin's words, instead of the generic "'x' does not match '^...'"."""

    @staticmethod
    def validate_connection(source_spec: ConnectorSpecification, config: Mapping[str, Any]) -> None:
        parsed = Config.from_mapping(config)
        # the spec's JSON schema sees the values as the connector uses them (URL and token trimmed, numbers
        # parsed), so a pasted trailing space is not reported as a regex mismatch
        AirbyteEntrypoint.validate_connection(source_spec, parsed.as_spec_values(config))

    @staticmethod
    def set_up_secret_filter(config: Mapping[str, Any], connection_specification: Mapping[str, Any]) -> None:
        """Airbyte masks the configured secret values; add every form the connector sends (masking.py)."""
        AirbyteEntrypoint.set_up_secret_filter(config, connection_specification)
        masking.register(config)


class _KnownFailureFilter(logging.Filter):
    """Our classified failures (CentraError) carry their full explanation in the TRACE message; the
    CDK's `logger.exception` on a failed stream would add a Python traceback to the logs. Drop it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], CentraError):
            record.exc_info, record.exc_text = None, None
        return True


def run() -> None:
    entrypoint = CentraEntrypoint(SourceCentra())
    known = _KnownFailureFilter()
    for logger in (logging.getLogger(), logging.getLogger("airbyte")):
        for handler in logger.handlers:
            handler.addFilter(known)
    parsed = entrypoint.parse_args(sys.argv[1:])
    try:
        with PRINT_BUFFER:
            for message in entrypoint.run(parsed):
                print(f"{message}\n", end="")
    except AirbyteTracedException as error:
        # The failure is reported as an Airbyte TRACE message in the user's words (secrets masked);
        # only system and transient errors carry a stack trace, for whoever debugs the connector.
        message = error.as_sanitized_airbyte_message()
        if error.failure_type == FailureType.config_error:
            message.trace.error.stack_trace = None
        print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    run()
