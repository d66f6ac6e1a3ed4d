"""``save`` and ``load`` for checkpoints: state dicts in the safetensors format, never pickle.

``torch.save`` pickles, and loading a pickle can run any code the file's author chose. Here
the file is a safetensors file (https://github.com/huggingface/safetensors): an 8-byte
little-endian header length, a JSON header naming each array's dtype, shape and byte range,
then the raw little-endian bytes. The nesting of the saved object -- dicts (with str, int,
float, bool, None or tuple keys), lists, tuples, numbers, strings, ``None`` -- is JSON in the
header's ``__metadata__`` with the arrays referenced by name, plus a SHA-256 of that JSON and
of every array, so a damaged file is refused instead of loaded half-right. Loading parses
JSON and copies bytes; nothing in the file is ever executed.

Writes to a path are atomic (temporary file in the same folder, fsync, ``os.replace``, fsync
of the folder): a crash at any moment leaves the previous checkpoint whole. A process killed
mid-write may leave a ``.NAME.*.tmp`` file behind, never a damaged ``NAME``.

The ``safetensors`` package (``pip install safetensors``) writes and reads the arrays when it
is installed; without it a small reader/writer of the same format below takes over, so files
are the same either way and NumPy stays the only requirement.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import secrets
import struct
import warnings

import numpy as np

from neuronlab.engine.tensor import Tensor
from neuronlab.nn.parameter import Parameter

try:
    import safetensors.numpy as _safetensors
except ImportError:  # the built-in codec below writes and reads the same format
    _safetensors = None

FORMAT_VERSION = "2"  # 2: arrays named by their paths; 1: arrays named "0", "1", ... (still read)
_READABLE_VERSIONS = ("1", "2")
_FORMAT_KEY, _STRUCTURE_KEY, _DIGEST_KEY = (
    "neuronlab.format_version",
    "neuronlab.structure",
    "neuronlab.sha256",
)
_METADATA_KEYS = {"format", _FORMAT_KEY, _STRUCTURE_KEY, _DIGEST_KEY}
_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit

# safetensors dtype codes for the NumPy dtypes a checkpoint may hold
_DTYPES = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype(np.uint8),
    "I8": np.dtype(np.int8),
    "U16": np.dtype(np.uint16),
    "I16": np.dtype(np.int16),
    "U32": np.dtype(np.uint32),
    "I32": np.dtype(np.int32),
    "U64": np.dtype(np.uint64),
    "I64": np.dtype(np.int64),
    "F16": np.dtype(np.float16),
    "F32": np.dtype(np.float32),
    "F64": np.dtype(np.float64),
}
_CODES = {dtype: code for code, dtype in _DTYPES.items()}


class CheckpointError(ValueError):
    """A file that ``load`` refuses: corrupt, truncated, or not a neuronlab checkpoint."""


# -- object <-> JSON structure + named arrays -------------------------------------------------
class _Encoder:
    """Turns an object into a JSON-able structure, collecting its arrays under the names of
    their paths: a flat state dict's tensors keep their own keys (``"0.weight"``), nested ones
    are joined with dots (``"model.0.weight"``, ``"optimizer.state.0.exp_avg"``), so the
    safetensors and PyTorch tools read the file directly."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._names: dict[int, str] = {}  # id(ndarray) -> name: a shared array is stored once
        self._alive: list[np.ndarray] = []  # keep arrays alive so ids stay unique

    def array(self, array: np.ndarray, where: str, path: str = "") -> str:
        if id(array) in self._names:
            return self._names[id(array)]
        if array.dtype.newbyteorder("=") not in _CODES:
            raise TypeError(
                f"neuronlab.save: {where} has dtype {array.dtype}, which a checkpoint cannot hold"
            )
        name = path or "tensor"
        if name in self.arrays:  # e.g. keys "a.b" and "a" -> "b" both give "a.b"
            name = next(
                f"{path}#{i}" for i in range(2, len(self.arrays) + 3) if f"{path}#{i}" not in self.arrays
            )
        self._names[id(array)] = name
        self._alive.append(array)
        self.arrays[name] = _little_endian(array)
        return name

    def encode(self, obj, where: str = "obj", path: str = ""):
        if obj is None or type(obj) in (bool, int, str):
            return obj
        if isinstance(obj, Tensor):
            kind = "parameter" if _is_parameter(obj) else "tensor"
            return {
                "type": kind,
                "name": self.array(obj._data, where, path),
                "requires_grad": obj.requires_grad,
            }
        if isinstance(obj, np.ndarray):
            return {"type": "ndarray", "name": self.array(obj, where, path)}
        if isinstance(obj, str):  # np.str_ included
            return str(obj)
        if isinstance(obj, np.generic):  # before float: np.float64 is a float subclass
            return {"type": "numpy_scalar", "name": self.array(np.asarray(obj), where, path)}
        if isinstance(obj, float):
            return float(obj) if math.isfinite(obj) else {"type": "float", "value": repr(float(obj))}
        if isinstance(obj, int):  # subclasses such as IntEnum are stored as plain int / bool
            return bool(obj) if isinstance(obj, bool) else int(obj)
        if isinstance(obj, (list, tuple)):
            items = [self.encode(item, f"{where}[{i}]", _join(path, i)) for i, item in enumerate(obj)]
            return {"type": "tuple" if isinstance(obj, tuple) else "list", "items": items}
        if isinstance(obj, dict):
            return {
                "type": "dict",
                "items": [self._item(key, value, where, path) for key, value in obj.items()],
            }
        raise TypeError(
            f"neuronlab.save: {where} is a {type(obj).__name__}; a checkpoint holds tensors, NumPy "
            "arrays, dicts, lists, tuples, int, float, bool, str and None (call .state_dict() on "
            "modules, optimizers and schedulers)"
        )

    def _item(self, key, value, where: str, path: str) -> list:
        if not _is_plain_key(key):
            raise TypeError(
                f"neuronlab.save: {where} has a key of type {type(key).__name__}; dict keys must be "
                "str, int, float, bool, None or tuples of these"
            )
        return [self.encode(key, where), self.encode(value, f"{where}[{key!r}]", _join(path, key))]


