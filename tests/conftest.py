"""Test session setup.

One BLAS thread per process: the models fit tiny matrices, where OpenBLAS's worker threads
only spin. On a shared 2-core machine they made tests/test_models.py take 73 s instead of 15 s
(user CPU 42 s vs 9 s). Set before numpy is first imported (test modules import it later).
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
