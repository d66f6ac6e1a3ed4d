"""The speed script runs (its numbers are reported, not asserted: timings are not tests)."""

import pytest

pytest.importorskip("starlette")
from neuronlab.playground.bench import measure


def test_measure_reports_every_number():
    result = measure(seconds=0.1)
    for key in ("train_steps_per_s_batch10", "frame_ms_median", "play_frames_per_s", "play_steps_per_s"):
        assert result[key] > 0
