"""Scenario 3 — writes while paging: the fake's writer creates and updates orders, cancels lines, ships,
creates and completes returns and adds payments while the connector pages with page_size 10. After the
writer stops, one incremental sync (lookback 0) with the state: the union, deduplicated by primary key,
equals the fake — every order and order line at its latest updated_at and quantities."""
from integration_tests import scenarios
from integration_tests.expected import utc


def test_given_writes_while_paging_then_union_with_next_sync_equals_fake(fake_centra_factory):
    outcome = scenarios.live_writes(fake_centra_factory)
    first, second = outcome.runs
    events = outcome.extra["events"]
    actions = {e["action"] for e in events}

    assert len(events) >= 20 and {"create_order", "update_order"} <= actions, events[:5]
    assert first.seconds >= 2, "the sync was too short for the writer to write while it paged"
    outcome.comparison.assert_exact()
    # and precisely: every order and line the writer touched is at its latest version
    merged = scenarios.union(outcome.runs)
    touched = {e["order_id"] for e in events if "order_id" in e}
    for order_id in touched:
        order = outcome.fake.data.order(order_id)
        assert merged["orders"][order_id]["updated_at"] == utc(order["updated_at"])
        for line in order["lines"]:
            record = merged["order_items"][(order_id, line["id"])]
            assert (record["order_updated_at"], record["quantity"], record["cancelled_quantity"]) == (
                utc(order["updated_at"]), line["quantity"], line["cancelled_quantity"])
    # the second sync only brought what changed since the first one's window closed
    created = {e["order_id"] for e in events if e["action"] == "create_order"}
    assert created and created <= {r["id"] for r in second.records["orders"]}
    assert len(second.records["orders"]) <= len(touched)
