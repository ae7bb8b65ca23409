import pytest

from source_centra.pacing import Pacer

LIMITS = [
    {"type": "REQUEST_COUNT", "intervalSeconds": "TEN_SECONDS", "quota": 60, "usedQuota": 0},
    {"type": "REQUEST_COUNT", "intervalSeconds": "ONE_HOUR", "quota": 5000, "usedQuota": 0},
    {"type": "QUERY_COMPLEXITY", "intervalSeconds": "TEN_SECONDS", "quota": 250000, "usedQuota": 0},
    {"type": "QUERY_COMPLEXITY", "intervalSeconds": "ONE_HOUR", "quota": 30000000, "usedQuota": 0},
    {"type": "MUTATION_COUNT", "intervalSeconds": "TEN_SECONDS", "quota": 20, "usedQuota": 0},
]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_given_share_then_budget_is_share_of_quota():
    pacer = Pacer(share=0.5)
    pacer.configure(LIMITS)
    assert pacer.budgets["TEN_SECONDS"].requests == 30 and pacer.budgets["TEN_SECONDS"].complexity == 125000
    assert pacer.budgets["ONE_HOUR"].requests == 2500


def test_given_others_use_quota_then_budget_shrinks():
    pacer = Pacer(share=0.5)
    busy = [dict(limit, usedQuota=50) if limit["type"] == "REQUEST_COUNT" and limit["intervalSeconds"] == "TEN_SECONDS" else limit
            for limit in LIMITS]
    pacer.configure(busy)
    assert pacer.budgets["TEN_SECONDS"].requests == 9  # 60 - 50 others - 1 margin


def test_given_requests_over_budget_then_paced_to_share_per_ten_seconds():
    clock = Clock()
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep)
    pacer.configure(LIMITS)
    for _ in range(90):
        row = pacer.acquire(1)
        pacer.record(row, 1, 10)
    # 30 requests per 10 s (+ safety) → 90 requests need a bit over 20 s
    assert 20.0 <= clock.now - 1000.0 <= 23.0


def test_given_expensive_queries_then_paced_by_complexity():
    clock = Clock()
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep)
    pacer.configure(LIMITS)
    for _ in range(10):
        row = pacer.acquire(2)
        pacer.record(row, 2, 50000)  # 125k per 10 s allows 2 per window
    assert clock.now - 1000.0 >= 40.0


HOURLY = [{"type": "QUERY_COMPLEXITY", "intervalSeconds": "ONE_HOUR", "quota": 2_000_000, "usedQuota": 0}]


def test_given_hourly_budget_then_a_tenth_goes_at_once_then_a_steady_rate():
    clock = Clock()
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep)
    pacer.configure(HOURLY)  # ours: 1M / h; burst 100k; first hour refills 900k / 3600.5 s = 250 / s
    sent = []
    for _ in range(30):
        pacer.record(pacer.acquire(1), 1, 10_000)
        sent.append(clock.now - 1000.0)
    # the first request is booked at the 1,000 guess, then corrected: 10 go out at once
    assert sent[:10] == [0.0] * 10 and sent[10] > 0
    gaps = [b - a for a, b in zip(sent[11:], sent[12:])]
    assert all(abs(g - 10_000 / 250) < 0.1 for g in gaps), gaps


def test_given_actual_complexity_above_the_guess_then_the_bucket_is_charged_what_centra_reported():
    clock = Clock()
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep)
    pacer.configure(HOURLY)
    pacer.record(pacer.acquire(1), 1, 100_000)  # guessed 1,000; the whole burst in fact
    pacer.acquire(1)
    assert clock.now - 1000.0 == pytest.approx(100_000 / 250, abs=0.1)


def test_given_others_use_the_hourly_quota_then_burst_and_rate_shrink():
    clock = Clock()
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep)
    pacer.configure([dict(HOURLY[0], usedQuota=1_600_000)])  # ours: 2M - 1.6M = 400k; burst 40k; 100 / s
    assert pacer.budgets["ONE_HOUR"].complexity == 400_000
    for _ in range(6):
        pacer.record(pacer.acquire(1), 1, 10_000)
    # 4 in the burst of 40k, then one per 10_000 / 100 = 100 s
    assert clock.now - 1000.0 == pytest.approx(200.0, abs=0.5)


def test_given_ten_second_budgets_only_then_no_bucket():
    clock = Clock()
    pacer = Pacer(share=0.5, clock=clock, sleep=clock.sleep)
    pacer.configure([limit for limit in LIMITS if limit["intervalSeconds"] == "TEN_SECONDS"])
    for _ in range(30):
        pacer.record(pacer.acquire(1), 1, 10)
    assert clock.now == 1000.0
