"""neuronlab.save / load: round trips, atomic writes, refusal of damaged and foreign files, no pickle."""

import io
import math
import os
import pickle
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import neuronlab
import neuronlab.serialization as serialization
from neuronlab import nn, optim
from neuronlab.serialization import CheckpointError, load, save

REAL_PICKLE_LOADS = pickle.loads


@pytest.fixture(autouse=True)
def no_unpickling(monkeypatch):
    """Every test fails if anything unpickles while it runs."""

    def refuse(*args, **kwargs):
        raise AssertionError("pickle was used")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)


def assert_same(a, b, where="obj"):
    """Deep equality that also checks types, dtypes, shapes and requires_grad (NaN == NaN)."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, neuronlab.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad, where
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=where)
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, float):
        assert repr(a) == repr(b), where  # nan, inf and -0.0 included
    elif isinstance(a, dict):
        assert list(a) == list(b), where  # same keys, same order
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def round_trip(obj, tmp_path):
    save(obj, tmp_path / "ckpt.safetensors")
    return load(tmp_path / "ckpt.safetensors")


DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_round_trip_keeps_dtype_and_shape(tmp_path, dtype):
    rng = np.random.default_rng(0)
    values = {
        "matrix": neuronlab.tensor(rng.normal(size=(3, 4)) * 50).to(getattr(neuronlab, dtype)),
        "scalar": neuronlab.tensor(7).to(getattr(neuronlab, dtype)),
        "empty": neuronlab.zeros(0, 3).to(getattr(neuronlab, dtype)),
        "array": (rng.normal(size=(2, 5)) * 50).astype(dtype),
        "number": np.array(3).astype(dtype)[()],
    }
    assert_same(values, round_trip(values, tmp_path))


def test_plain_values_and_containers_round_trip(tmp_path):
    obj = {
        "ints": [0, -1, 2**80, -(2**70)],
        "floats": [0.1, -0.0, 1e308, 5e-324, math.nan, math.inf, -math.inf],
        "bools": (True, False),
        "none": None,
        "text": ["", "héllo ✓", 'quotes " and \\ backslash'],
        "empty": [{}, [], ()],
        "nested": {"a": [{"b": ({"c": [1, (2, 3)]},)}]},
        0: "int key",
        -3: "negative int key",
        2.5: "float key",
        None: "None key",
        True: "bool key",
        (1, "x", None): "tuple key",
        "grad": neuronlab.tensor([1.0, 2.0], requires_grad=True),
        "parameter": nn.Parameter(neuronlab.ones(2, 2)),
        "transposed": np.arange(12.0).reshape(3, 4).T,
        "big-endian": np.arange(4, dtype=">i4"),
    }
    loaded = round_trip(obj, tmp_path)
    assert_same(
        {k: v for k, v in obj.items() if k != "big-endian"},
        {k: v for k, v in loaded.items() if k != "big-endian"},
    )
    np.testing.assert_array_equal(loaded["big-endian"], obj["big-endian"])
    assert isinstance(loaded["parameter"], nn.Parameter)
    loaded["transposed"][0, 0] = -1.0  # arrays come back writable
    loaded["grad"].detach()._data[0] = 5.0


def test_training_state_resumes_exactly(tmp_path):
    """model + optimizer (int keys, nested lists, tuples) + scheduler + RNG + counters."""

    def make():
        neuronlab.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
        opt = optim.Adam(model.parameters(), lr=0.05, betas=(0.8, 0.99))
        return model, opt, optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    def train(model, opt, sched, steps):
        losses = []
        for _ in range(steps):
            x = neuronlab.randn(8, 3)
            loss = (model(x) - x.sum(1, keepdim=True)).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        return losses

    model, opt, sched = make()
    train(model, opt, sched, 3)
    state = {
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "scheduler": sched.state_dict(),
        "rng": neuronlab.get_rng_state(),
        "step": 3,
    }
    save(state, tmp_path / "ckpt.safetensors")
    expected = train(model, opt, sched, 4)

    loaded = load(tmp_path / "ckpt.safetensors", weights_only=True, map_location="cpu")
    assert_same(state["optimizer"]["param_groups"], loaded["optimizer"]["param_groups"])
    assert list(loaded["optimizer"]["state"]) == [0, 1, 2, 3]
    model, opt, sched = make()
    model.load_state_dict(loaded["model"])
    opt.load_state_dict(loaded["optimizer"])
    sched.load_state_dict(loaded["scheduler"])
    neuronlab.set_rng_state(loaded["rng"])
    assert loaded["step"] == 3
    assert train(model, opt, sched, 4) == expected


def test_file_objects_and_shared_arrays(tmp_path):
    weight = neuronlab.randn(100, 100)
    buffer = io.BytesIO()
    save({"a": weight, "tied": weight, "view": weight.detach()}, buffer)
    assert buffer.tell() < weight.numel() * 4 * 1.1  # one copy stored
    buffer.seek(0)
    loaded = load(buffer)
    assert_same(loaded["a"], weight)
    assert np.shares_memory(loaded["a"].numpy(), loaded["tied"].numpy())
    assert np.shares_memory(loaded["a"].numpy(), loaded["view"].numpy())
    with open(tmp_path / "f.safetensors", "wb") as f:
        save([1, weight], f)
    with open(tmp_path / "f.safetensors", "rb") as f:
        assert_same(load(f), [1, weight])
    with open(tmp_path / "f.safetensors") as f, pytest.raises(TypeError, match="binary mode"):
        load(f)


def test_unsupported_objects_raise_type_error_naming_the_place(tmp_path):
    with pytest.raises(TypeError, match=r"obj\['layers'\]\[1\] is a Linear.*state_dict"):
        save({"layers": [1, nn.Linear(2, 2)]}, tmp_path / "x")
    with pytest.raises(TypeError, match="dtype object"):
        save({"a": np.array([{}, 1], dtype=object)}, tmp_path / "x")
    with pytest.raises(TypeError, match="dtype complex128"):
        save(np.ones(2, dtype=complex), tmp_path / "x")
    with pytest.raises(TypeError, match="key of type frozenset"):
        save({frozenset(): 1}, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_successful_save_leaves_no_temporary_file(tmp_path):
    for i in range(3):
        save({"i": i}, tmp_path / "ckpt.safetensors")
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]
    assert load(tmp_path / "ckpt.safetensors") == {"i": 2}


def test_failed_replace_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    old = {"weight": neuronlab.ones(3), "epoch": 1}
    save(old, path)

    def crash(src, dst):
        raise OSError("simulated crash before the rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        save({"weight": neuronlab.zeros(3), "epoch": 2}, path)
    assert_same(load(path), old)
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]  # the temporary file was removed


WRITER = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np
    from neuronlab.serialization import save

    path, mode = sys.argv[1], sys.argv[2]
    state = lambda i: {"i": i, "data": np.full(1_000_000, i, dtype=np.float64)}
    save(state(0), path)
    if mode == "hang-before-rename":  # a crash after the data is written, before os.replace
        real_fsync = os.fsync
        def fsync_then_hang(fd):
            real_fsync(fd)
            print("written", flush=True)
            time.sleep(60)
        os.fsync = fsync_then_hang
    print("ready", flush=True)
    for i in range(1, 1_000_000):
        save(state(i), path)
    """
)


