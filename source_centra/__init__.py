"""Airbyte source connector for Centra's GraphQL Integration API."""
__version__ = "0.3.6"

from source_centra.source import SourceCentra  # noqa: E402

__all__ = ["SourceCentra", "__version__"]
