"""Every loss against PyTorch 2.13: functional forms and modules, values and input gradients
(with a random upstream gradient) in float32 and float64, for each reduction.

One table drives the comparison: each row names the loss, its neuronlab and reference
callables, and a maker of random inputs. neuronlab's own losses (``hinge_loss``,
``focal_loss``) are checked against their formula written with torch ops, and
``sigmoid_focal_loss`` against torchvision's formula (torchvision is not installed).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import neuronlab as nl
import neuronlab.nn as nn
import neuronlab.nn.functional as F
from neuronlab.autograd import gradcheck
from neuronlab.nn.functional.loss_arguments import TargetError

TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-9, atol=1e-11)}
DTYPES = [np.float32, np.float64]
N, C = 4, 5


# -- references for the losses PyTorch does not have --------------------------------------------
def _torch_reduce(loss, reduction):
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def torch_hinge(input, target, margin=1.0, reduction="mean"):
    y = target.to(input.dtype)
    if bool((target != -1).all()):  # {0, 1} labels
        y = 2 * y - 1
    return _torch_reduce(torch.clamp(margin - y * input, min=0), reduction)


def torch_focal(input, target, gamma=2.0, alpha=None, reduction="mean"):
    """-α_y (1 - p_y)^γ log p_y from log_softmax (Lin et al., 2017)."""
    logp = torch.log_softmax(input, 1 if input.ndim > 1 else 0)
    logp_y = logp.gather(1, target.unsqueeze(1)).squeeze(1) if input.ndim > 1 else logp[target]
    loss = -((1 - logp_y.exp()) ** gamma) * logp_y
    if alpha is not None:
        loss = loss * (alpha[target] if torch.is_tensor(alpha) else alpha)
    return _torch_reduce(loss, reduction)


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, verbatim."""
    p = torch.sigmoid(inputs)
    ce_loss = TF.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return _torch_reduce(loss, reduction)


# -- the table ---------------------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    ours: Any
    ref: Any
    make: Any  # rng -> (positional arrays, keyword arrays/values)
    grads: tuple = (0,)  # positional arguments whose gradient is compared
    reductions: tuple = ("none", "sum", "mean")
    ref_kwargs: dict = field(default_factory=dict)  # keyword overrides for the reference only


def randn(rng, *shape):
    return rng.standard_normal(shape)


def labels(rng, *shape, ignore=False):
    y = rng.integers(0, C, shape)
    if ignore:
        y.reshape(-1)[1] = -100
    return y


def probs(rng, *shape):  # class probabilities along dim 1
    p = rng.dirichlet(np.ones(C), (shape[0], *shape[2:]))
    return np.moveaxis(p, -1, 1).copy()


def signs(rng, *shape):
    return rng.choice([-1.0, 1.0], shape)


