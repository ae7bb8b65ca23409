"""Any Centra instance, never a crash: every schema element the connector touches, changed one at a
time (unit_tests/schema_mutations.py), run through check, discover and each stream's first page.

The default run takes a representative subset (the issue's cases, and a few per kind); the full set
is marked ``heavy`` (``scripts/test.sh --heavy``, run by ``.ci/run``) and prints the summary table.
``.venv/bin/python -m unit_tests.schema_mutations --all`` prints the same table."""
from __future__ import annotations

import json
import os
from collections import Counter

import pytest

from source_centra import documents, queries
from source_centra.streams import STREAMS, STREAMS_BY_NAME
from unit_tests import feeds_builder
from unit_tests import schema_mutations as sm
from unit_tests.test_feeds import CONTRACT, _suffix, needed

ALL = sm.mutations()
FAST = sm.representative(ALL)


def test_given_the_documents_then_every_kind_of_element_they_touch_is_enumerated() -> None:
    elements = {element.coordinate: element.kind for element in sm.touched().elements}
    assert elements["Query.customers"] == "root" and elements["Query.rateLimits"] == "root"
    assert elements["ProductOrderLine.productNumber"] == elements["OrderLine.quantity"] == "field"
    assert elements["ProductOrderLine.quantity"] == "field"  # an interface's field, on each implementation
    assert elements["OrderLine.lineValue(includingTax:)"] == "argument"
    assert elements["CategoryFilter.storeId"] == elements["DateRange.from"] == "input field"  # set at run time
    assert elements["CurrencyFilter.isBase"] == "input field"  # a literal
    assert elements["OrderSort.number_ASC"] == elements["CampaignSort.updatedAt_ASC"] == "enum value"
    assert elements["GiftCertificateOrderLine"] == elements["DirectToConsumerOrder"] == "type"
    assert ("GiftCertificateOrderLine", "productNumber") in sm.touched().shared
    kinds = Counter(mutation.kind for mutation in ALL)
    assert set(kinds) == set(sm.KINDS) and len(ALL) > 1000, kinds


def test_given_required_markers_then_the_elements_whose_loss_fails_check_feed_the_contract() -> None:
    """The check-failing set is generated from the markers; every element in it feeds a contract
    field, key or cursor of one of the nine (or is what paging, partitions and windows run on)."""
    if not CONTRACT.is_file():
        pytest.skip("../shared/connector-contract.md is not beside this checkout")
    table = json.loads(feeds_builder.FEEDS.read_text(encoding="utf-8"))
    structural = ("pageInfo", "edges", "node")
    unjustified = []
    for item in sm.required_elements():
        spec = STREAMS_BY_NAME[item.stream]
        prefix = documents.node_prefix(queries.load(spec.query))
        if item.kind != "field" or item.path.split(".")[-1] in structural or ".pageInfo" in item.path or item.path == prefix:
            continue
        key = documents.feeds_key(item.path, prefix)
        fields = set(table[item.stream].get(key, ()))
        # a selection in a shared fragment (OrderDimensions, LineProduct) may be needed by another stream
        if not any(set(fields_) & (needed(STREAMS_BY_NAME[other]) | {"*"}) for other in sm.NINE
                   for path, fields_ in table[other].items() if path == key or ("on:" in key and _suffix(path) == _suffix(key))):
            unjustified.append((item.stream, item.coordinate, item.path, sorted(fields)))
    assert not unjustified, unjustified
    # (and every contract field rests on a marked selection: unit_tests/test_feeds.py)
    failing = sm.expected_failures()
    assert {"ReturnLine.quantity", "ProductOrderLine.productNumber", "OrderFilter.storeId", "DateRange.to",
            "Query.returns", "ProductOrderLine"} <= set(failing)
    assert not {"Query.customers", "CategoryFilter.storeId", "OrderLine.quantity", "GiftCertificateOrderLine",
                "Query.productConnection", "Query.rateLimits", "OrderSort.number_ASC"} & set(failing)
    assert all(streams <= set(sm.NINE) for streams in failing.values())


@pytest.mark.parametrize("mutation", FAST, ids=lambda m: m.name)
def test_given_one_schema_difference_then_check_discover_and_read_keep_every_invariant(mutation) -> None:
    seen = sm.run(mutation)
    assert not seen.invalid, seen.invalid
    assert sm.problems(seen) == []


def test_given_the_issues_three_instances_then_check_succeeds_or_fails_as_the_contract_says() -> None:
    """Before: an older instance without customers crashed check and discover (PlanError); a
    CategoryFilter without storeId failed check for everything; line types declaring productNumber
    with other nullability failed order_items and return_items with graphql-core's text."""
    older = sm.run(sm.Mutation("removed: root", "Query.customers", ("Query.customers",)))
    assert sm.outcome(older) == "stream left out" and "customers" not in older.offered
    assert "Stream customers is left out" in older.check_message or any(
        "Stream customers is left out" in message for _, _, message in older.logs)
    storeless = sm.run(sm.Mutation("removed: input field", "CategoryFilter.storeId", ("CategoryFilter.storeId",)))
    assert storeless.check_status == "SUCCEEDED" and sm.outcome(storeless) == "stream adapted"
    assert storeless.plans["categories"][1].by_store is False
    conflict = sm.run(sm.Mutation("nullability", "GiftCertificateOrderLine.productNumber",
                                  retype=(("GiftCertificateOrderLine.productNumber", "String"),)))
    assert conflict.check_status == "SUCCEEDED" and not conflict.read_failures
    assert "productNumber__GiftCertificateOrderLine: productNumber" in conflict.plans["order_items"][0]


@pytest.mark.heavy
def test_given_every_schema_difference_then_no_invariant_breaks_and_the_summary_is_printed(capsys) -> None:
    """Every mutation (about 1,200; some minutes on two cores, spread over the cores there are)."""
    seen = sm.run_all(ALL, jobs=max(1, min(4, os.cpu_count() or 1)))
    broken = {item.mutation.name: sm.problems(item) for item in seen if not item.invalid}
    broken = {name: found for name, found in broken.items() if found}
    table = sm.summary(seen)
    with capsys.disabled():
        print("\n" + table)
        skipped = sum(1 for item in seen if item.invalid)
        print(f"{len(seen) - skipped} mutations ({skipped} not a valid schema, skipped), {len(broken)} breaking an invariant")
    assert not broken, json.dumps(dict(list(broken.items())[:20]), indent=1)
    assert "| **all** |" in table and sum(1 for item in seen if sm.outcome(item) == "crash") == 0
