"""API node → record(s): one pure function per stream, in its domain module of this package
(``records.sales.orders``); each stream's row in streams.py names its own, so no list of streams is
kept here.

Each function takes one GraphQL node shaped exactly as ``queries/<stream>.graphql`` selects it
and yields new dicts; inputs are never mutated, there is no I/O. Leaf rules (UTC, money, base
amounts, ids, types) come from ``convert`` so each lives once; what several functions share is in
``common``.

Record conventions (connector-contract.md): snake_case names; timestamps in UTC; money as numbers
in the order's currency with ``currency`` and ``currency_base_rate`` on the record, including tax
unless the name says ``_ex_tax``; each money field ``x`` also as ``x_base`` = x × currency_base_rate,
in the currency named by ``base_currency``; every record of a store-scoped stream carries ``store_id``.

Every function takes ``(node, extras=None)``. ``extras`` holds per-sync facts that are not on the
node, each read only by the functions that need it:

- ``base_currency``: ISO code of the instance's base currency (``SyncContext.base_currency()``; None
  without Currency:read), for streams whose row sets ``base_currency``;
- ``store``: ``{id, name, type}`` of the store partition being read (streams read per store); it
  fills the store fields of a node whose ``store`` the instance cannot return;
- ``parent``: nested streams (``paging=Paging.NESTED``), the parent object the node was read under as the
  document selects it, without its child list (the warehouse ``{id, name}`` of a stock row, the
  pricelist ``{id, name, currency {code}}`` of a price);
- ``synced_at``: snapshot streams, when the snapshot was read (ISO 8601 UTC); records carry it.

Only selections marked ``@required`` in the query are sure to be on the node: every other one may be
missing (the instance lacks it, or the token may not read it; plan.py pruned it), and its record
value is then null — never a made-up default (0, ``[]``). Enum values and line types the connector
has never seen are emitted as Centra sends them.
Personal fields are emitted as Centra has them; ``privacy.apply`` hashes or drops them afterwards.
"""