CASES = [
    Case("mse", F.mse_loss, TF.mse_loss, lambda r: ([randn(r, N, C), randn(r, N, C)], {}), grads=(0, 1)),
    Case("mse-weight", F.mse_loss, TF.mse_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C)], {"weight": r.uniform(0.2, 2, (N, C))}), grads=(0, 1)),
    Case("l1", F.l1_loss, TF.l1_loss, lambda r: ([randn(r, N, C), randn(r, N, C)], {}), grads=(0, 1)),
    Case("l1-weight", F.l1_loss, TF.l1_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C)], {"weight": r.uniform(0.2, 2, (N, C))})),
    Case("huber", F.huber_loss, TF.huber_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C)], {"delta": 0.7}), grads=(0, 1)),
    Case("huber-weight", F.huber_loss, TF.huber_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C)], {"weight": r.uniform(0.2, 2, (N, C))})),
    Case("smooth_l1", F.smooth_l1_loss, TF.smooth_l1_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C)], {"beta": 0.7}), grads=(0, 1)),
    Case("smooth_l1-beta0", F.smooth_l1_loss, TF.smooth_l1_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C)], {"beta": 0.0})),
    Case("bce", F.binary_cross_entropy, TF.binary_cross_entropy,
         lambda r: ([r.uniform(0.02, 0.98, (N, C)), r.uniform(0, 1, (N, C))], {}), grads=(0, 1)),
    Case("bce-weight", F.binary_cross_entropy, TF.binary_cross_entropy,
         lambda r: ([r.uniform(0.02, 0.98, (N, C)), r.uniform(0, 1, (N, C))], {"weight": r.uniform(0.2, 2, C)}),
         grads=(0, 1)),
    Case("bce_logits", F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits,
         lambda r: ([randn(r, N, C) * 3, r.uniform(0, 1, (N, C))], {}), grads=(0, 1)),
    Case("bce_logits-weight-pos_weight", F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits,
         lambda r: ([randn(r, N, C) * 3, r.uniform(0, 1, (N, C))],
                    {"weight": r.uniform(0.2, 2, (N, 1)), "pos_weight": r.uniform(0.5, 3, C)}), grads=(0, 1)),
    Case("ce", F.cross_entropy, TF.cross_entropy, lambda r: ([randn(r, N, C), labels(r, N)], {})),
    Case("ce-weight", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, N, C), labels(r, N)], {"weight": r.uniform(0.2, 2, C)})),
    Case("ce-ignore_index", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, N, C), labels(r, N, ignore=True)], {})),
    Case("ce-label_smoothing", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, N, C), labels(r, N)], {"label_smoothing": 0.2})),
    Case("ce-weight-ignore-smoothing", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, N, C), labels(r, N, ignore=True)], {"weight": r.uniform(0.2, 2, C), "label_smoothing": 0.15})),
    Case("ce-custom-ignore_index", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, N, C), np.array([0, 2, 2, 4])], {"ignore_index": 2})),
    Case("ce-probabilities", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, N, C), probs(r, N, C)], {}), grads=(0, 1)),
    Case("ce-probabilities-weight-smoothing", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, N, C), probs(r, N, C)], {"weight": r.uniform(0.2, 2, C), "label_smoothing": 0.3}),
         grads=(0, 1)),
    Case("ce-4d", F.cross_entropy, TF.cross_entropy, lambda r: ([randn(r, 2, C, 3, 2), labels(r, 2, 3, 2)], {})),
    Case("ce-4d-weight-ignore-smoothing", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, 2, C, 3, 2), labels(r, 2, 3, 2, ignore=True)],
                    {"weight": r.uniform(0.2, 2, C), "label_smoothing": 0.1})),
    Case("ce-4d-probabilities", F.cross_entropy, TF.cross_entropy,
         lambda r: ([randn(r, 2, C, 3, 2), probs(r, 2, C, 3, 2)], {"weight": r.uniform(0.2, 2, C)}), grads=(0, 1)),
    Case("ce-unbatched", F.cross_entropy, TF.cross_entropy, lambda r: ([randn(r, C), np.array(3)], {})),
    Case("nll", F.nll_loss, TF.nll_loss, lambda r: ([randn(r, N, C), labels(r, N)], {})),
    Case("nll-weight-ignore", F.nll_loss, TF.nll_loss,
         lambda r: ([randn(r, N, C), labels(r, N, ignore=True)], {"weight": r.uniform(0.2, 2, C)})),
    Case("nll-4d-weight-ignore", F.nll_loss, TF.nll_loss,
         lambda r: ([randn(r, 2, C, 3, 2), labels(r, 2, 3, 2, ignore=True)], {"weight": r.uniform(0.2, 2, C)})),
    Case("kl_div", F.kl_div, TF.kl_div,
         lambda r: ([np.log(probs(r, N, C)), probs(r, N, C)], {}), grads=(0, 1),
         reductions=("none", "sum", "mean", "batchmean")),
    Case("kl_div-zero-target", F.kl_div, TF.kl_div,
         lambda r: ([randn(r, N, C), probs(r, N, C) * (r.uniform(size=(N, C)) > 0.3)], {}),
         reductions=("none", "sum", "mean", "batchmean")),
    Case("kl_div-log_target", F.kl_div, TF.kl_div,
         lambda r: ([np.log(probs(r, N, C)), np.log(probs(r, N, C))], {"log_target": True}), grads=(0, 1),
         reductions=("none", "sum", "mean", "batchmean")),
    Case("multi_margin", F.multi_margin_loss, TF.multi_margin_loss, lambda r: ([randn(r, N, C), labels(r, N)], {})),
    Case("multi_margin-p2-weight", F.multi_margin_loss, TF.multi_margin_loss,
         lambda r: ([randn(r, N, C), labels(r, N)], {"p": 2, "margin": 0.7, "weight": r.uniform(0.2, 2, C)})),
    Case("multi_margin-unbatched", F.multi_margin_loss, TF.multi_margin_loss,
         lambda r: ([randn(r, C), np.array(2)], {})),
    Case("hinge_embedding", F.hinge_embedding_loss, TF.hinge_embedding_loss,
         lambda r: ([randn(r, N, C), signs(r, N, C)], {"margin": 0.5})),
    Case("soft_margin", F.soft_margin_loss, TF.soft_margin_loss, lambda r: ([randn(r, N, C), signs(r, N, C)], {})),
    Case("margin_ranking", F.margin_ranking_loss, TF.margin_ranking_loss,
         lambda r: ([randn(r, N), randn(r, N), signs(r, N)], {"margin": 0.3}), grads=(0, 1)),
    Case("poisson_nll", F.poisson_nll_loss, TF.poisson_nll_loss,
         lambda r: ([randn(r, N, C), r.poisson(2.0, (N, C)).astype(float)], {})),
    Case("poisson_nll-full-rates", F.poisson_nll_loss, TF.poisson_nll_loss,
         lambda r: ([r.uniform(0.1, 3, (N, C)), r.poisson(2.0, (N, C)).astype(float)],
                    {"log_input": False, "full": True})),
    Case("gaussian_nll-full", F.gaussian_nll_loss, TF.gaussian_nll_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C), r.uniform(0.1, 2, (N, C))], {"full": True}), grads=(0, 1, 2)),
    Case("gaussian_nll-homoscedastic", F.gaussian_nll_loss, TF.gaussian_nll_loss,
         lambda r: ([randn(r, N, C), randn(r, N, C), r.uniform(0.1, 2, N)], {}), grads=(0, 1, 2)),
    Case("hinge", F.hinge_loss, torch_hinge, lambda r: ([randn(r, N, C), signs(r, N, C)], {})),
    Case("hinge-01-labels-margin", F.hinge_loss, torch_hinge,
         lambda r: ([randn(r, N), r.integers(0, 2, N)], {"margin": 0.5})),
    Case("focal", F.focal_loss, torch_focal, lambda r: ([randn(r, N, C) * 2, labels(r, N)], {})),
    Case("focal-gamma-alpha-per-class", F.focal_loss, torch_focal,
         lambda r: ([randn(r, N, C) * 2, labels(r, N)], {"gamma": 0.5, "alpha": r.uniform(0.2, 1, C)})),
    Case("focal-alpha-number-4d", F.focal_loss, torch_focal,
         lambda r: ([randn(r, 2, C, 3, 2), labels(r, 2, 3, 2)], {"gamma": 3.0, "alpha": 0.25})),
    Case("sigmoid_focal", F.sigmoid_focal_loss, torchvision_sigmoid_focal_loss,
         lambda r: ([randn(r, N, C) * 2, r.integers(0, 2, (N, C)).astype(float)], {}), grads=(0, 1)),
    Case("sigmoid_focal-no-alpha", F.sigmoid_focal_loss, torchvision_sigmoid_focal_loss,
         lambda r: ([randn(r, N, C) * 2, r.uniform(0, 1, (N, C))], {"alpha": None, "gamma": 1.5}),
         ref_kwargs={"alpha": -1}),
]  # fmt: skip


