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
