"""paging.py, list paging: a page whose nodes nest so many list items that the next page would pass the
memory budget is followed by its successor asked a row at a time (``{"page": p, "part": i}``). Whatever
the rows weigh, every row is read once and in order, the resume point the state keeps at any moment
loses nothing, and once the rows are heavy no answer holds more than one of them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from source_centra import paging
from source_centra.errors import CentraError

BUDGET = 5_000


class Server:
    """A list root answering ``limit``/``page`` over rows, each a node nesting ``weight`` lines."""

    def __init__(self, weights: list[int]):
        self.rows = [{"id": n + 1, "lines": [{}] * weight} for n, weight in enumerate(weights)]
        self.answers: list[list[int]] = []

    def answer(self, variables: dict) -> list[dict]:
        limit, page = variables["limit"], variables["page"]
        nodes = self.rows[(page - 1) * limit:page * limit]
        self.answers.append([node["id"] for node in nodes])
        return nodes


def read(server: Server, size: int, token=None, stop_after: int | None = None):
    """Read from ``token`` as stream.py does: (ids emitted, resume points after each answer)."""
    emitted, resumes = [], []
    while True:
        variables = paging.variables("list", where={}, token=token, size=size)
        nodes, next_token, _, _ = paging.unpack("list", server.answer(variables), token=token, window=None, size=size)
        next_token = paging.parted(next_token, nodes=len(nodes), items=sum(len(n["lines"]) for n in nodes),
                                   size=size, budget=BUDGET)
        emitted += [node["id"] for node in nodes]
        resumes.append((len(emitted), paging.resume_point(next_token)))
        if next_token is None or (stop_after is not None and len(resumes) == stop_after):
            return emitted, resumes, next_token
        token = next_token


@settings(max_examples=200, deadline=None)
@given(weights=st.lists(st.integers(0, 4_000), max_size=25), size=st.integers(1, 6), first_in_parts=st.booleans())
def test_given_rows_of_any_weight_then_each_is_read_once_in_order(weights: list[int], size: int,
                                                                  first_in_parts: bool) -> None:
    # first_in_parts: a stream whose rows grow with the shop asks its first page a row at a time (first_part)
    server = Server(weights)
    emitted, resumes, _ = read(server, size, token=paging.first_part(None) if first_in_parts else None)
    assert emitted == list(range(1, len(weights) + 1))
    for count, resume in resumes:  # the state's resume point is always a whole page
        assert resume is None or isinstance(resume, int)
    if first_in_parts:  # the first page's rows came one an answer
        assert all(len(answer) <= 1 for answer in server.answers[:size])


@settings(max_examples=200, deadline=None)
@given(token=st.one_of(st.none(), st.integers(1, 10**6), st.booleans(), st.text(max_size=5),
                       st.fixed_dictionaries({"page": st.integers(1, 50), "part": st.integers(1, 6)})))
def test_first_part_names_the_first_row_of_a_page_and_leaves_anything_else(token) -> None:
    part = paging.first_part(token)
    if token is None or (isinstance(token, int) and not isinstance(token, bool)):
        assert part == {"page": token or 1, "part": 1}
        assert paging.resume_point(part) == (token or 1)  # the state still keeps the page
    else:
        assert part == token


@settings(max_examples=200, deadline=None)
@given(weights=st.lists(st.integers(0, 4_000), min_size=1, max_size=25), size=st.integers(1, 6),
       data=st.data())
def test_given_a_crash_after_any_answer_then_resuming_from_the_state_loses_no_row(weights, size, data) -> None:
    """The state keeps ``resume_point`` of the last token: resuming there re-reads at most the rows of one
    page and skips none."""
    server = Server(weights)
    emitted, resumes, _ = read(server, size)
    crash = data.draw(st.integers(0, len(resumes) - 1))
    count, resume = resumes[crash]
    if resume is None:
        assert count == len(weights)
        return
    again, _, _ = read(Server(weights), size, token=resume)
    assert again == list(range((resume - 1) * size + 1, len(weights) + 1))
    assert (resume - 1) * size <= count  # nothing after the resume point was emitted and forgotten...
    assert count - (resume - 1) * size <= size  # ...and at most one page is read again


@pytest.mark.parametrize("size", [2, 3, 10])
def test_given_rows_over_the_budget_then_after_the_first_page_each_answer_holds_one_row(size: int) -> None:
    """3,069 lines a purchase order delivery at 1,000,000 orders: 3 a page held 9,207 lines an answer and
    the stream peaked at 140 MiB alone; a row at a time, 113 MiB (bench/README.md)."""
    server = Server([3_069] * 20)
    emitted, _, _ = read(server, size)
    assert emitted == list(range(1, 21))
    assert len(server.answers[0]) == size  # nothing is known before the first answer
    assert all(len(ids) <= 1 for ids in server.answers[1:]), server.answers


def test_given_light_rows_then_pages_are_asked_whole() -> None:
    server = Server([30] * 20)
    read(server, 3)
    assert [len(ids) for ids in server.answers] == [3, 3, 3, 3, 3, 3, 2]


def test_given_rows_that_turn_light_then_whole_pages_resume_at_the_next_page_boundary() -> None:
    server = Server([3_000] * 7 + [10] * 14)
    emitted, _, _ = read(server, 3)
    assert emitted == list(range(1, 22))
    assert [len(ids) for ids in server.answers] == [3, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 0]


def test_given_a_server_that_ignores_limit_one_then_a_clear_error() -> None:
    with pytest.raises(CentraError, match="one was asked for"):
        paging.unpack("list", [{"id": 1}, {"id": 2}], token={"page": 2, "part": 1}, window=None, size=3)
