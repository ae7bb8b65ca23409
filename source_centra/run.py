import sys

from airbyte_cdk.entrypoint import launch

from source_centra.source import SourceCentra


def run() -> None:
    launch(SourceCentra(), sys.argv[1:])


if __name__ == "__main__":
    run()
