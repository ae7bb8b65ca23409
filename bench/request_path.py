"""The request path from a stream read to HTTP: the source_centra modules on the call stack of each kind of
request (outermost first), the thread it is sent from, and whether paging.py made its variables. Offline
(requests-mock, the unit tests' fakes). Run from the repo root: `.venv/bin/python bench/request_path.py`."""
import inspect, json, sys
from datetime import datetime, timezone
sys.path.insert(0, ".")
import requests_mock
from unit_tests.test_rate_limit_status import *
from source_centra import slices as sl

seen = {}
import threading
from source_centra import paging
local = threading.local()
_variables = paging.variables
def variables(*a, **k):
    local.used = True
    return _variables(*a, **k)
paging.variables = variables

def kind_of(body):
    q = body["query"]
    if "__schema" in q or "rateLimits" in q:
        return None
    for word, name in (("query Parents", "parents list"), ("orderConnection", "ids of updated orders"),
                       ("query Stock", "snapshot page (stock)"), ("productConnection", "stream page (products)"),
                       ("query Returns", "stream page (returns)")):
        if word in q:
            return name
    return q.split("(")[0][:30]

def chain():
    mods = []
    for frame in reversed(inspect.stack()):
        mod = frame.frame.f_globals.get("__name__", "")
        if mod.startswith("source_centra"):
            name = mod.split(".")[-1] + ".py"
            if mod.startswith("source_centra.records"):
                continue
            if not mods or mods[-1] != name:
                mods.append(name)
        elif mod.startswith("requests") and mods and mods[-1] != "requests":
            mods.append("requests")
            break
    return mods

def spy(fake):
    def call(request, context):
        kind = kind_of(json.loads(request.body))
        if kind and kind not in seen:
            where = "worker" if threading.current_thread() is not threading.main_thread() else "emitting thread"
            seen[kind] = [f"[{where}]"] + chain() + (["(variables: paging.py)"] if getattr(local, "used", False) else ["(variables by hand)"])
        if kind:
            local.used = False
        return fake(request, context)
    return call

config = Config.from_mapping({"endpoint_url": URL, "api_token": "t0ken"})
def client():
    clock = Clock()
    return CentraClient(config, sleep=lambda _s: None, pacer=Pacer(share=1.0, clock=clock, sleep=clock.sleep, waits=Waits(wall=clock)))
with requests_mock.Mocker() as m:
    m.post(URL, json=spy(ParentsCentra()))
    s = CentraStream(STREAMS_BY_NAME["stock"], SyncContext(config, client=client()))
    list(s.read_records(SyncMode.full_refresh, stream_slice={"position": {}}))
with requests_mock.Mocker() as m:
    m.post(URL, json=spy(UpdatedOrdersCentra()))
    s = CentraStream(STREAMS_BY_NAME["returns"], SyncContext(config, client=client()))
    item = sl.UpdatedOrders("all", datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 11, 27, tzinfo=timezone.utc))
    list(s.read_records(SyncMode.incremental, stream_slice=item))
with requests_mock.Mocker() as m:
    m.post(URL, json=spy(Centra()))
    s = CentraStream(STREAMS_BY_NAME["products"], SyncContext(config, client=client()))
    list(s.read_records(SyncMode.full_refresh, stream_slice={"partition": "all", "from": None, "to": None, "resume": None}))
for kind, mods in seen.items():
    print(f"{kind}: {' → '.join(mods)}")
