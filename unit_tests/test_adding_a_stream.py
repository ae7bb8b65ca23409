"""docs/adding-a-stream.md is true: the files it lists exist for every row of ``STREAMS``, and no other
file of the connector or its tests restates the stream list (it would need an edit per new stream that
the page does not mention)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from source_centra.streams import STREAMS

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "adding-a-stream.md"
NAMES = [spec.name for spec in STREAMS]
# where a restated stream list would hide; the fake Centra (its entities and their tests) and the docs are
# listed on the page as a whole, the dbt package models only the streams it uses
SEARCHED = ("source_centra", "unit_tests", "integration_tests", "scripts", "examples", "bench", ".ci")
SUFFIXES = {".py", ".sh", ".json", ".yml", ".yaml", ".toml", ".graphql", ".md", ".txt", ""}


def section(title: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def listed_files() -> list[str]:
    """The hand-written files, column 2 of the page's table of the files of a stream."""
    rows = [line.split("|") for line in section("The files of a stream").splitlines() if re.match(r"\| \d+ \|", line)]
    return [re.search(r"`([^`]+)`", row[2]).group(1) for row in rows]


def generated_files() -> list[str]:
    paragraph = section("The files of a stream").split("Generated, by", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"`([\w/.]+\.json)`", paragraph)


def test_the_page_lists_the_files_of_a_stream() -> None:
    assert listed_files()[:5] == ["source_centra/streams.py", "source_centra/queries/<name>.graphql",
                                  "source_centra/schemas/<name>.json", "source_centra/records/<domain>.py",
                                  "unit_tests/fixtures/nodes/<name>.json"]
    assert generated_files(), "the page names the generated files"


@pytest.mark.parametrize("name", NAMES)
def test_given_stream_row_then_every_listed_file_exists_for_it(name: str) -> None:
    spec = next(spec for spec in STREAMS if spec.name == name)
    domain = spec.to_records.__module__.removeprefix("source_centra.records.")
    assert spec.to_records.__name__ == name, "the record function is named like the stream"
    for pattern in listed_files():
        path = ROOT / pattern.replace("<name>", name).replace("<domain>", domain)
        assert path.exists(), f"{path.relative_to(ROOT)} (docs/adding-a-stream.md) is missing for {name}"


def test_generated_files_are_what_regenerate_writes() -> None:
    script = (ROOT / "scripts" / "regenerate.sh").read_text(encoding="utf-8")
    assert [path for path in generated_files() if path not in script] == []
    assert all((ROOT / path).is_file() for path in generated_files())


def restates(path: Path) -> bool:
    """The file names at least half of the streams as quoted literals: a hand-kept stream list."""
    text = path.read_text(encoding="utf-8", errors="replace")
    named = {name for name in NAMES if re.search(rf"[\"'`]{name}[\"'`]", text)}
    return len(named) * 2 >= len(NAMES)


def test_no_file_beside_the_listed_ones_restates_the_stream_list() -> None:
    allowed = {pattern for pattern in listed_files() if "<" not in pattern} | set(generated_files()) | {
        "docs/adding-a-stream.md"}
    found = sorted(
        str(path.relative_to(ROOT)) for top in SEARCHED for path in (ROOT / top).rglob("*")
        if path.is_file() and path.suffix in SUFFIXES and ".venv" not in path.parts and "__pycache__" not in path.parts
        and restates(path))
    assert [path for path in found if path not in allowed] == [], (
        "these files name most streams by hand: derive the list from streams.STREAMS, or list the file in "
        "docs/adding-a-stream.md")
    assert "source_centra/streams.py" in found  # the search does find a stream list where there is one


@pytest.mark.parametrize("doc", ["README.md", "docs/integrations/sources/centra.md"])
def test_given_user_docs_then_every_stream_is_named(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert [name for name in NAMES if f"`{name}`" not in text] == []
