"""Loss modules: thin objects that hold a loss's settings and call ``nn.functional``.

The constructors, defaults, ``repr`` (``CrossEntropyLoss()``) and ``state_dict`` keys are
PyTorch's: class weights and ``pos_weight`` are buffers, so ``loss.double()`` converts them
and ``state_dict`` carries them. ``HingeLoss`` (binary) and ``FocalLoss`` are neuronlab's
own and follow the same conventions. An invalid ``reduction`` raises ``ValueError`` when the
loss is built, not at its first call.

Example:
    >>> criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    >>> loss = criterion(model(x), y)
    >>> loss.backward()
"""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.nn.functional.loss_arguments import legacy_reduction
from neuronlab.nn.modules.module import Module

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "FocalLoss", "GaussianNLLLoss",
    "HingeEmbeddingLoss", "HingeLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss",
    "MarginRankingLoss", "MultiMarginLoss", "NLLLoss", "PoissonNLLLoss", "SmoothL1Loss",
    "SoftMarginLoss",
]  # fmt: skip

_REDUCTIONS = ("none", "mean", "sum")


class _Loss(Module):
    """Base of the losses: stores ``reduction`` (after PyTorch's legacy ``size_average`` /
    ``reduce`` flags, if given) and checks it."""

    reduction: str
    _valid_reductions: tuple[str, ...] = _REDUCTIONS

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        reduction = legacy_reduction(size_average, reduce, reduction)
        if reduction not in self._valid_reductions:
            choices = ", ".join(repr(r) for r in self._valid_reductions)
            raise ValueError(
                f"{type(self).__name__}: {reduction!r} is not a valid value for reduction; use one of {choices}"
            )
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with an optional ``weight`` tensor, registered as a buffer (PyTorch's layout)."""

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


# -- regression --------------------------------------------------------------------------------
class L1Loss(_Loss):
    """Mean absolute error |input - target| (MAE).

    Shape: input and target of the same shape; output scalar, or that shape for 'none'.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error (input - target)².

    Shape: input and target of the same shape; output scalar, or that shape for 'none'.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """½d² where |d| <= delta, else delta·(|d| - ½delta), with d = input - target."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """½d²/beta where |d| < beta, else |d| - ½beta: Huber divided by beta (L1 for beta = 0)."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood ½(ln σ² + (input - target)²/σ²); call as
    ``loss(input, target, var)``."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Tensor, target: Tensor, var) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood: e^input - target·input for log-rates (``log_input``)."""

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None, eps: float = 1e-8,
                 reduce=None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)  # fmt: skip


# -- binary classification ----------------------------------------------------------------------
class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities: -w (t ln p + (1 - t) ln(1 - p)), logs clamped at -100.
    Prefer ``BCEWithLogitsLoss`` on logits: it is stable without the clamp."""

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable formula, from logits x:
    -w (pw·t ln σ(x) + (1 - t) ln(1 - σ(x))). ``pos_weight`` (one per class, broadcast along
    the last dimension) trades recall for precision; ``weight`` rescales each element."""

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)  # fmt: skip


class HingeLoss(_Loss):
    """Binary hinge loss max(0, margin - y·f(x)) for scores f(x) (neuronlab's own, the
    linear SVM's loss). Labels y in {-1, +1}; labels in {0, 1} are accepted and 0 is read as -1
    (see ``F.hinge_loss``).

    Shape: input (any) and target of the same shape.
    """

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """Two-class logistic loss ln(1 + e^(-y·x)) for labels y in {-1, 1}."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x where y = 1, max(0, margin - x) where y = -1 (x is usually a distance between a pair)."""

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, -y·(x1 - x2) + margin): y = 1 asks x1 to rank above x2."""

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


# -- multi-class classification -------------------------------------------------------------------
class CrossEntropyLoss(_WeightedLoss):
    """Softmax + negative log-likelihood from logits, computed with log-sum-exp.

    ``target`` holds class indices (int64) or class probabilities (float, the input's shape);
    ``weight`` gives one weight per class, ``ignore_index`` a label that contributes nothing,
    ``label_smoothing`` ε mixes the target with the uniform distribution: (1 - ε) t + ε / C.

    Shape: input (N, C), (N, C, d1, ...) or (C,); target (N,), (N, d1, ...) or () of indices.
    """

    def __init__(self, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                 reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}"
            )
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)  # fmt: skip


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood -w[y]·input[y] of log-probabilities (put ``LogSoftmax`` before it)."""

    def __init__(self, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                 reduce=None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)  # fmt: skip


class KLDivLoss(_Loss):
    """KL(target ‖ model) for log-probabilities ``input``: t (ln t - input), or with
    ``log_target=True`` e^t (t - input). Use ``reduction='batchmean'`` for the true KL per sample;
    'mean' divides by the number of elements (PyTorch's definition)."""

    _valid_reductions = (*_REDUCTIONS, "batchmean")

    def __init__(
        self, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss: Σ_{j≠y} w_y·max(0, margin - x_y + x_j)^p / C per sample, p ∈ {1, 2}."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 size_average=None, reduce=None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 supported, got p={p}")
        if weight is not None and weight.ndim != 1:
            raise ValueError(
                f"MultiMarginLoss: weight must be one-dimensional, got shape {tuple(weight.shape)}"
            )
        self.p = p
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                   reduction=self.reduction)  # fmt: skip


class FocalLoss(_Loss):
    """Focal loss (Lin et al., 2017): cross-entropy scaled by (1 - p_t)^γ so that easy,
    well-classified examples count less. Which form runs depends on the target:

    * integer class indices (shape (N,) or (N, d1, ...), logits (N, C, ...)): the softmax form
      ``F.focal_loss``, FL = -α_y (1 - p_y)^γ ln p_y; ``alpha`` is None, a number, or one
      weight per class (C,), stored as a buffer.
    * a float target (binary or multi-label 0/1 labels of the input's shape, logits of any
      shape): the sigmoid form ``F.sigmoid_focal_loss`` (torchvision's), FL = α_t (1 - p_t)^γ ·
      BCE; ``alpha`` is None (no α weighting) or a number in [0, 1] (torchvision uses 0.25).

    γ = 0 with α = None is ``CrossEntropyLoss()`` / ``BCEWithLogitsLoss()``.

    Example:
        >>> criterion = nn.FocalLoss(gamma=2.0)
        >>> criterion(neuronlab.randn(8, 3), neuronlab.randint(0, 3, (8,)))
    """

    def __init__(
        self, gamma: float = 2.0, alpha: float | Tensor | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction=reduction)
        if gamma < 0:
            raise ValueError(f"FocalLoss: gamma must be >= 0, got {gamma}")
        self.gamma = gamma
        if isinstance(alpha, Tensor):
            self.register_buffer("alpha", alpha)
        else:
            self.alpha = alpha

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        if not (isinstance(target, Tensor) and target.is_floating_point()):
            return F.focal_loss(input, target, gamma=self.gamma, alpha=self.alpha, reduction=self.reduction)
        if isinstance(self.alpha, Tensor):
            raise ValueError(
                "FocalLoss: a per-class alpha tensor applies to class-index targets; for binary "
                "(float) targets give alpha as a number in [0, 1] or None"
            )
        return F.sigmoid_focal_loss(
            input, target, alpha=self.alpha, gamma=self.gamma, reduction=self.reduction
        )
