"""Scenario 2 — faults: 10 % of requests fail in every way the fake injects (HTTP 500/502/503 with JSON
and HTML bodies, connection resets, slow answers, GraphQL internal errors in HTTP 200, truncated
bodies); the sync of Supermetrics' nine streams retries and completes with exactly the fake's data."""
from fake_centra.faults import FAULT_KINDS
from integration_tests import cli, scenarios


def test_given_ten_percent_faults_of_every_kind_then_exact_result(fake_centra_factory):
    outcome = scenarios.faults(fake_centra_factory, rate=0.10)

    outcome.comparison.assert_exact()
    assert outcome.comparison.duplicates == 0, "a retried page was emitted twice"
    stats = outcome.extra["stats"]
    assert all(stats["faults"][kind] >= 1 for kind in FAULT_KINDS), stats["faults"]
    faulted = sum(stats["faults"].values())
    assert 0.05 <= faulted / stats["requests"] <= 0.2, (faulted, stats["requests"])
    # the HTTP-level faults were each retried, and said so in the log
    retried = "\n".join(line for line in scenarios.logs(outcome.runs[0]) if "retry" in line)
    for words in ("HTTP 500", "HTTP 502", "HTTP 503", "failed (ConnectionError)", "cut off or was not valid JSON"):
        assert words in retried, words
    # state stays per store partition (a fault did not change how the sync is partitioned)
    for state in outcome.runs[0].last_state_messages():
        partitions = set(state["stream"]["stream_state"].get("partitions", {}))
        assert partitions in ({"1", "2", "3"}, {"all"}, set()), state


def _fault_first_request(fake, kind):
    calls = {"n": 0}

    def pick():
        calls["n"] += 1
        return kind if calls["n"] == 1 else None

    fake.fault_injector.pick = pick


# Regression (fixed in 151eb53): SyncContext.stores() treated any error answer of the stores lookup as "the token
# cannot list stores", so the whole sync silently fell back to one 'all' partition and the next sync re-read all
# history.
def test_given_transient_error_on_store_lookup_then_still_per_store_partitions(fake_centra_factory):
    fake = fake_centra_factory(orders=100, seed=29, **scenarios.FAST)
    config = cli.config_for(fake, lookback_window_days=0)
    first = scenarios.run("read", config, cli.catalog(["orders"]))
    assert first.exit_code == 0
    _fault_first_request(fake, "graphql_internal")  # the first request of a read is the stores lookup
    second = scenarios.run("read", config, cli.catalog(["orders"]), state=first.last_state_messages())
    assert second.exit_code == 0
    assert not [line for line in scenarios.logs(second, "WARN") if "cannot list stores" in line]
    assert set(scenarios.state_of(second.last_state_messages(), "orders")["partitions"]) == {"1", "2", "3"}
    assert second.records.get("orders", []) == [], "a transient error made the sync re-read all history"