def convert(value, lib, dtype, grad=False):
    """A NumPy array as a tensor of ``lib`` (float arrays in ``dtype``); other values unchanged."""
    if not isinstance(value, np.ndarray):
        return value
    array = value.astype(dtype) if value.dtype.kind == "f" else value
    return nl.tensor(array, requires_grad=grad) if lib is nl else torch.tensor(array, requires_grad=grad)


def run(fn, lib, arrays, kwargs, dtype, grads, upstream=None):
    """The loss and the gradients of the ``grads`` arguments for upstream gradient ``upstream``
    (random, the loss's shape, made here when None)."""
    args = [convert(a, lib, dtype, i in grads) for i, a in enumerate(arrays)]
    kw_ = {k: convert(v, lib, dtype) for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's kl_div 'mean' warning
        out = fn(*args, **kw_)
    if upstream is None:
        upstream = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype)
    out.backward(convert(upstream, lib, dtype))
    value = out.detach().numpy()
    return value, [args[i].grad.numpy() for i in grads], upstream


def assert_close(ours, ref, dtype, what):
    np.testing.assert_allclose(ours, ref, **TOL[dtype], err_msg=what)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize(
    ("case", "reduction"), [pytest.param(c, r, id=f"{c.id}-{r}") for c in CASES for r in c.reductions]
)
def test_functional_matches_torch(case, reduction, dtype):
    arrays, kwargs = case.make(np.random.default_rng(0))
    ref_kwargs = {**kwargs, **case.ref_kwargs, "reduction": reduction}
    ref, ref_grads, upstream = run(case.ref, torch, arrays, ref_kwargs, dtype, case.grads)
    ours, our_grads, _ = run(
        case.ours, nl, arrays, {**kwargs, "reduction": reduction}, dtype, case.grads, upstream
    )
    assert ours.dtype == dtype
    assert ours.shape == ref.shape
    assert_close(ours, ref, dtype, f"{case.id} value")
    for i, ours_g, ref_g in zip(case.grads, our_grads, ref_grads):
        assert_close(ours_g, ref_g, dtype, f"{case.id} gradient of argument {i}")


# -- modules ----------------------------------------------------------------------------------------
@dataclass
class ModuleCase:
    name: str
    kwargs: dict  # constructor arguments (arrays become tensors)
    make: Any  # rng -> positional arrays
    ref: Any = None  # a torch module factory for neuronlab-only losses
    grads: tuple = (0,)
    reductions: tuple = ("none", "sum", "mean")


