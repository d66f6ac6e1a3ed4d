"""``neuronlab.lab``: every computable question of the course as a reproducible experiment.

``neuronlab lab run --all`` runs them and writes a report; see ``experiment.py`` for what an
experiment module contains and ``registry.py`` for the list.
"""

from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.registry import EXPERIMENTS, NAMES, available, load
from neuronlab.lab.report import build_report
from neuronlab.lab.runner import run_experiments, run_one
