"""Progress bars on long work (ingest, watch): tqdm on stderr, fed by (done, total, what)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def tqdm_progress(desc: str) -> Callable[[int, int, str], None]:
    """A progress callback that opens its bar on the first call and closes it when done."""
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int, what: str) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr)
        b = bar["bar"]
        b.update(done - b.n)
        if done >= total:
            b.close()

    return update