MODULES = [
    ModuleCase("MSELoss", {}, lambda r: [randn(r, N, C), randn(r, N, C)]),
    ModuleCase("L1Loss", {}, lambda r: [randn(r, N, C), randn(r, N, C)]),
    ModuleCase("HuberLoss", {"delta": 0.5}, lambda r: [randn(r, N, C), randn(r, N, C)]),
    ModuleCase("SmoothL1Loss", {"beta": 0.5}, lambda r: [randn(r, N, C), randn(r, N, C)]),
    ModuleCase("BCELoss", {"weight": np.linspace(0.5, 2, C)}, lambda r: [r.uniform(0.05, 0.95, (N, C)), r.uniform(0, 1, (N, C))]),
    ModuleCase("BCEWithLogitsLoss", {"weight": np.linspace(0.5, 2, C), "pos_weight": np.linspace(1, 3, C)},
               lambda r: [randn(r, N, C), r.uniform(0, 1, (N, C))]),
    ModuleCase("BCEWithLogitsLoss", {}, lambda r: [randn(r, N, C), r.uniform(0, 1, (N, C))]),
    ModuleCase("CrossEntropyLoss", {"weight": np.linspace(0.5, 2, C), "ignore_index": 1, "label_smoothing": 0.1},
               lambda r: [randn(r, 2, C, 3), labels(r, 2, 3)]),
    ModuleCase("CrossEntropyLoss", {}, lambda r: [randn(r, N, C), probs(r, N, C)]),
    ModuleCase("NLLLoss", {"weight": np.linspace(0.5, 2, C), "ignore_index": 0},
               lambda r: [np.log(probs(r, N, C)), labels(r, N)]),
    ModuleCase("KLDivLoss", {"log_target": True}, lambda r: [np.log(probs(r, N, C)), np.log(probs(r, N, C))],
               reductions=("none", "sum", "mean", "batchmean")),
    ModuleCase("MultiMarginLoss", {"p": 2, "margin": 0.5, "weight": np.linspace(0.5, 2, C)},
               lambda r: [randn(r, N, C), labels(r, N)]),
    ModuleCase("HingeEmbeddingLoss", {"margin": 2.0}, lambda r: [np.abs(randn(r, N, C)), signs(r, N, C)]),
    ModuleCase("SoftMarginLoss", {}, lambda r: [randn(r, N), signs(r, N)]),
    ModuleCase("MarginRankingLoss", {"margin": 0.2}, lambda r: [randn(r, N), randn(r, N), signs(r, N)], grads=(0, 1)),
    ModuleCase("PoissonNLLLoss", {"full": True}, lambda r: [randn(r, N, C), r.poisson(3.0, (N, C)).astype(float)]),
    ModuleCase("GaussianNLLLoss", {"eps": 1e-3}, lambda r: [randn(r, N, C), randn(r, N, C), r.uniform(0, 1, (N, 1))],
               grads=(0, 2)),
    ModuleCase("HingeLoss", {"margin": 0.5}, lambda r: [randn(r, N), r.integers(0, 2, N)],
               ref=lambda margin, reduction: lambda x, y: torch_hinge(x, y, margin, reduction)),
    ModuleCase("FocalLoss", {"gamma": 1.5, "alpha": np.linspace(0.25, 1, C)}, lambda r: [randn(r, N, C), labels(r, N)],
               ref=lambda gamma, alpha, reduction: lambda x, y: torch_focal(x, y, gamma, alpha, reduction)),
    ModuleCase("FocalLoss", {"gamma": 2.0, "alpha": 0.25}, lambda r: [randn(r, N, C), r.integers(0, 2, (N, C)).astype(float)],
               ref=lambda gamma, alpha, reduction: lambda x, y: torchvision_sigmoid_focal_loss(x, y, alpha, gamma, reduction)),
]  # fmt: skip


def build(case: ModuleCase, lib, dtype, reduction):
    kwargs = {k: convert(v, lib, dtype) for k, v in case.kwargs.items()}
    if lib is nl:
        return getattr(nn, case.name)(**kwargs, reduction=reduction)
    if case.ref is not None:
        return case.ref(**kwargs, reduction=reduction)
    return getattr(torch.nn, case.name)(**kwargs, reduction=reduction)


def module_id(case: ModuleCase) -> str:
    return case.name + "".join(f"-{k}" for k in case.kwargs)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize(
    ("case", "reduction"),
    [pytest.param(c, r, id=f"{module_id(c)}-{r}") for c in MODULES for r in c.reductions],
)
def test_module_matches_torch(case, reduction, dtype):
    arrays = case.make(np.random.default_rng(3))
    ref, ref_grads, upstream = run(build(case, torch, dtype, reduction), torch, arrays, {}, dtype, case.grads)
    ours, our_grads, _ = run(build(case, nl, dtype, reduction), nl, arrays, {}, dtype, case.grads, upstream)
    assert_close(ours, ref, dtype, f"{case.name} value")
    for i, ours_g, ref_g in zip(case.grads, our_grads, ref_grads):
        assert_close(ours_g, ref_g, dtype, f"{case.name} gradient of argument {i}")


TORCH_MODULES = [c for c in MODULES if c.ref is None]


@pytest.mark.parametrize("case", TORCH_MODULES, ids=[module_id(c) for c in TORCH_MODULES])
def test_module_repr_attributes_and_state_dict_match_torch(case):
    ours = build(case, nl, np.float32, "mean")
    ref = build(case, torch, np.float32, "mean")
    assert repr(ours) == repr(ref)
    public = {k: v for k, v in vars(ref).items() if not k.startswith("_") and k != "training"}
    for name, value in public.items():
        assert getattr(ours, name) == value, name
    assert list(ours._buffers) == list(ref._buffers)
    ours_state, ref_state = ours.state_dict(), ref.state_dict()
    assert list(ours_state) == list(ref_state)
    for key in ref_state:
        np.testing.assert_array_equal(ours_state[key].numpy(), ref_state[key].numpy())


