"""The playground's speed target, measured: a 2-8-8-1 network on 500 points trains at ≥ 50 steps
per second with the boundary redrawn at ≥ 10 frames per second (issue 17).

Run it with ``python -m neuronlab.playground.bench`` (add ``--seconds 10`` for longer runs). It
measures, in this process:

* training alone: iterations per second of ``NetworkRun.train`` (batch 10, and full batch);
* one frame alone: the losses, the 50 × 50 boundary, every unit's map and the weights;
* playing, as the page does: requests of ``{"type": "step", "seconds": 0.06}`` answered by a
  frame each, through the WebSocket server (Starlette's test client), for a few seconds —
  frames per second and iterations per second together.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from neuronlab.playground.session import Session

__all__ = ["measure"]

CONFIG = {"dataset": "spiral", "n_samples": 500, "hidden": [8, 8], "features": ["x1", "x2"]}


def _rate(fn, seconds: float) -> tuple[float, int]:
    """Calls of ``fn`` per second over about ``seconds``."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start), n


def measure(seconds: float = 3.0) -> dict:
    """Steps per second and frames per second of a 2-8-8-1 network on 500 points (dict of numbers)."""
    out = {"config": CONFIG}
    for batch in (10, 500):
        session = Session({**CONFIG, "batch_size": batch, "train_ratio": 0.5 if batch == 10 else 0.9})
        rate, _ = _rate(lambda s=session: s.run.train(1), seconds)
        out[f"train_steps_per_s_batch{batch}"] = round(rate, 1)
    session = Session(CONFIG)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        session.run.frame()
        times.append(time.perf_counter() - start)
    out["frame_ms_median"] = round(1000 * statistics.median(times), 2)
    out.update(_play(seconds))
    return out


def _play(seconds: float) -> dict:
    """Play as the page does, through the real app and a WebSocket."""
    from starlette.testclient import TestClient

    from neuronlab.playground.server import create_app

    with TestClient(create_app()) as client, client.websocket_connect("/ws") as ws:
        ws.send_text(json.dumps({"type": "config", "config": CONFIG, "id": 0}))
        ws.receive_text()
        frames, start, step = 0, time.perf_counter(), 0
        while time.perf_counter() - start < seconds:
            ws.send_text(json.dumps({"type": "step", "steps": 1000, "seconds": 0.06, "id": frames + 1}))
            step = json.loads(ws.receive_text())["messages"][0]["step"]
            frames += 1
        elapsed = time.perf_counter() - start
    return {"play_frames_per_s": round(frames / elapsed, 1), "play_steps_per_s": round(step / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per measurement (default 3)")
    result = measure(parser.parse_args().seconds)
    ok = result["play_frames_per_s"] >= 10 and result["play_steps_per_s"] >= 50
    print(json.dumps(result, indent=2))
    print(f"target (≥ 50 steps/s with ≥ 10 frames/s while playing): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
