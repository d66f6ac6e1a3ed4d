"""Simulated annealing as an Optuna sampler (Kirkpatrick et al. 1983), written the way Optuna's
documentation shows for user-defined samplers ("User-Defined Sampler": ``BaseSampler`` with
``infer_relative_search_space`` / ``sample_relative`` / ``sample_independent``).

The state is one configuration. Each new trial is drawn from a neighbourhood of the state, in
the unit cube of the search space (log scale for log-distributed parameters): every coordinate
moves by at most ``step · T/T₀`` of its range, so the neighbourhood shrinks as it cools. After a
trial with value v, a state with value c (maximizing) moves there with probability::

    1                  if v ≥ c
    exp((v − c) / T)   otherwise,      then T ← cooling · T

The first trial (nothing to be near yet) is drawn uniformly, by Optuna's RandomSampler.
"""

from __future__ import annotations

import math

import numpy as np
import optuna
from optuna.distributions import FloatDistribution, IntDistribution


class SimulatedAnnealingSampler(optuna.samplers.BaseSampler):
    """Simulated annealing over float and int parameters, for a study that maximizes.

    Args:
        temperature: T₀, in units of the objective (e.g. 0.05 = five points of accuracy).
        cooling: T is multiplied by this after every trial.
        step: the largest move of a coordinate at T₀, as a fraction of its range.
        seed: seeds the proposals, the acceptance draws and the first (random) trial.

    Example:
        >>> sampler = SimulatedAnnealingSampler(seed=0)
        >>> study = optuna.create_study(direction="maximize", sampler=sampler)
        >>> study.optimize(lambda t: -(t.suggest_float("x", -1, 1) - 0.3) ** 2, n_trials=30)
        >>> abs(study.best_params["x"] - 0.3) < 0.2
        True
    """

    def __init__(
        self, temperature: float = 0.05, cooling: float = 0.8, step: float = 0.3, seed: int | None = None
    ):
        self._rng = np.random.default_rng(seed)
        self._first = optuna.samplers.RandomSampler(seed=seed)
        self._t0 = self._temperature = temperature
        self._cooling, self._step = cooling, step
        self._state: optuna.trial.FrozenTrial | None = None

    def infer_relative_search_space(self, study, trial) -> dict:
        return optuna.search_space.intersection_search_space(study.get_trials(deepcopy=False))

    def sample_relative(self, study, trial, search_space: dict) -> dict:
        if not search_space:
            return {}
        self._accept(study)
        scale = self._step * self._temperature / self._t0
        self._temperature *= self._cooling
        return {
            name: self._neighbour(self._state.params[name], dist, scale)
            for name, dist in search_space.items()
        }

    def sample_independent(self, study, trial, param_name: str, param_distribution):
        return self._first.sample_independent(study, trial, param_name, param_distribution)

    def _accept(self, study) -> None:
        """Move the state to the last finished trial with the Metropolis probability."""
        done = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE]
        last = done[-1]
        if self._state is None or last.value >= self._state.value:
            self._state = last
        elif self._rng.random() < math.exp((last.value - self._state.value) / self._temperature):
            self._state = last

    def _neighbour(self, value, dist, scale: float):
        """A uniform draw within ``scale`` of ``value`` in the unit interval of ``dist``."""
        if not isinstance(dist, FloatDistribution | IntDistribution):
            raise NotImplementedError(f"SimulatedAnnealingSampler: {type(dist).__name__} is not supported")
        to_unit, from_unit = _unit_maps(dist)
        u = float(np.clip(to_unit(value) + self._rng.uniform(-scale, scale), 0.0, 1.0))
        x = from_unit(u)
        if isinstance(dist, IntDistribution):
            return int(min(max(round(x), dist.low), dist.high))
        return float(min(max(x, dist.low), dist.high))


def _unit_maps(dist):
    """(value → [0, 1], [0, 1] → value) for a distribution, on a log scale when it is one."""
    low, high = float(dist.low), float(dist.high)
    if dist.log:
        a, b = math.log(low), math.log(high)
        return (lambda x: (math.log(x) - a) / (b - a)), (lambda u: math.exp(a + u * (b - a)))
    return (lambda x: (x - low) / (high - low)), (lambda u: low + u * (high - low))
