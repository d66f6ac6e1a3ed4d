"""Graphviz DOT text of a recorded graph (no graphviz install needed to produce it)."""

from __future__ import annotations

from neuronlab.analysis.explain import _formula, _mapping, _Names, _params, walk_graph
from neuronlab.engine.tensor import Tensor

__all__ = ["to_dot"]


def to_dot(tensor: Tensor, params=None, constants: bool = False) -> str:
    """The graph that produced ``tensor`` as Graphviz DOT text, edges in forward direction.

    One ``box`` node per leaf that requires grad (name and shape), one ``ellipse`` node per
    op (its ``grad_fn`` name, the forward formula ``t1 = w11 * x1`` and the output shape);
    an edge ``a -> b`` means "a is an input of b". ``constants=True`` also draws inputs that
    need no gradient (dashed). Names come from ``params`` as in :func:`explain_backward`.
    Render with ``dot -Tpng graph.dot -o graph.png`` or the ``graphviz`` Python package.

    Example:
        >>> w = neuronlab.tensor(2.0, requires_grad=True)
        >>> print(to_dot(w * 3, {"w": w}))  # doctest: +SKIP
        digraph backward { ... "leaf0" -> "op0"; }
    """
    graph = walk_graph(tensor)
    names = _Names(_mapping(params), graph, tensor)
    ids = {fn: f"op{k}" for k, fn in enumerate(graph.order)}
    leaf_ids = {id(t): f"leaf{k}" for k, t in enumerate(graph.leaves)}
    lines = [
        "digraph backward {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
    ]
    for t in graph.leaves:
        label = f"{names.of(t)}\\n{_shape(t)}"
        lines.append(
            f'  "{leaf_ids[id(t)]}" [label="{_escape(label)}", shape=box, style=filled, fillcolor="#cfe2f3"];'
        )
    n_constants = 0
    for fn in reversed(graph.order):
        labels = [names.of(t) for t in fn.inputs]
        formula = f"{names.of_node(fn)} = {_formula(fn, labels, _params(fn))}"
        label = f"{fn.name()}\\n{_escape(formula)}\\n{_shape(graph.outputs[fn])}"
        lines.append(f'  "{ids[fn]}" [label="{label}", shape=ellipse];')
        for parent, t in zip(fn.parents, fn.inputs):
            if parent is None:
                if constants:
                    source = f"const{n_constants}"
                    n_constants += 1
                    text = _escape(f"{names.of(t)}\\n{_shape(t)}")
                    lines.append(f'  "{source}" [label="{text}", shape=box, style=dashed];')
                    lines.append(f'  "{source}" -> "{ids[fn]}" [style=dashed];')
                continue
            source = ids[parent] if parent in ids else leaf_ids[id(parent)]
            lines.append(f'  "{source}" -> "{ids[fn]}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _shape(t: Tensor) -> str:
    return f"shape {tuple(t.shape)}"


def _escape(text: str) -> str:
    return text.replace('"', '\\"')
