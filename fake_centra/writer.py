"""Background writer: a thread making one random mutation per interval, stamped "now".

Simulates a shop that keeps taking orders while a sync pages through the API. Every change is
recorded as an event dict ``{"action", "order_id" | "return_id", "at"}`` so tests can check that the
connector picked each one up.
"""

from __future__ import annotations

import random
import threading
import time

from .store import FakeData

ACTIONS = ("create_order", "update_order", "cancel_line", "create_shipment", "create_return",
           "complete_return", "add_payment")


class Writer:
    def __init__(self, data: FakeData, interval_s: float = 0.02, seed: int = 1) -> None:
        self.data = data
        self.interval_s = interval_s
        self.rng = random.Random(seed)
        self.events: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-centra-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> list[dict]:
        self._stop.set()
        self._thread.join(timeout=5)
        return list(self.events)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                event = self.step()
            except (ValueError, KeyError):
                continue  # the random pick did not fit that order (nothing to ship, ...)
            if event:
                self.events.append(event)

    def _random_order(self) -> str:
        n = self.data.count_orders()
        # favour recent orders, like a live shop
        row = max(0, n - 1 - int(self.rng.expovariate(1 / max(1.0, n / 10))))
        return self.data.order_detail(row)["id"]

    def step(self) -> dict | None:
        data, rng = self.data, self.rng
        action = rng.choice(ACTIONS)
        at = int(time.time())
        if action == "create_order":
            return {"action": action, "order_id": data.create_order(at=at), "at": at}
        order_id = self._random_order()
        order = data.order(order_id)
        if action == "update_order":
            status = rng.choice(["CONFIRMED", "PROCESSING", "SHIPPED", "ARCHIVED"])
            data.update_order(order_id, status=status, at=at)
        elif action == "cancel_line":
            lines = [ln for ln in order["lines"] if ln["quantity"] > ln["shipped_quantity"]]
            if not lines:
                return None
            data.cancel_line(order_id, rng.choice(lines)["id"], 1, at=at)
        elif action == "create_shipment":
            data.create_shipment(order_id, at=at)
        elif action == "create_return":
            rid = data.create_return(order_id, at=at)
            return {"action": action, "order_id": order_id, "return_id": rid, "at": at}
        elif action == "complete_return":
            pending = [r for r in data.returns_of(order_id) if r["return_status"] == "PENDING"]
            if not pending:
                return None
            data.complete_return(pending[0]["id"], at=at)
            return {"action": action, "order_id": order_id, "return_id": pending[0]["id"], "at": at}
        elif action == "add_payment":
            data.add_payment(order_id, "CAPTURE", at=at)
        return {"action": action, "order_id": order_id, "at": at}
