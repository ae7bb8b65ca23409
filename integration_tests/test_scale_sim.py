"""The small version of the scale benchmark (bench/scale_bench.py): a first sync of 10,000 orders, the
full default catalog (all 26 streams), at the Growth plan's quotas and share 0.5 on a simulated clock. It
fails when the shared pass stops sharing, when the sync no longer finishes within 10 % of what its share
allows (streams read side by side, lanes.py; stock change lines many pages a request, child_pages.py), on
any 429, or when a full sync costs more than 1.15 times the floor (bench/cost_bench.py: each selected
field once, from the same planner). About two minutes: heavy."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import scale_bench  # noqa: E402

ORDERS = 10_000
PAGE = 100
# order_item_allocations pages orders on its own, 45 a page (its lines' allocations cost 511 an order):
# not shared with orders and order_items, whose pass reads 100 a page
ALLOCATION_PAGE = 45


@pytest.mark.heavy
def test_given_a_first_sync_of_10000_orders_then_pages_are_shared_and_the_share_is_spent_on_data(tmp_path):
    result = scale_bench.run_size(ORDERS, seed=7, share=0.5, page_size=PAGE, workdir=tmp_path)
    print("\n" + scale_bench.report([result], 0.5, PAGE))

    shared = {line.split(":")[0]: int(line.split(": ")[1].split()[0]) for line in result["shared"]}
    order_pages = shared.get("Shared pass order_items, orders", 0)
    # every order page fetched once for both streams (three stores: one short page each at most)
    assert order_pages >= ORDERS // PAGE, result["shared"]
    assert shared.get("Shared pass return_items, returns", 0) > 0, result["shared"]
    # read separately, orders and order_items would page the orders twice (and their follow-ups twice)
    assert result["roots"]["orderConnection"] < 2 * order_pages + ORDERS // ALLOCATION_PAGE, result["roots"]
    assert result["throttled"] == 0
    assert result["simulated_hours"] <= 1.10 * result["predicted_hours"], result
    assert result["points"] <= 1.15 * result["floor"], (result["points"], result["floor"])
    # and within 1.15 of the floor of its own cut documents (presence pages + the follow-ups needed)
    assert result["points"] <= 1.15 * result["sparse_floor"], (result["points"], result["sparse_floor"])
    assert result["records"] > 0 and result["per_stream"]["order_items"] > ORDERS
