"""neuronlab.tune: the five strategies under one API, the annealing sampler, pruning in the
Trainer, a study shared by two processes in SQLite and one in a real PostgreSQL (issue 15)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import optuna
import pytest

from neuronlab.cli import main
from neuronlab.tune import (
    DIGITS_SPACE,
    SAMPLERS,
    Param,
    SimulatedAnnealingSampler,
    digits_objective,
    make_sampler,
    search,
)

optuna.logging.set_verbosity(optuna.logging.WARNING)
SPACE = {
    "x": Param("float", -5.0, 5.0),
    "n": Param("int", 1, 16, log=True),
    "c": Param("categorical", choices=("a", "b")),
}


def bowl(trial) -> float:
    p = trial.params
    return (p["x"] - 2) ** 2 + (np.log2(p["n"]) - 2) ** 2 + (p["c"] == "a")


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_every_strategy_keeps_the_budget_and_repeats_with_its_seed(sampler):
    first = search(bowl, SPACE, sampler=sampler, n_trials=12, seed=3)
    again = search(bowl, SPACE, sampler=sampler, n_trials=12, seed=3)
    assert len(first.trials) == 12
    assert [t.params for t in first.trials] == [t.params for t in again.trials]
    assert all("seconds" in t.user_attrs for t in first.trials)


def test_annealing_is_an_optuna_sampler_that_finds_the_minimum():
    sampler = make_sampler("anneal", SPACE, seed=0)
    assert isinstance(sampler, optuna.samplers.BaseSampler)
    study = search(bowl, SPACE, sampler="anneal", n_trials=80, seed=0)
    assert study.best_value < 0.1
    assert sampler.temperature() == sampler.temperature0  # no trial seen yet: T = T_0


def test_annealing_cools_and_stops_accepting_worse_moves():
    sampler = SimulatedAnnealingSampler(temperature=1.0, cooling=0.5, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=30)
    assert sampler.temperature() < 1e-6
    late = [t.value for t in study.trials[-10:]]
    assert min(late) <= min(t.value for t in study.trials[:20])  # the chain sits at (or near) the best


@pytest.mark.parametrize("bad", [{"temperature": 0}, {"cooling": 1.0}, {"step": 0}])
def test_annealing_refuses_invalid_settings(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        SimulatedAnnealingSampler(**bad)


def test_threads_are_refused_with_what_to_do_instead():
    with pytest.raises(ValueError, match="several processes"):
        search(bowl, SPACE, n_jobs=2)


def test_the_command_line_offers_every_strategy_and_pruner():
    from neuronlab.cli import tune_cmd
    from neuronlab.tune import PRUNERS

    assert tune_cmd.SAMPLERS == SAMPLERS and tune_cmd.PRUNERS == PRUNERS


def test_unknown_names_say_what_exists():
    with pytest.raises(ValueError, match="grid, random, tpe, ga, anneal"):
        make_sampler("bayes", SPACE)
    with pytest.raises(ValueError, match="none, median, halving"):
        search(bowl, SPACE, pruner="hyperband")


@pytest.mark.parametrize("pruner", ["median", "halving"])
def test_pruning_in_the_trainer_saves_epochs(pruner):
    """The same random configurations with and without pruning: pruned trials stop early, so
    fewer epochs are trained, and the best trial (never pruned) is found by both."""
    runs = {}
    for rule in ("none", pruner):
        objective = digits_objective(epochs=6, prune=rule != "none")
        runs[rule] = search(objective, DIGITS_SPACE, sampler="random", n_trials=8, seed=0, pruner=rule)
    pruned = [t for t in runs[pruner].trials if t.state == optuna.trial.TrialState.PRUNED]
    assert pruned, "no trial was pruned"
    epochs = {rule: sum(t.user_attrs["epochs"] for t in study.trials) for rule, study in runs.items()}
    assert epochs[pruner] < epochs["none"] == 48
    assert runs[pruner].best_value == pytest.approx(runs["none"].best_value) or runs[pruner].best_value < 1.0


def test_cli_prints_trials_and_best_and_draws_the_search(tmp_path, capsys):
    plot = tmp_path / "search.png"
    assert (
        main(
            [
                "tune",
                "--data",
                "digits",
                "--sampler",
                "ga",
                "--trials",
                "4",
                "--epochs",
                "2",
                "--plot",
                str(plot),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "state" in out and "best: trial" in out and "lr=" in out
    assert plot.stat().st_size > 1000


def _tune_process(storage: str, seed: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "neuronlab.cli", "tune", "--sampler", "random", "--trials", "6", "--epochs", "1",
               "--storage", storage, "--study", "shared", "--seed", str(seed), "--plot", "/dev/null"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_share_one_sqlite_study(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    processes = [_tune_process(storage, seed) for seed in (1, 2)]
    for p in processes:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
    study = optuna.load_study(study_name="shared", storage=storage)
    workers = {t.user_attrs["worker"] for t in study.trials}
    assert len(workers) == 2, "both processes ran trials of the one study"
    assert 6 <= len(study.trials) <= 7  # the shared budget (a trial may start as the other one ends)


def test_a_study_in_a_real_postgresql_server(postgresql_url, capsys):
    """Three processes on one PostgreSQL study: another one started here, this one and the
    helper its ``--jobs 2`` starts."""
    other = _tune_process(postgresql_url, seed=5)
    code = main(["tune", "--sampler", "tpe", "--trials", "6", "--epochs", "1", "--jobs", "2", "--seed", "6",
                 "--storage", postgresql_url, "--study", "shared", "--plot", "/dev/null"])  # fmt: skip
    out, err = other.communicate(timeout=120)
    assert code == 0, capsys.readouterr().err
    assert other.returncode == 0, err[-2000:]
    study = optuna.load_study(study_name="shared", storage=postgresql_url)
    assert len(study.trials) >= 6
    assert len({t.user_attrs["worker"] for t in study.trials}) >= 2
    assert all(t.state.name == "COMPLETE" for t in study.trials)