def _join(path: str, key) -> str:
    key = ".".join(map(str, key)) if isinstance(key, tuple) else str(key)
    return f"{path}.{key}" if path else key


def _little_endian(array: np.ndarray) -> np.ndarray:
    """C-contiguous little-endian (np.ascontiguousarray would turn 0-d arrays into 1-d)."""
    return array.astype(array.dtype.newbyteorder("<"), order="C", copy=False)


def _is_plain_key(key) -> bool:
    if isinstance(key, tuple):
        return all(_is_plain_key(k) for k in key)
    return key is None or isinstance(key, (str, int, float, np.generic))


def _is_parameter(tensor: Tensor) -> bool:
    return isinstance(tensor, Parameter)


def _decode(node, arrays: dict[str, np.ndarray]):
    """Rebuild the saved object; any inconsistency raises KeyError/TypeError/ValueError."""
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, list):
        raise TypeError("bare JSON list in structure")
    kind = node["type"]
    if kind in ("list", "tuple"):
        items = [_decode(item, arrays) for item in node["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {_decode(key, arrays): _decode(value, arrays) for key, value in node["items"]}
    if kind == "float":
        return float({"nan": "nan", "inf": "inf", "-inf": "-inf"}[node["value"]])
    array = arrays[node["name"]]
    if kind == "ndarray":
        return array
    if kind == "numpy_scalar":
        return array[()]
    if kind == "tensor":
        return Tensor._wrap(array).requires_grad_(bool(node["requires_grad"]))
    if kind == "parameter":
        return Parameter(Tensor._wrap(array), requires_grad=bool(node["requires_grad"]))
    raise ValueError(f"unknown entry type {kind!r}")


def _digest(structure: str, arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over the structure JSON and every array's name, dtype, shape and bytes."""
    h = hashlib.sha256(structure.encode())
    for name in sorted(arrays):
        array = arrays[name]
        h.update(json.dumps([name, _CODES[array.dtype.newbyteorder("=")], list(array.shape)]).encode())
        h.update(_little_endian(array).reshape(-1).view(np.uint8))
    return h.hexdigest()


# -- the safetensors container ---------------------------------------------------------------
def _write_container(arrays: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    if _safetensors is not None:
        return _safetensors.save(arrays, metadata=metadata)
    # Same layout as safetensors: larger items first keeps every array aligned.
    names = sorted(arrays, key=lambda n: (-arrays[n].dtype.itemsize, n))
    header: dict = {"__metadata__": metadata}
    offset = 0
    for name in names:
        array = arrays[name]
        code = _CODES[array.dtype.newbyteorder("=")]
        header[name] = {
            "dtype": code,
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return b"".join([struct.pack("<Q", len(text)), text, *(arrays[n].tobytes() for n in names)])


def _parse_header(data: bytes) -> tuple[dict, dict]:
    """The tensor entries and the metadata of a safetensors buffer, fully checked."""
    if len(data) < 8:
        raise ValueError(f"file is {len(data)} bytes long, shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if length > min(len(data) - 8, _MAX_HEADER):
        raise ValueError(f"header claims {length} bytes but only {len(data) - 8} follow")
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError("header has no valid __metadata__")
    end = 0
    for name, entry in sorted(header.items(), key=lambda item: _offsets(item[1])):
        start, stop = _offsets(entry)
        dtype, shape = _DTYPES[entry["dtype"]], entry["shape"]
        if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
            raise ValueError(f"array {name!r} has an invalid shape {shape}")
        if start != end or stop - start != math.prod(shape) * dtype.itemsize:
            raise ValueError(f"array {name!r} has byte range {[start, stop]} that does not fit its shape")
        end = stop
    if 8 + length + end != len(data):
        raise ValueError(f"the arrays end at byte {8 + length + end} but the file has {len(data)} bytes")
    return header, metadata


def _offsets(entry) -> tuple[int, int]:
    start, stop = entry["data_offsets"]
    if not (type(start) is int and type(stop) is int and 0 <= start <= stop):
        raise ValueError(f"invalid data_offsets {entry['data_offsets']}")
    return start, stop


def _read_arrays(data: bytes, header: dict) -> dict[str, np.ndarray]:
    if _safetensors is not None:
        arrays = _safetensors.load(data)
    else:
        base = 8 + struct.unpack("<Q", data[:8])[0]
        arrays = {}
        for name, entry in header.items():
            dtype = _DTYPES[entry["dtype"]].newbyteorder("<")
            start, stop = entry["data_offsets"]
            arrays[name] = np.frombuffer(data[base + start : base + stop], dtype=dtype).reshape(
                entry["shape"]
            )
    # native byte order and writable (views of the bytes read are read-only: copy those)
    return {
        name: a if a.flags.writeable and a.dtype.isnative else np.array(a, dtype=a.dtype.newbyteorder("="))
        for name, a in arrays.items()
    }


# -- public API ------------------------------------------------------------------------------
def save(obj, f) -> None:
    """Write ``obj`` -- a state dict or any nesting of dicts, lists and tuples of tensors,
    NumPy arrays, int, float, bool, str and None -- to ``f`` as a safetensors checkpoint.

    ``f`` is a path (written atomically: the old file survives any crash) or a binary file
    object (written in place). Tensors keep dtype, shape and ``requires_grad`` (not ``.grad``);
    dict keys may be str, int, float, bool, None or tuples; an array reached twice is stored
    once. Other objects raise ``TypeError``: store ``module.state_dict()``, not the module.

    Example:
        >>> state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}
        >>> neuronlab.save(state, "ckpt.safetensors")
    """
    encoder = _Encoder()
    structure = json.dumps(encoder.encode(obj), separators=(",", ":"), allow_nan=False)
    metadata = {
        "format": "np",
        _FORMAT_KEY: FORMAT_VERSION,
        _STRUCTURE_KEY: structure,
        _DIGEST_KEY: _digest(structure, encoder.arrays),
    }
    header_bytes = len(structure) + 200 * (len(encoder.arrays) + 4)  # generous for the per-array entries
    if header_bytes > _MAX_HEADER:
        raise ValueError(
            f"neuronlab.save: the checkpoint's header would be about {header_bytes / 2**20:.0f} MiB, over the "
            f"{_MAX_HEADER // 2**20} MiB that load (and the safetensors library) accept; keep long lists of numbers "
            "in NumPy arrays, not in Python lists (nothing was written)"
        )
    data = _write_container(encoder.arrays, metadata)
    if hasattr(f, "write"):
        f.write(data)
        f.flush()
    else:
        _write_atomic(os.fspath(f), data)


def load(f, map_location=None, *, weights_only: bool = True, mmap=None):
    """Read a checkpoint written by ``save``: tensors come back as neuronlab Tensors.

    ``f`` is a path or a binary file object. Nothing in the file is executed: a pickle, a
    ``torch.save`` archive, or a damaged or truncated file raises ``CheckpointError`` (a
    ``ValueError``) naming the file. ``map_location``, ``weights_only`` and ``mmap`` are
    accepted for ``torch.load`` compatibility; loading is always weights-only and on the CPU.

    Example:
        >>> state = neuronlab.load("ckpt.safetensors")
        >>> model.load_state_dict(state["model"])
    """
    if hasattr(f, "read"):
        source = getattr(f, "name", repr(f))
        data = None if isinstance(f, io.TextIOBase) else f.read()
        if not isinstance(data, bytes):
            raise TypeError(f"neuronlab.load: {source} must be opened in binary mode ('rb')")
    else:
        source = os.fspath(f)
        with open(source, "rb") as file:
            data = file.read()
    return _load_bytes(data, source)


def _load_bytes(data: bytes, source) -> object:
    try:
        header, metadata = _parse_header(data)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as error:
        _refuse_foreign_formats(data, source)
        raise CheckpointError(f"{source}: corrupt or truncated checkpoint ({error})") from None
    if not any(key.startswith("neuronlab.") for key in metadata):
        return _load_plain(data, header, source)
    if set(metadata) != _METADATA_KEYS or metadata["format"] != "np":
        raise CheckpointError(
            f"{source}: a neuronlab checkpoint with a corrupt header (metadata keys {sorted(metadata)})"
        )
    if metadata[_FORMAT_KEY] not in _READABLE_VERSIONS:
        raise CheckpointError(
            f"{source}: checkpoint format version {metadata[_FORMAT_KEY]!r} is not supported "
            f"(this neuronlab reads version {FORMAT_VERSION}); the file is corrupt or from a newer neuronlab"
        )
    try:
        arrays = _read_arrays(data, header)
    except Exception as error:  # safetensors raises its own SafetensorError
        raise CheckpointError(f"{source}: corrupt or truncated checkpoint ({error})") from None
    structure = metadata[_STRUCTURE_KEY]
    if _digest(structure, arrays) != metadata[_DIGEST_KEY]:
        raise CheckpointError(f"{source}: corrupt checkpoint: the SHA-256 of its contents does not match")
    try:
        return _decode(json.loads(structure), arrays)
    except (ValueError, KeyError, TypeError, RuntimeError, RecursionError) as error:
        raise CheckpointError(f"{source}: corrupt checkpoint: invalid structure ({error!r})") from None


def _load_plain(data: bytes, header: dict, source) -> dict:
    """A plain safetensors file (e.g. written by ``safetensors.torch.save_file``): its tensors
    by name, in the file's order. There is no neuronlab checksum to verify: a warning says so."""
    unknown = sorted({entry["dtype"] for entry in header.values()} - set(_DTYPES))
    if unknown:
        raise CheckpointError(
            f"{source}: holds tensors of dtype {', '.join(unknown)}, which NumPy cannot represent "
            "(convert them to float32 before saving, e.g. tensor.float())"
        )
    try:
        arrays = _read_arrays(data, header)
    except Exception as error:  # safetensors raises its own SafetensorError
        raise CheckpointError(f"{source}: corrupt or truncated safetensors file ({error})") from None
    warnings.warn(
        f"{source}: a plain safetensors file, not written by neuronlab.save: loaded {len(arrays)} tensors by "
        "name, with no checksum to verify",
        UserWarning,
        stacklevel=4,  # the caller of neuronlab.load
    )
    order = sorted(header, key=lambda name: _offsets(header[name]))
    return {name: Tensor._wrap(arrays[name]) for name in order}


def _refuse_foreign_formats(data: bytes, source) -> None:
    """A clearer message for files that are not safetensors at all (checked after parsing
    failed: a valid header length may start with the same bytes)."""
    if data[:4] == b"PK\x03\x04":
        raise CheckpointError(
            f"{source}: this is a zip archive (a torch.save file?), not a neuronlab checkpoint; "
            "neuronlab.load never unpickles, so it cannot read torch.save files (convert them with "
            "safetensors.torch.save_file, or re-save the state dict with neuronlab.save)"
        )
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):  # PROTO opcode
        raise CheckpointError(
            f"{source}: this is a pickle, not a neuronlab checkpoint; neuronlab.load never "
            "unpickles (a pickle can run arbitrary code when loaded)"
        )


def _write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` holds either the old or the new bytes, whole."""
    path = os.path.realpath(path)  # write through a symlink, as open() would
    folder = os.path.dirname(path)
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # os.open with mode 0o666 lets the umask decide permissions, like a plain open() would
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as error:
        raise OSError(
            error.errno, f"neuronlab.save: cannot write {path}: {error.strerror or error}", path
        ) from error
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:  # disk full, quota, permissions: name the file; the old one is intact
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OSError(
            error.errno,
            f"neuronlab.save: could not write {path} ({len(data)} bytes): {error.strerror or error}; "
            "the previous file, if any, is unchanged",
            path,
        ) from error
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Make the rename durable (POSIX); folders cannot be opened for fsync on Windows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder (EINVAL); the data is synced
        pass
    finally:
        os.close(fd)
