"""What an instance's schema lets each stream be: read as declared, adapted, left out, or failing.

``plan.py`` fits a stream's document to the live schema and says what is missing. This module turns
that into a decision per stream, the same for ``check``, ``discover`` and ``read``:

- nothing required is missing: the stream is offered as declared;
- one of Supermetrics' nine streams (``optional=False``) lacks a required element: it **fails**
  (``check`` fails naming the coordinate and the stream; in a sync only that stream fails);
- an optional stream lacks one: it is **adapted** where its records stay exact, else **left out**
  (``discover`` does not offer it; ``check`` names it and the element, and succeeds):
  - its store filter is missing (``CategoryFilter.storeId``): it is read instance-wide, each
    record's store taken from the record (null where it has none) and kept by Store IDs as the
    streams Centra cannot filter by store are (``stores_from_records``);
  - its cursor is missing (the window filter, a window bound, or the cursor field itself): it is
    offered as full refresh only, reading the whole list each sync (its saved state is kept, so
    the next incremental sync after an upgrade continues from it).
  The adaptations are tried in that order, then both; the first that leaves nothing required
  missing is taken.

Pure: no I/O; the schema comes from the caller (one introspection per run).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable

from graphql import GraphQLSchema

from source_centra.documents import parents_document
from source_centra.fitting import Dropped
from source_centra.plan import Plan, plan
from source_centra.queries import load
from source_centra.streams import Paging, StreamSpec

STORE_ADAPTATION = "instance-wide (this instance cannot filter it by store), with each record's store taken from the record"
CURSOR_ADAPTATION = "as full refresh only (this instance cannot select it by its cursor)"


@dataclass(frozen=True)
class Offer:
    spec: StreamSpec  # as declared in streams.py
    effective: StreamSpec  # as this instance lets it be read (partitions, cursor)
    plan: Plan  # the effective plan (without the token's exclusions)
    adaptations: tuple[str, ...] = ()  # in an admin's words
    relaxed: frozenset[str] = frozenset()  # record fields accepted as null (the cursor of a full-refresh-only stream)
    missing: tuple[Dropped, ...] = ()  # what is missing as declared (what the adaptations work around)

    @property
    def readable(self) -> bool:
        return not self.plan.missing_required

    @property
    def fails(self) -> bool:
        """One of the nine lacks something it cannot do without: check fails."""
        return not self.readable and not self.spec.optional

    @property
    def left_out(self) -> bool:
        return not self.readable and self.spec.optional

    @property
    def adapted(self) -> bool:
        return self.readable and bool(self.adaptations)

    @property
    def store_from_records(self) -> bool:
        """Read instance-wide where the declaration partitions by store: records keep a null store."""
        return self.spec.by_store and not self.effective.by_store

    def plan_args(self) -> dict:
        """What ``plan()`` needs besides the document, as this instance lets the stream be read."""
        args = {k: v for k, v in self.effective.plan_args().items() if k != "stream"}
        return {**args, "relaxed": tuple(sorted(self.relaxed))}

    def describe_missing(self) -> str:
        return "; ".join(item.describe(self.spec.name) for item in self.plan.missing_required)


def offer(spec: StreamSpec, schema: GraphQLSchema, *, exclude: Iterable[str] = (),
          excluded_because: dict[str, str] | None = None) -> Offer:
    """The stream as ``schema`` lets it be read (see the module docstring)."""
    exclude = tuple(exclude)

    def planned(effective: StreamSpec, relaxed: frozenset[str]) -> Plan:
        args = {k: v for k, v in effective.plan_args().items() if k != "stream"}
        made = plan(spec.name, load(spec.query), schema, exclude=exclude, excluded_because=excluded_because,
                    relaxed=relaxed, **args)
        if effective.paging is Paging.NESTED and not made.missing_required and made.document:
            # a nested stream first lists its parents (documents.parents_document): what that list needs counts too
            parents = plan(spec.name, parents_document(made.document), schema)
            if parents.missing_required:
                made = dataclasses.replace(made, dropped=made.dropped + parents.missing_required)
        return made

    declared = planned(spec, frozenset())
    if not declared.missing_required or not spec.optional:
        return Offer(spec, spec, declared)
    tries = []
    if spec.by_store:
        tries.append(((STORE_ADAPTATION,), dataclasses.replace(spec, by_store=False, stores_from_records=True), frozenset()))
    if spec.cursor_field:
        relaxed = frozenset({spec.cursor_field})
        tries.append(((CURSOR_ADAPTATION,), dataclasses.replace(spec, cursor_field=None, filter_field=None), relaxed))
        if spec.by_store:
            tries.append(((STORE_ADAPTATION, CURSOR_ADAPTATION),
                          dataclasses.replace(spec, by_store=False, stores_from_records=True, cursor_field=None,
                                              filter_field=None), relaxed))
    for adaptations, effective, relaxed in tries:
        made = planned(effective, relaxed)
        if not made.missing_required:
            return Offer(spec, effective, made, adaptations, relaxed, declared.missing_required)
    return Offer(spec, spec, declared)


def offers(specs: Iterable[StreamSpec], schema: GraphQLSchema) -> dict[str, Offer]:
    return {spec.name: offer(spec, schema) for spec in specs}


__all__ = ["Offer", "offer", "offers", "STORE_ADAPTATION", "CURSOR_ADAPTATION"]
