"""JSON schemas of the nine streams, one file each."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def _read(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")


def load_schema(name: str) -> dict:
    return json.loads(_read(name))
