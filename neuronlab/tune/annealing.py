"""Simulated annealing as an Optuna sampler (003 §4.2 ex. 5; Kirkpatrick, Gelatt and Vecchi
1983, "Optimization by Simulated Annealing").

The chain keeps a *current* configuration. Each new trial is a neighbour of it: every numeric
parameter moves by a Gaussian step in its (log-)scaled unit interval, every categorical one
changes with a probability, both shrinking with the temperature. When a trial finishes the
sampler accepts it as the new current configuration if it is better, or if it is worse by Δ
with the Metropolis probability exp(−Δ / T). The temperature cools geometrically,
``T_k = T_0 · cooling^k`` (k = trials seen), so the search moves from exploring to refining.

It is a real ``optuna.samplers.BaseSampler`` (relative sampling over the study's search space),
so it works with any storage, pruner and ``n_jobs`` like Optuna's own samplers. Δ is measured in
units of the spread of the values seen so far, so T_0 needs no rescaling per objective.
"""

from __future__ import annotations

import math

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers import BaseSampler, RandomSampler
from optuna.trial import TrialState


class SimulatedAnnealingSampler(BaseSampler):
    """Simulated annealing over Optuna's search space.

    Args:
        temperature: T_0, in units of the spread (std) of the values seen.
        cooling: the factor applied to T after each finished trial (0 < cooling < 1).
        step: the standard deviation of a move at T = T_0, as a fraction of each parameter's
            (log-)range.
        n_startup_trials: random trials before the chain starts (the first current state is
            the best of them).
        seed: the seed of the sampler's random stream.

    Example:
        >>> study = optuna.create_study(sampler=SimulatedAnnealingSampler(seed=0))
        >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=40)
    """

    def __init__(self, temperature: float = 1.0, cooling: float = 0.9, step: float = 0.25,
                 n_startup_trials: int = 3, seed: int | None = None) -> None:  # fmt: skip
        if not temperature > 0:
            raise ValueError(f"SimulatedAnnealingSampler: temperature must be > 0, got {temperature}")
        if not 0 < cooling < 1:
            raise ValueError(f"SimulatedAnnealingSampler: cooling must be in (0, 1), got {cooling}")
        if not 0 < step <= 1:
            raise ValueError(f"SimulatedAnnealingSampler: step must be in (0, 1], got {step}")
        self.temperature0, self.cooling, self.step = temperature, cooling, step
        self.n_startup_trials = n_startup_trials
        self._rng = np.random.default_rng(seed)
        self._random = RandomSampler(seed=seed)
        self._current: optuna.trial.FrozenTrial | None = None
        self._seen: set[int] = set()
        self._search_space = optuna.search_space.IntersectionSearchSpace()

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()
        self._random.reseed_rng()

    def temperature(self) -> float:
        """The current temperature T_0 · cooling^k after k finished trials."""
        return self.temperature0 * self.cooling ** len(self._seen)

    def infer_relative_search_space(self, study, trial) -> dict:
        return self._search_space.calculate(study)

    def sample_relative(self, study, trial, search_space: dict) -> dict:
        if not search_space:
            return {}
        self._update_chain(study)
        if self._current is None:
            return {}  # startup: sample_independent draws at random
        scale = self.step * max(self.temperature() / self.temperature0, 0.05)
        return {name: self._neighbour(dist, self._current.params[name], scale)
                for name, dist in search_space.items() if name in self._current.params}  # fmt: skip

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._random.sample_independent(study, trial, param_name, param_distribution)

    # -- the chain --------------------------------------------------------------------------------------
    def _update_chain(self, study) -> None:
        """Offer every newly finished trial to the chain, in the order they were numbered."""
        done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        values = [t.value for t in done]
        spread = float(np.std(values)) if len(values) > 1 and np.std(values) > 0 else 1.0
        minimize = study.direction == optuna.study.StudyDirection.MINIMIZE
        for t in sorted(done, key=lambda t: t.number):
            if t.number in self._seen:
                continue
            self._seen.add(t.number)
            if len(self._seen) <= self.n_startup_trials:  # the best startup trial starts the chain
                if self._current is None or _better(t.value, self._current.value, minimize):
                    self._current = t
                continue
            delta = (t.value - self._current.value) * (1 if minimize else -1) / spread
            if delta <= 0 or self._rng.random() < math.exp(-delta / self.temperature()):
                self._current = t
        if len(self._seen) < self.n_startup_trials:
            self._current = None

    def _neighbour(self, dist, value, scale: float):
        if isinstance(dist, CategoricalDistribution):
            if self._rng.random() < scale * 2:
                return dist.choices[self._rng.integers(len(dist.choices))]
            return value
        if isinstance(dist, FloatDistribution | IntDistribution):
            low, high = (math.log(dist.low), math.log(dist.high)) if dist.log else (dist.low, dist.high)
            x = math.log(value) if dist.log else value
            u = (x - low) / (high - low) if high > low else 0.5
            u = _reflect(u + self._rng.normal(0.0, scale))
            x = low + u * (high - low)
            x = math.exp(x) if dist.log else x
            if isinstance(dist, IntDistribution):
                return int(
                    min(max(round((x - dist.low) / dist.step) * dist.step + dist.low, dist.low), dist.high)
                )
            if dist.step is not None:
                x = round((x - dist.low) / dist.step) * dist.step + dist.low
            return float(min(max(x, dist.low), dist.high))
        raise NotImplementedError(f"SimulatedAnnealingSampler: unsupported distribution {dist!r}")


def _better(a: float, b: float, minimize: bool) -> bool:
    return a < b if minimize else a > b


def _reflect(u: float) -> float:
    """Fold a step that leaves [0, 1] back inside (a reflecting boundary)."""
    u = abs(u) % 2
    return 2 - u if u > 1 else u