@pytest.mark.parametrize("mode", ["hang-before-rename", "loop"])
def test_killed_writer_leaves_a_loadable_checkpoint(tmp_path, mode):
    path = tmp_path / "ckpt.safetensors"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), mode], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline() == "ready\n"
        if mode == "hang-before-rename":
            assert child.stdout.readline() == "written\n"
        else:
            time.sleep(0.3)  # dozens of saves, killed at an arbitrary point of one
    finally:
        child.kill()  # SIGKILL: no cleanup runs
        child.wait()
    state = load(path)
    assert state["i"] == 0 if mode == "hang-before-rename" else state["i"] >= 0
    np.testing.assert_array_equal(state["data"], np.full(1_000_000, state["i"], dtype=np.float64))
    if mode == "hang-before-rename":
        assert any(name.endswith(".tmp") for name in os.listdir(tmp_path))  # the crash left it


@pytest.fixture
def small_checkpoint(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    save({"w": neuronlab.arange(6.0).reshape(2, 3), "step": 4, "groups": [{"lr": 0.1, "params": [0]}]}, path)
    return path, path.read_bytes()


def header_end(data: bytes) -> int:
    return 8 + int.from_bytes(data[:8], "little")


def test_truncated_files_are_refused(small_checkpoint):
    path, data = small_checkpoint
    end = header_end(data)
    for cut in sorted({0, 1, 7, 8, 9, end // 2, end - 1, end, end + 1, len(data) - 1}):
        path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match=f"{path.name}.*(corrupt or truncated|shorter)"):
            load(path)


def test_every_flipped_header_byte_is_refused(small_checkpoint):
    path, data = small_checkpoint
    for mask in (0x01, 0x80):
        for i in range(header_end(data)):
            damaged = bytearray(data)
            damaged[i] ^= mask
            with pytest.raises(CheckpointError, match="corrupt|not a neuronlab checkpoint"):
                load(io.BytesIO(bytes(damaged)))
    for i in range(header_end(data), len(data)):  # data bytes: caught by the checksum
        damaged = bytearray(data)
        damaged[i] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(CheckpointError, match=f"{path.name}: corrupt checkpoint: the SHA-256"):
            load(path)


class CreatesMarker:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))  # unpickling this creates the marker file


