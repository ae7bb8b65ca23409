"""Remove fields from a GraphQL document as an AST edit (style.md §6.3), never as text.

Used when the token lacks an *optional* permission (streams.py ``optional_permissions``): Centra
answers each guarded field it may not read with an authorization error and null data
(centra-api.md §2.3), so after the first such page the field is pruned from the stream's document
and later pages ask only for what the token can read.

Pruning ``customer`` from ``... on DirectToConsumerOrder { customer { email } }`` leaves an empty
inline fragment, which is not valid GraphQL; selections emptied by the edit are removed too, up to
the operation, which keeps ``__typename`` if nothing else is left.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import REMOVE, Visitor


def prune(document: str, fields: Iterable[str]) -> str:
    """``document`` without any selection of a field named in ``fields`` (aliases do not matter).

    ``prune("{ a { b c } }", {"c"}) == "{\\n  a {\\n    b\\n  }\\n}"``; nothing to prune returns
    ``document`` itself. Results are cached per (document, fields).
    """
    names = frozenset(fields)
    return _prune(document, names) if names else document


@cache
def _prune(document: str, names: frozenset[str]) -> str:
    return print_ast(visit(parse(document), _Pruner(names)))


class _Pruner(Visitor):
    def __init__(self, names: frozenset[str]):
        super().__init__()
        self.names = names

    def enter_field(self, node: FieldNode, *_args: object):
        return REMOVE if node.name.value in self.names else None

    # Leaving a node sees its already-pruned children: drop selections the edit emptied.
    def leave_field(self, node: FieldNode, *_args: object):
        return REMOVE if _emptied(node.selection_set) else None

    def leave_inline_fragment(self, node: InlineFragmentNode, *_args: object):
        return REMOVE if _emptied(node.selection_set) else None

    def leave_fragment_definition(self, node: FragmentDefinitionNode, *_args: object):
        if _emptied(node.selection_set):
            typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
            return node.__class__(**{**_attrs(node), "selection_set": SelectionSetNode(selections=(typename,))})
        return None

    def leave_operation_definition(self, node: OperationDefinitionNode, *_args: object):
        if _emptied(node.selection_set):
            typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
            return node.__class__(**{**_attrs(node), "selection_set": SelectionSetNode(selections=(typename,))})
        return None


def _emptied(selection_set: SelectionSetNode | None) -> bool:
    return selection_set is not None and not selection_set.selections


def _attrs(node) -> dict:
    return {key: getattr(node, key) for key in node.keys if key != "loc"}
