"""The fake's data and answers are pinned: a refactoring of fake_centra must serve exactly what it
served before (the connector's integration tests compare its records with the fake's truth).

If you change what the fake serves on purpose, run ``python -m fake_centra.digest`` (and with
``--orders 200 --bundle-lines --unknown-enum``), check that the change is the one you meant, and
update the digests below in the same commit, saying why."""

from __future__ import annotations

import pytest

from fake_centra.digest import digest

pytestmark = pytest.mark.slow

PINNED = {
    "seed 7, 500 orders": (dict(orders=500, seed=7), {
        "views": "4442ea651beb9acb110e5754a85f9225a123820b3b40fe2d16fe3e00726f1238",
        "api": "61430b872312267b10fab3ef259458f509544853e1393e9f5c597c78c4cf0df1",
        "writes": "9a6931ae2850a02a0f526d80493f055475c1cfaafff73441dd989d51ec52413c",
    }),
    "bundle lines and unknown enums": (dict(orders=200, seed=7, bundle_lines=True, unknown_enum=True), {
        "views": "fe9efc1990e7291ce01093cbf740fc8ff414f7c8fd6283880f330382a4712486",
        "api": "be541a915cbf261758b95e08590f686fa67b746633a609207c2b00b65fe17f0e",
        "writes": "7c4768782c472a60082a9fc5eda71c6e8835785c957eea001c800e97f505ff51",
    }),
}


@pytest.mark.parametrize("case", sorted(PINNED))
def test_the_fake_serves_what_it_served_when_pinned(case):
    options, expected = PINNED[case]
    assert digest(**options) == expected
