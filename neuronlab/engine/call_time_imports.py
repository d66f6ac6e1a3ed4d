"""The one exception to the one-way layers (STYLE 1; docs/engine.md, "Layers").

``Tensor``'s methods (``x + y``, ``x.exp()``, ``x.backward()``) call code that is built on
``Tensor`` and so cannot be imported before it: the ops (``neuronlab.ops``), the backward walk
(``engine/graph.py``) and the random generators (``engine/random.py``, whose ``get_state``
returns a Tensor). The Tensor methods find them at call time through ``modules``: the first
attribute read imports them all (the explicit imports below) and keeps them as plain
attributes, so every later call is one attribute read. ``tests/test_layering.py`` allows
this module, and only this one, to import from a layer above its own.
"""

from __future__ import annotations


class _Modules:
    """``modules.arithmetic`` is ``neuronlab.ops.arithmetic``, ``modules.graph`` is
    ``neuronlab.engine.graph``, ...; imported on first use."""

    def __getattr__(self, name: str):
        # Runs once: afterwards the names below are instance attributes and this method is
        # not called for them.
        from neuronlab.engine import graph, random, sampling
        from neuronlab.ops import (
            activation,
            arithmetic,
            cast,
            comparison,
            creation,
            cross,
            decompositions,
            erfinv,
            indexing,
            join,
            linalg,
            matrix_functions,
            pointwise,
            reduction,
            shape,
            solvers,
            sorting,
        )

        found = dict(
            activation=activation, arithmetic=arithmetic, cast=cast, comparison=comparison,
            creation=creation, graph=graph, indexing=indexing, join=join, linalg=linalg,
            pointwise=pointwise, random=random, reduction=reduction, sampling=sampling, shape=shape,
            cross=cross, decompositions=decompositions, solvers=solvers, matrix_functions=matrix_functions,
            erfinv=erfinv, sorting=sorting,
        )  # fmt: skip
        self.__dict__.update(found)
        if name not in found:
            raise AttributeError(f"no module {name!r} among the Tensor methods' call-time imports")
        return found[name]


modules = _Modules()