def test_module_defaults_and_reprs_match_torch():
    for name in ["MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "BCELoss", "BCEWithLogitsLoss",
                 "CrossEntropyLoss", "NLLLoss", "KLDivLoss", "MultiMarginLoss", "HingeEmbeddingLoss",
                 "SoftMarginLoss", "MarginRankingLoss", "PoissonNLLLoss", "GaussianNLLLoss"]:  # fmt: skip
        ours, ref = getattr(nn, name)(), getattr(torch.nn, name)()
        assert repr(ours) == repr(ref) == f"{name}()"
        for key, value in vars(ref).items():
            if not key.startswith("_"):
                assert getattr(ours, key) == value, (name, key)
        assert list(ours._buffers) == list(ref._buffers), name
        assert list(ours.state_dict()) == list(ref.state_dict()) == [], name
    assert repr(nn.HingeLoss()) == "HingeLoss()" and nn.HingeLoss().margin == 1.0
    focal = nn.FocalLoss()
    assert repr(focal) == "FocalLoss()" and (focal.gamma, focal.alpha, focal.reduction) == (2.0, None, "mean")


def test_loss_buffers_follow_module_dtype_and_load_state_dict():
    loss = nn.CrossEntropyLoss(weight=nl.tensor([1.0, 2.0, 3.0]))
    loss.double()
    assert loss.weight.dtype == nl.float64
    ref = torch.nn.CrossEntropyLoss(weight=torch.tensor([3.0, 1.0, 0.5], dtype=torch.float64))
    loss.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    x, y = np.random.default_rng(0).standard_normal((6, 3)), np.array([0, 1, 2, 2, 1, 0])
    ours = loss(nl.tensor(x), nl.tensor(y)).item()
    assert ours == pytest.approx(ref(torch.tensor(x), torch.tensor(y)).item(), rel=1e-12)


def test_legacy_size_average_and_reduce_flags_map_like_torch():
    x, y = np.random.default_rng(0).standard_normal((2, 3, 4))
    for flags in [dict(size_average=False), dict(reduce=False), dict(size_average=True, reduce=True)]:
        with pytest.warns(UserWarning, match="size_average and reduce"):
            ours = F.mse_loss(nl.tensor(x), nl.tensor(y), **flags)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = TF.mse_loss(torch.tensor(x), torch.tensor(y), **flags)
            ref_module = torch.nn.L1Loss(**flags)
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-12)
        with pytest.warns(UserWarning):
            assert nn.L1Loss(**flags).reduction == ref_module.reduction


# -- gradcheck (float64 finite differences), second derivatives -----------------------------------------
def _leaf(a):
    return nl.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def _gradcheck_case(name: str, rng):
    """(function of the differentiated inputs, those inputs); labels and weights are drawn once."""
    y = nl.tensor(labels(rng, N))
    if name == "cross_entropy-weight-smoothing-4d":
        y4, w = nl.tensor(labels(rng, 2, 3)), nl.tensor(rng.uniform(0.5, 2, C))
        return lambda x: F.cross_entropy(x, y4, weight=w, label_smoothing=0.2), [_leaf(randn(rng, 2, C, 3))]
    if name == "focal":
        return lambda x: F.focal_loss(x, y, gamma=2.0), [_leaf(randn(rng, N, C))]
    if name == "sigmoid_focal":
        return (lambda x, t: F.sigmoid_focal_loss(x, t, reduction="mean"),
                [_leaf(randn(rng, N, 2)), _leaf(rng.uniform(0, 1, (N, 2)))])  # fmt: skip
    if name == "kl_div-batchmean":
        return (lambda x, t: F.kl_div(x, t, reduction="batchmean"),
                [_leaf(randn(rng, N, C)), _leaf(probs(rng, N, C))])  # fmt: skip
    if name == "multi_margin-p2":
        return lambda x: F.multi_margin_loss(x, y, p=2), [_leaf(randn(rng, N, C))]
    if name == "bce":
        return F.binary_cross_entropy, [_leaf(rng.uniform(0.1, 0.9, 6)), _leaf(rng.uniform(0, 1, 6))]
    if name == "gaussian_nll":
        zeros = nl.zeros(N, dtype=nl.float64)
        inputs = [_leaf(randn(rng, N)), _leaf(rng.uniform(0.5, 2, N))]
        return lambda x, v: F.gaussian_nll_loss(x, zeros, v), inputs
    raise KeyError(name)


GRADCHECKS = ["cross_entropy-weight-smoothing-4d", "focal", "sigmoid_focal", "kl_div-batchmean",
              "multi_margin-p2", "bce", "gaussian_nll"]  # fmt: skip


@pytest.mark.parametrize("name", GRADCHECKS)
def test_gradcheck(name):
    func, inputs = _gradcheck_case(name, np.random.default_rng(5))
    assert gradcheck(func, inputs)


SECOND_ORDER_IDS = (
    "ce",
    "ce-weight-ignore-smoothing",
    "bce",
    "bce_logits-weight-pos_weight",
    "focal",
    "sigmoid_focal",
)
SECOND_DERIVATIVES = [c for c in CASES if c.id in SECOND_ORDER_IDS]