def test_pickles_execute_nothing(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    for protocol in (0, 2, 4, 5):
        payload = pickle.dumps({"state": CreatesMarker(marker)}, protocol=protocol)
        path.write_bytes(payload)
        with pytest.raises(CheckpointError, match="never unpickles|not a neuronlab|corrupt"):
            load(path)
        # the same pickle inside a zip laid out like a torch.save file
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("archive/data.pkl", payload)
            archive.writestr("archive/version", "3\n")
        with pytest.raises(CheckpointError, match="zip archive.*never unpickles"):
            load(path)
    assert not marker.exists()
    REAL_PICKLE_LOADS(payload)["state"].close()  # the payload is real: unpickling does create the file
    assert marker.exists()


@pytest.fixture(scope="module")
def torch_module():
    return pytest.importorskip("torch")  # imported before the pickle patch of each test


def test_torch_save_file_is_refused(tmp_path, torch_module):
    path = tmp_path / "model.pt"
    torch_module.save({"weight": torch_module.ones(2), "marker": CreatesMarker(tmp_path / "pwned")}, path)
    with pytest.raises(CheckpointError, match="torch.save"):
        load(path)
    assert not (tmp_path / "pwned").exists()


def test_plain_safetensors_file_loads_by_name_with_a_warning(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    safetensors_numpy.save_file(
        {"w": np.ones(2), "b": np.arange(3, dtype=np.int64)}, tmp_path / "plain.safetensors"
    )
    with pytest.warns(UserWarning, match="no checksum to verify"):
        state = load(tmp_path / "plain.safetensors")
    assert set(state) == {"w", "b"} and isinstance(state["w"], neuronlab.Tensor)
    np.testing.assert_array_equal(state["b"].numpy(), np.arange(3))


def test_a_flat_state_dict_is_stored_under_its_own_keys(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    model = neuronlab.nn.Sequential(neuronlab.nn.Linear(3, 4), neuronlab.nn.ReLU(), neuronlab.nn.Linear(4, 2))
    save(model.state_dict(), tmp_path / "m.safetensors")
    arrays = safetensors_numpy.load_file(tmp_path / "m.safetensors")
    assert set(arrays) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    nested = {"model": model.state_dict(), "epoch": 3}
    save(nested, tmp_path / "n.safetensors")
    assert set(safetensors_numpy.load_file(tmp_path / "n.safetensors")) == {f"model.{k}" for k in arrays}


def test_colliding_paths_get_distinct_names(tmp_path):
    obj = {"a.b": np.ones(1), "a": {"b": np.zeros(1)}}
    save(obj, tmp_path / "c.safetensors")
    assert_same(load(tmp_path / "c.safetensors"), obj)


def test_torch_reads_a_neuronlab_state_dict_and_predicts_the_same(tmp_path, torch_module):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    model = neuronlab.nn.Sequential(neuronlab.nn.Linear(3, 4), neuronlab.nn.Tanh(), neuronlab.nn.Linear(4, 2))
    save(model.state_dict(), tmp_path / "m.safetensors")
    reference = torch_module.nn.Sequential(
        torch_module.nn.Linear(3, 4), torch_module.nn.Tanh(), torch_module.nn.Linear(4, 2)
    )
    reference.load_state_dict(safetensors_torch.load_file(tmp_path / "m.safetensors"))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    with torch_module.no_grad():
        expected = reference(torch_module.from_numpy(x)).numpy()
    np.testing.assert_allclose(
        model(neuronlab.from_numpy(x)).detach().numpy(), expected, rtol=1e-6, atol=1e-6
    )


def test_neuronlab_reads_a_torch_saved_safetensors_state_dict(tmp_path, torch_module):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    reference = torch_module.nn.Sequential(torch_module.nn.Linear(3, 4), torch_module.nn.ReLU())
    safetensors_torch.save_file(reference.state_dict(), tmp_path / "t.safetensors")
    model = neuronlab.nn.Sequential(neuronlab.nn.Linear(3, 4), neuronlab.nn.ReLU())
    with pytest.warns(UserWarning, match="plain safetensors"):
        model.load_state_dict(load(tmp_path / "t.safetensors"))
    x = np.ones((2, 3), dtype=np.float32)
    with torch_module.no_grad():
        expected = reference(torch_module.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(neuronlab.from_numpy(x)).detach().numpy(), expected, rtol=1e-6)


def test_bfloat16_tensors_are_refused_with_a_clear_message(tmp_path, torch_module):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    safetensors_torch.save_file(
        {"w": torch_module.ones(2, dtype=torch_module.bfloat16)}, tmp_path / "b.safetensors"
    )
    with pytest.raises(CheckpointError, match="BF16"):
        load(tmp_path / "b.safetensors")


def test_save_refuses_a_header_that_load_would_refuse(tmp_path, monkeypatch):
    monkeypatch.setattr(serialization, "_MAX_HEADER", 10_000)
    with pytest.raises(ValueError, match="nothing was written"):
        save({"numbers": list(range(5_000))}, tmp_path / "big.safetensors")
    assert not (tmp_path / "big.safetensors").exists()


def test_version_1_files_with_numbered_names_still_load(tmp_path, monkeypatch):
    obj = {"model": {"w": neuronlab.ones(2), "b": neuronlab.zeros(3)}, "step": 4, "m": np.arange(2)}
    monkeypatch.setattr(serialization, "FORMAT_VERSION", "1")
    monkeypatch.setattr(serialization, "_join", lambda path, key: "")
    path_named = serialization._Encoder.array

    def numbered(self, array, where, path=""):  # version 1 named the arrays "0", "1", ...
        return path_named(self, array, where, str(len(self.arrays)))

    monkeypatch.setattr(serialization._Encoder, "array", numbered)
    save(obj, tmp_path / "v1.safetensors")
    monkeypatch.undo()
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    assert sorted(safetensors_numpy.load_file(tmp_path / "v1.safetensors")) == ["0", "1", "2"]
    assert_same(load(tmp_path / "v1.safetensors"), obj)


def test_builtin_codec_writes_and_reads_the_same_format(tmp_path, monkeypatch):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    obj = {"w": neuronlab.randn(3, 2), "b": np.arange(5, dtype=np.int16), "m": np.array(True), "n": [1, 2.5]}
    with_library = io.BytesIO()
    save(obj, with_library)
    monkeypatch.setattr(serialization, "_safetensors", None)
    without_library = io.BytesIO()
    save(obj, without_library)
    for data in (with_library.getvalue(), without_library.getvalue()):
        assert_same(load(io.BytesIO(data)), obj)  # read by the built-in codec
        for name, array in safetensors_numpy.load(data).items():  # read by safetensors itself
            assert array.dtype in (np.float32, np.int16, np.bool_), name
        with pytest.raises(CheckpointError, match="corrupt or truncated"):
            load(io.BytesIO(data[:-3]))
    monkeypatch.undo()
    assert_same(load(io.BytesIO(without_library.getvalue())), obj)  # read by safetensors
