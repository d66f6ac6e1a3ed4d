"""MNIST and Fashion-MNIST from IDX files in a local folder (nothing is downloaded).

The IDX format (LeCun et al.): a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then
``ndim`` big-endian uint32 sizes, then the values in big-endian row-major order. Files may be
gzip-compressed (``.gz``).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_TYPE_CODES = {np.dtype(v).newbyteorder("="): k for k, v in _IDX_TYPES.items()}

_FILES = {
    (True, "images"): "train-images-idx3-ubyte",
    (True, "labels"): "train-labels-idx1-ubyte",
    (False, "images"): "t10k-images-idx3-ubyte",
    (False, "labels"): "t10k-labels-idx1-ubyte",
}
_KINDS = {
    "mnist": (
        "MNIST",
        "https://ossci-datasets.s3.amazonaws.com/mnist/ (a mirror of http://yann.lecun.com/exdb/mnist/)",
    ),
    "fashion-mnist": (
        "FashionMNIST",
        "https://github.com/zalandoresearch/fashion-mnist/tree/master/data/fashion "
        "(or http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/)",
    ),
}


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_idx(path: str | Path) -> np.ndarray:
    """The array stored in an IDX file (plain or ``.gz``), in native byte order."""
    path = Path(path)
    with _open(path) as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(
            f"{path} is truncated or corrupt: its header says shape {shape} ({expected} bytes) "
            f"but the file holds {len(raw)} bytes; download it again"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file (gzip-compressed when ``path`` ends in ``.gz``)."""
    path, array = Path(path), np.asarray(array)
    code = _TYPE_CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(
            f"IDX cannot store dtype {array.dtype}; use uint8, int8, int16, int32, float32 or float64"
        )
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(payload)


def _candidate_folders(root: Path, kind: str) -> list[Path]:
    torchvision_name = _KINDS[kind][0]
    return [root, root / kind, root / torchvision_name / "raw"]


def _find(root: Path, kind: str, train: bool, part: str) -> Path:
    name = _FILES[(train, part)]
    variants = [name, name + ".gz", name.replace("-idx", ".idx"), name.replace("-idx", ".idx") + ".gz"]
    for folder in _candidate_folders(root, kind):
        for variant in variants:
            if (folder / variant).is_file():
                return folder / variant
    title, source = _KINDS[kind]
    folders = ", ".join(str(f) for f in _candidate_folders(root, kind))
    needed = ", ".join(f"{n}.gz" for n in _FILES.values())
    raise FileNotFoundError(
        f"{title} {'training' if train else 'test'} {part} not found: expected a file named {name} "
        f"or {name}.gz in one of: {folders}. neuronlab does not download data; get the four files "
        f"({needed}) by hand from {source} and put them, compressed or not, in {root}"
    )


def load_mnist(
    root: str | Path, kind: str = "mnist", train: bool = True, images: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST or Fashion-MNIST (``kind='fashion-mnist'``) from IDX files under ``root``.

    Looks in ``root``, ``root/<kind>`` and torchvision's ``root/MNIST/raw`` /
    ``root/FashionMNIST/raw``. Returns ``(X, y)``: X float32 in [0, 1] (pixel / 255) of
    shape ``(N, 784)``, or ``(N, 1, 28, 28)`` with ``images=True``; y int64 in 0..9.
    ``train=True`` gives the 60,000 training images, ``False`` the 10,000 test images.
    A missing file raises ``FileNotFoundError`` naming the files and where to get them.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {sorted(_KINDS)}, got {kind!r}")
    root = Path(root).expanduser()
    pixels = read_idx(_find(root, kind, train, "images"))
    labels = read_idx(_find(root, kind, train, "labels"))
    if pixels.ndim != 3 or labels.ndim != 1 or len(pixels) != len(labels):
        raise ValueError(
            f"{kind} files do not match: images have shape {pixels.shape}, labels {labels.shape}; "
            "expected (N, rows, cols) images and N labels"
        )
    X = pixels.astype(np.float32) / 255.0
    X = X[:, None] if images else X.reshape(len(X), -1)
    return X, labels.astype(np.int64)
