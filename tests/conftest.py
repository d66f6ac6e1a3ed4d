"""Test-suite configuration: one BLAS thread per test process.

The suite runs in 2 processes on 2 cores (``pytest -n 2``); letting each process's OpenBLAS
start 2 threads as well makes small products contend for the cores (measured: up to ~500x
slower under load). This limits only the test processes, through threadpoolctl.
"""

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

if threadpool_limits is not None:
    _LIMIT = threadpool_limits(limits=1, user_api="blas")
