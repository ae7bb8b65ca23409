"""Background writer: a thread making one random mutation per interval, stamped "now".

Simulates a shop that keeps taking orders while a sync pages through the API. Every change is
recorded as an event dict ``{"action", "order_id" | "return_id", "at"}`` so tests can check that the
connector picked each one up. About a quarter of the steps change another entity instead
(``ENTITY_ACTIONS``); their events carry ``customer_id``, ``account_id``, ``invoice_id``,
``voucher_id`` or ``campaign_id`` instead of ``order_id``.
"""

from __future__ import annotations

import random
import threading

from . import clock
from .store import FakeData

ACTIONS = ("create_order", "update_order", "cancel_line", "create_shipment", "create_return",
           "complete_return", "add_payment")
ENTITY_ACTIONS = ("create_customer", "update_customer", "update_account", "update_invoice", "create_invoice",
                  "update_voucher", "update_campaign")
ENTITY_SHARE = 0.25


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
        if rng.random() < ENTITY_SHARE:
            return self.entity_step()
        action = rng.choice(ACTIONS)
        at = clock.now()
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

    def entity_step(self) -> dict | None:
        """One change to a customer, account, invoice, voucher or campaign, stamped now."""
        data, rng = self.data, self.rng
        action = rng.choice(ENTITY_ACTIONS)
        at = clock.now()
        if action == "create_customer":
            return {"action": action, "customer_id": data.create_customer(rng.choice([1, 2]), at=at), "at": at}
        if action == "update_customer":
            cid = rng.randint(1, data.count_customers())
            data.update_customer(cid, at=at)
            return {"action": action, "customer_id": cid, "at": at}
        if action == "update_account":
            aid = rng.choice([a["id"] for a in data.accounts()])
            data.update_account(aid, at=at)
            return {"action": action, "account_id": aid, "at": at}
        if action == "update_invoice":
            if not data.count_invoices():
                return None
            iid = rng.randint(1, data.count_invoices())
            paid = data.invoice(iid)["status"] != "PAID" and rng.random() < 0.5
            data.update_invoice(iid, mark_paid=paid, at=at)
            return {"action": action, "invoice_id": iid, "at": at}
        if action == "create_invoice":
            order_id = self._random_order()
            return {"action": action, "invoice_id": data.create_invoice(order_id, at=at), "at": at}
        if action == "update_voucher":
            vid = rng.choice([v["id"] for v in data.vouchers()])
            data.update_voucher(vid, at=at)
            return {"action": action, "voucher_id": vid, "at": at}
        cid = rng.choice([c["id"] for c in data.campaigns()])
        data.update_campaign(cid, at=at)
        return {"action": action, "campaign_id": cid, "at": at}
