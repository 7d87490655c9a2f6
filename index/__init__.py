"""Ingestion: loaders, chunking, embeddings, the Chroma store and retrieval.

Importing the package leaves the environment alone; loads of models and clients go offline
first (index.offline.go_offline), and the entry points call quiet_blas_threads.
"""

import os

# OpenBLAS's idle threads spin 2**28 cycles (~0.1 s) after every product that used them,
# before they sleep. A question runs a few such products and then ~100 ms of one-thread
# work, so the second core spun through it: at 1M chunks through a Chroma server the reader
# used 275-300 ms CPU a question with a two-thread question encode against 89-100 ms with a
# one-thread encode (load 3, same process). 2**4 cycles is OpenBLAS's least.
BLAS_THREAD_TIMEOUT = "4"


def quiet_blas_threads() -> None:
    """Let OpenBLAS's idle threads sleep at once (a user's OPENBLAS_THREAD_TIMEOUT wins). It
    takes effect only before numpy is first imported in the process."""
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", BLAS_THREAD_TIMEOUT)