@pytest.mark.parametrize("case", SECOND_DERIVATIVES, ids=[c.id for c in SECOND_DERIVATIVES])
def test_second_derivative_matches_torch(case):
    """d/dx Σ v · dL/dx (a Hessian-vector product) with ``create_graph=True``, in float64.
    The fused cross-entropy and the BCE op rebuild their backward inside the graph here."""
    arrays, kwargs = case.make(np.random.default_rng(0))
    v = np.random.default_rng(2).standard_normal(arrays[0].shape)
    results = []
    for lib, fn, grad_fn in [(nl, case.ours, nl.autograd.grad), (torch, case.ref, torch.autograd.grad)]:
        x = convert(arrays[0], lib, np.float64, grad=True)
        rest = [convert(a, lib, np.float64) for a in arrays[1:]]
        loss = fn(
            x, *rest, **{k: convert(val, lib, np.float64) for k, val in kwargs.items()}, reduction="sum"
        )
        (g,) = grad_fn(loss, [x], create_graph=True)
        (g * convert(v, lib, np.float64)).sum().backward()
        results.append(x.grad.numpy())
    np.testing.assert_allclose(*results, rtol=1e-9, atol=1e-11)


# -- focal loss behaviour ---------------------------------------------------------------------------------
def test_focal_with_gamma_zero_is_cross_entropy():
    rng = np.random.default_rng(0)
    x, y = nl.tensor(randn(rng, 8, C)), nl.tensor(labels(rng, 8))
    for reduction in ["none", "sum", "mean"]:
        ce = F.cross_entropy(x, y, reduction=reduction).numpy()
        np.testing.assert_allclose(F.focal_loss(x, y, gamma=0.0, reduction=reduction).numpy(), ce, rtol=1e-6)
        np.testing.assert_allclose(nn.FocalLoss(gamma=0.0, reduction=reduction)(x, y).numpy(), ce, rtol=1e-6)
    t = nl.tensor(rng.integers(0, 2, (8, C)).astype(np.float32))
    bce = F.binary_cross_entropy_with_logits(x, t).item()
    assert nn.FocalLoss(gamma=0.0)(x, t).item() == pytest.approx(bce, rel=1e-6)


def test_focal_down_weights_easy_examples_in_an_imbalanced_batch():
    """Nine easy, well-classified examples of the majority class and one hard minority example:
    cross-entropy lets the easy ones carry a visible share of the loss; focal loss (γ = 2)
    shrinks them far more than the hard one, so the hard example dominates loss and gradient."""
    easy = np.tile([4.0, 0.0, 0.0], (9, 1))  # p_y ≈ 0.96 for class 0
    hard = np.array([[2.0, 0.0, 0.5]])  # true class 2, p_y ≈ 0.17
    x = nl.tensor(np.vstack([easy, hard]), requires_grad=True)
    y = nl.tensor(np.array([0] * 9 + [2]))
    ce = F.cross_entropy(x, y, reduction="none").detach().numpy()
    fl = F.focal_loss(x, y, gamma=2.0, reduction="none").detach().numpy()
    shrink = fl / ce
    assert shrink[:9].max() < 0.01 < 0.5 < shrink[9]  # easy: ×(1 - 0.96)² ≈ 0.002; hard: ×0.69
    assert ce[:9].sum() / ce.sum() > 0.1  # under cross-entropy the easy examples weigh in...
    assert fl[:9].sum() / fl.sum() < 0.01  # ...under focal loss they hardly count
    F.focal_loss(x, y, gamma=2.0, reduction="sum").backward()
    grad_norms = np.linalg.norm(x.grad.numpy(), axis=1)
    assert grad_norms[9] > 20 * grad_norms[:9].max()


def test_focal_module_picks_the_form_from_the_target():
    rng = np.random.default_rng(0)
    x = nl.tensor(randn(rng, N, C))
    idx, binary = nl.tensor(labels(rng, N)), nl.tensor(rng.integers(0, 2, (N, C)).astype(np.float32))
    loss = nn.FocalLoss(gamma=2.0, alpha=0.25)
    assert loss(x, idx).item() == pytest.approx(F.focal_loss(x, idx, gamma=2.0, alpha=0.25).item())
    assert loss(x, binary).item() == pytest.approx(F.sigmoid_focal_loss(x, binary, 0.25, 2.0, "mean").item())
    with pytest.raises(ValueError, match="alpha"):
        nn.FocalLoss(alpha=nl.ones(C))(x, binary)


