"""Train / validation / test splits, stratified by class.

A stratified split keeps each class's share in every part: with n_c samples of class c and
a part of size s out of n, the part holds n_c·s/n of class c rounded down or up, never
further off than one sample, while every part gets exactly its size. Choosing which classes
round up is a small matrix-rounding problem (Bacharach 1966: a table with integer row and
column sums can be rounded entry by entry keeping those sums); it is solved here by
augmenting paths over the three parts.
"""

from __future__ import annotations

import numpy as np

from neuronlab.datasets.validation import (
    check_classification_targets,
    check_fraction_or_count,
    check_lengths,
    check_random_state,
)


def _augment(c: int, eligible: np.ndarray, chosen: np.ndarray, free: np.ndarray) -> bool:
    """Give class ``c`` one more round-up in a part it has none in, moving others if needed.

    Breadth-first search over parts: from part j we may move a class that rounds up in j to a
    part j2 where it may round up but does not yet; the search ends at a part with room.
    """
    start = [j for j in range(eligible.shape[1]) if eligible[c, j] and not chosen[c, j]]
    parent: dict[int, tuple[int, int] | None] = {j: None for j in start}
    queue = list(start)
    while queue:
        j = queue.pop(0)
        if free[j] > 0:
            free[j] -= 1
            while parent[j] is not None:  # walk back: each mover leaves the part before it
                j_prev, mover = parent[j]
                chosen[mover, j], chosen[mover, j_prev] = True, False
                j = j_prev
            chosen[c, j] = True
            return True
        for j2 in range(eligible.shape[1]):
            if j2 in parent:
                continue
            movers = np.flatnonzero(chosen[:, j] & eligible[:, j2] & ~chosen[:, j2])
            if len(movers):
                parent[j2] = (j, int(movers[0]))
                queue.append(j2)
    return False


def stratified_counts(class_counts, sizes, rng: np.random.Generator | None = None) -> np.ndarray:
    """Per-class sample counts for each part: a (classes, parts) integer table.

    Entry (c, j) is floor or ceil of class_counts[c] * sizes[j] / n; rows sum to the class
    counts and columns to ``sizes`` exactly.
    """
    class_counts, sizes = np.asarray(class_counts, dtype=np.int64), np.asarray(sizes, dtype=np.int64)
    n = int(class_counts.sum())
    if sizes.sum() != n:
        raise ValueError(f"the part sizes {sizes.tolist()} must add up to the {n} samples")
    products = np.outer(class_counts, sizes)
    table, eligible = products // n, products % n > 0  # eligible: the quota has a fraction to round up
    chosen = np.zeros_like(eligible)
    free = sizes - table.sum(0)
    order = rng.permutation(len(class_counts)) if rng is not None else range(len(class_counts))
    for c in order:
        for _ in range(int(class_counts[c] - table[c].sum())):
            if not _augment(int(c), eligible, chosen, free):  # cannot happen (Bacharach's theorem)
                raise RuntimeError("stratified_counts: no rounding found; please report this as a bug")
    return table + chosen


def train_val_test_split(
    X,
    y,
    val_size: float | int = 0.15,
    test_size: float | int = 0.15,
    stratify: bool = True,
    random_state=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split into training, validation and test parts, keeping class proportions when ``stratify``.

    Sizes are fractions in [0, 1) (the count is rounded up, as in scikit-learn) or sample
    counts; training gets the rest. Returns NumPy arrays in scikit-learn's order:
    ``X_train, X_val, X_test, y_train, y_val, y_test``, each part in random order.
    ``stratify=True`` needs class labels in ``y``; use ``stratify=False`` for regression.

    Example:
        >>> X, y = make_moons(200, noise=0.1, random_state=0)
        >>> X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(X, y, 0.2, 0.2, random_state=0)
        >>> len(y_tr), len(y_val), len(y_te), int(y_val.sum())     # 20 of each class in validation
        (120, 40, 40, 20)
    """
    X, y = np.asarray(X), np.asarray(y)
    n = check_lengths(X, y)
    n_val, n_test = (
        check_fraction_or_count(val_size, n, "val_size"),
        check_fraction_or_count(test_size, n, "test_size"),
    )
    n_train = n - n_val - n_test
    if n_train <= 0:
        raise ValueError(
            f"val_size={val_size} and test_size={test_size} leave {n_train} training samples of {n}"
        )
    rng = check_random_state(random_state)
    if stratify:
        parts = _stratified_parts(check_classification_targets(y), (n_train, n_val, n_test), rng)
    else:
        order = rng.permutation(n)
        parts = [order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val :]]
    parts = [rng.permutation(p) for p in parts]
    return tuple(X[p] for p in parts) + tuple(y[p] for p in parts)


def _stratified_parts(
    labels: np.ndarray, sizes: tuple[int, ...], rng: np.random.Generator
) -> list[np.ndarray]:
    classes, counts = np.unique(labels, return_counts=True)
    table = stratified_counts(counts, sizes, rng)
    parts: list[list[np.ndarray]] = [[] for _ in sizes]
    for k, c in enumerate(classes):
        members = rng.permutation(np.flatnonzero(labels == c))
        cuts = np.cumsum(table[k])[:-1]
        for j, piece in enumerate(np.split(members, cuts)):
            parts[j].append(piece)
    return [np.concatenate(p) for p in parts]
