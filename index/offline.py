"""No downloads, no telemetry: the environment every model and client load runs under.

Importing the package changes nothing in os.environ; each place that loads a model or client
(sentence-transformers/transformers, chromadb, gradio, llama.cpp) calls go_offline() first,
because those libraries read these variables when they are imported. A value the user set
already is kept (setdefault), so HF_HUB_OFFLINE=0 still lets someone fetch on purpose.
"""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def go_offline() -> None:
    """Set the offline and no-telemetry variables that are not set yet."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