# -- numerical stability -------------------------------------------------------------------------------------
def test_cross_entropy_and_bce_with_logits_stay_finite_at_huge_logits():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0], [1e4, 1e4, -1e4]], dtype=np.float32)
    y = np.array([1, 1, 2])
    t = np.array([[1, 0, 1], [1, 0, 0.5], [0, 1, 0]], dtype=np.float32)
    checks = [
        (F.cross_entropy, TF.cross_entropy, y, {}),
        (F.cross_entropy, TF.cross_entropy, y, {"label_smoothing": 0.1, "weight": np.array([1, 2, 3], np.float32)}),
        (F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, t, {}),
        (F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, t,
         {"pos_weight": np.array([1, 2, 3], np.float32)}),
    ]  # fmt: skip
    for ours_fn, ref_fn, target, kwargs in checks:
        for reduction in ["none", "mean"]:
            ref, ref_grads, g = run(
                ref_fn, torch, [x, target], {**kwargs, "reduction": reduction}, np.float32, (0,)
            )
            ours, our_grads, _ = run(
                ours_fn, nl, [x, target], {**kwargs, "reduction": reduction}, np.float32, (0,), g
            )
            assert np.isfinite(ours).all() and np.isfinite(our_grads[0]).all()
            np.testing.assert_allclose(ours, ref, rtol=1e-6)
            np.testing.assert_allclose(our_grads[0], ref_grads[0], rtol=1e-6, atol=1e-7)


def test_logit_losses_stay_finite_at_huge_logits():
    x = nl.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True)
    t01, pm = nl.tensor([1.0, 1.0, 0.0, 0.0]), nl.tensor([1.0, 1.0, -1.0, -1.0])
    for loss in [F.sigmoid_focal_loss(x, t01, reduction="sum"), F.soft_margin_loss(x, pm, reduction="sum"),
                 nn.FocalLoss()(x, t01), F.focal_loss(x.reshape(2, 2), nl.tensor([0, 1]))]:  # fmt: skip
        (grad,) = nl.autograd.grad(loss, [x])
        assert np.isfinite(loss.item()) and np.isfinite(grad.numpy()).all()
    assert F.soft_margin_loss(x, pm, reduction="none").detach().numpy().tolist() == [0.0, 1e4, 1e4, 0.0]


def test_bce_at_probabilities_zero_and_one_matches_torch_clamping():
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5], dtype=np.float32)
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0], dtype=np.float32)
    ref, ref_grads, g = run(TF.binary_cross_entropy, torch, [p, t], {"reduction": "none"}, np.float32, (0,))
    ours, our_grads, _ = run(F.binary_cross_entropy, nl, [p, t], {"reduction": "none"}, np.float32, (0,), g)
    np.testing.assert_allclose(ours, ref)  # each log clamped at -100
    np.testing.assert_allclose(our_grads[0], ref_grads[0], rtol=1e-6)  # (p - t) / max(p(1 - p), 1e-12)


def test_every_target_ignored_gives_nan_and_zero_gradient_like_torch():
    x = nl.tensor(np.ones((2, 3)), requires_grad=True)
    loss = F.cross_entropy(x, nl.tensor([-100, -100]))
    loss.backward()
    ref = TF.cross_entropy(torch.ones(2, 3, dtype=torch.float64), torch.tensor([-100, -100]))
    assert np.isnan(loss.item()) and np.isnan(ref.item())
    assert (x.grad.numpy() == 0).all()
    assert np.isnan(F.nll_loss(x, nl.tensor([-100, -100])).item())
    assert np.isnan(F.cross_entropy(x, nl.tensor([-100, -100]), label_smoothing=0.1).item())


def test_kl_div_batchmean_is_the_mean_kl_per_sample():
    rng = np.random.default_rng(0)
    p, q = probs(rng, N, C), probs(rng, N, C)
    kl = (q * np.log(q / p)).sum(axis=1).mean()
    assert F.kl_div(nl.tensor(np.log(p)), nl.tensor(q), reduction="batchmean").item() == pytest.approx(kl)
    assert nn.KLDivLoss(reduction="batchmean")(nl.tensor(np.log(p)), nl.tensor(q)).item() == pytest.approx(kl)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 'mean' is PyTorch's value, without its warning
        assert F.kl_div(nl.tensor(np.log(p)), nl.tensor(q)).item() == pytest.approx(kl / C)


def test_hinge_labels_zero_one_and_minus_one_one_agree():
    x = nl.tensor([2.0, 0.3, -0.2, -3.0])
    a = F.hinge_loss(x, nl.tensor([1, 0, 1, 0]), reduction="none").numpy()
    b = F.hinge_loss(x, nl.tensor([1.0, -1.0, 1.0, -1.0]), reduction="none").numpy()
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(a, [0.0, 1.3, 1.2, 0.0], rtol=1e-6)
    assert F.hinge_loss(x, nl.tensor([0, 0, 0, 0])).item() == pytest.approx((3 + 1.3 + 0.8 + 0) / 4)


# -- errors -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda x: F.mse_loss(x, nl.zeros(4)),
        lambda x: F.binary_cross_entropy_with_logits(x, nl.zeros(4, 1, 1)),
        lambda x: F.kl_div(x, nl.zeros(4)),
        lambda x: F.hinge_loss(x, nl.zeros(4)),
        lambda x: F.soft_margin_loss(x, nl.zeros(4)),
        lambda x: nn.SmoothL1Loss()(x, nl.zeros(1, 4)),
        lambda x: nn.FocalLoss()(x.reshape(4), nl.zeros(1, 4)),
    ],
    ids=["mse", "bce_logits", "kl_div", "hinge", "soft_margin", "SmoothL1Loss", "FocalLoss"],
)
def test_shape_mismatch_names_the_loss_and_both_shapes(call):
    with pytest.raises(ValueError) as info:
        call(nl.zeros(4, 1))
    message = str(info.value)
    assert "(4, 1)" in message or "(4,)" in message
    assert "(4,)" in message or "(1, 4)" in message or "(4, 1, 1)" in message
    assert "loss" in message or "kl_div" in message or "cross_entropy" in message


