import sys
from typing import Any, Mapping

from airbyte_cdk.entrypoint import PRINT_BUFFER, AirbyteEntrypoint
from airbyte_cdk.models import AirbyteMessageSerializer, ConnectorSpecification
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
import orjson

from source_centra.config import Config
from source_centra.source import SourceCentra


class CentraEntrypoint(AirbyteEntrypoint):
    """Airbyte's entrypoint, with our own config validation first: its messages name the field and
    the fix in a Centra admin's words, instead of the generic "'x' does not match '^...'"."""

    @staticmethod
    def validate_connection(source_spec: ConnectorSpecification, config: Mapping[str, Any]) -> None:
        Config.from_mapping(config)
        AirbyteEntrypoint.validate_connection(source_spec, config)


def run() -> None:
    entrypoint = CentraEntrypoint(SourceCentra())
    parsed = entrypoint.parse_args(sys.argv[1:])
    try:
        with PRINT_BUFFER:
            for message in entrypoint.run(parsed):
                print(f"{message}\n", end="")
    except AirbyteTracedException as error:
        # The failure is reported as an Airbyte TRACE message in the user's words; no Python traceback.
        message = error.as_sanitized_airbyte_message()
        message.trace.error.stack_trace = None
        print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    run()