@pytest.mark.parametrize(
    "call",
    [
        lambda: F.cross_entropy(nl.zeros(2, 3), nl.tensor([0, 3])),
        lambda: F.nll_loss(nl.zeros(2, 3), nl.tensor([-1, 0])),
        lambda: nn.CrossEntropyLoss()(nl.zeros(2, 3, 4), nl.tensor(np.full((2, 4), 5))),
        lambda: F.multi_margin_loss(nl.zeros(2, 3), nl.tensor([0, 3])),
        lambda: nn.FocalLoss()(nl.zeros(2, 3), nl.tensor([0, 7])),
    ],
    ids=["cross_entropy", "nll", "CrossEntropyLoss-4d", "multi_margin", "FocalLoss"],
)
def test_labels_out_of_range_raise_target_error_with_the_valid_range(call):
    with pytest.raises(TargetError, match=r"\[0, 2\]") as info:
        call()
    assert isinstance(info.value, IndexError) and isinstance(info.value, ValueError)


def test_float_target_of_class_index_shape_is_rejected_clearly():
    with pytest.raises(TypeError, match=r"class indices.*long\(\)"):
        nn.CrossEntropyLoss()(nl.zeros(4, 3), nl.tensor([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(TypeError, match="long"):
        F.nll_loss(nl.zeros(4, 3), nl.tensor([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(TypeError, match="sigmoid_focal_loss"):
        F.focal_loss(nl.zeros(4, 3), nl.tensor([0.0, 1.0, 2.0, 1.0]))


@pytest.mark.parametrize(
    "make",
    [lambda: nn.MSELoss(reduction="avg"), lambda: nn.CrossEntropyLoss(reduction="batchmean"),
     lambda: nn.FocalLoss(reduction="max"), lambda: nn.BCEWithLogitsLoss(reduction="")],
    ids=["MSELoss", "CrossEntropyLoss", "FocalLoss", "BCEWithLogitsLoss"],
)  # fmt: skip
def test_invalid_reduction_raises_value_error_at_construction(make):
    with pytest.raises(ValueError, match="reduction"):
        make()


@pytest.mark.parametrize(
    "call",
    [lambda x, y: F.mse_loss(x, x, reduction="avg"), lambda x, y: F.cross_entropy(x, y, reduction="avg"),
     lambda x, y: F.kl_div(x, x, reduction="avg"), lambda x, y: F.focal_loss(x, y, reduction="avg"),
     lambda x, y: F.hinge_loss(x, x.sign(), reduction="avg"), lambda x, y: F.multi_margin_loss(x, y, reduction="avg")],
    ids=["mse", "cross_entropy", "kl_div", "focal", "hinge", "multi_margin"],
)  # fmt: skip
def test_invalid_reduction_raises_value_error_in_functional_form(call):
    with pytest.raises(ValueError, match="reduction"):
        call(nl.ones(2, 3), nl.tensor([0, 1]))


def test_invalid_hyperparameters_and_labels_raise_value_errors():
    x = nl.zeros(2, 3)
    cases = [
        (lambda: F.hinge_loss(nl.zeros(3), nl.tensor([-1, 0, 1])), r"\{-1, 1\}"),
        (lambda: F.hinge_loss(nl.zeros(2), nl.tensor([2, 1])), "labels"),
        (lambda: F.binary_cross_entropy(nl.tensor([1.5]), nl.tensor([1.0])), "between 0 and 1"),
        (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), "label_smoothing"),
        (lambda: F.cross_entropy(x, nl.tensor([0, 1]), weight=nl.ones(4)), r"\(3,\)"),
        (lambda: nn.MultiMarginLoss(p=3), "p == 1 and p == 2"),
        (lambda: nn.FocalLoss(gamma=-1.0), "gamma"),
        (lambda: F.focal_loss(x, nl.tensor([0, 1]), alpha=nl.ones(4)), "alpha"),
        (lambda: F.gaussian_nll_loss(x, x, nl.full((2, 3), -1.0)), "negative"),
        (lambda: F.huber_loss(x, x, delta=0.0), "delta"),
    ]
    for call, match in cases:
        with pytest.raises(ValueError, match=match):
            call()


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "binary_cross_entropy_with_logits"])
def test_bce_refuses_targets_outside_zero_one(loss):
    fn = getattr(F, loss)
    p = nl.tensor([0.2, 0.7])
    with pytest.raises(ValueError, match="target should be between 0 and 1"):
        fn(p, nl.tensor([-1.0, 1.0]))
    fn(p, nl.tensor([0.0, 1.0]))  # hard labels and soft ones inside [0, 1] are fine
