"""Scale-out paths against real servers: llama_cpp.server (OpenAI API) and `chroma run`."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, AssistantError, Settings
from tests.conftest import SEEDS, free_port

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_openai_backend_answers_through_real_server(llama_server: str, seeded_home: Path) -> None:
    a = Assistant(
        Settings(home=seeded_home, llm="openai", openai_base_url=llama_server,
                 openai_api_key="test-key", openai_model="smollm2", progress=False, max_tokens=80)
    )  # fmt: skip
    ans = a.ask("How many people were killed by the airstrikes on Monday?")
    assert ans.backend == "openai"
    assert "six" in ans.answer and ans.citations
    # Whatever the 135M model wrote, [n] names the n-th passage it was given.
    given = a.retrieve(ans.standalone_question)[: a.settings.retrieval.top_k]
    assert [c.text for c in ans.citations] == [given[c.n - 1].chunk.text for c in ans.citations]


def test_wrong_key_is_one_line_error(llama_server: str, seeded_home: Path) -> None:
    a = Assistant(
        Settings(home=seeded_home, llm="openai", openai_base_url=llama_server,
                 openai_api_key="wrong", openai_model="smollm2", progress=False)
    )  # fmt: skip
    with pytest.raises(AssistantError, match="OPENAI_API_KEY") as err:
        a.ask("How many people were killed by the airstrikes on Monday?")
    assert "\n" not in str(err.value)


def test_unreachable_llm_server_names_the_setting(seeded_home: Path) -> None:
    a = Assistant(
        Settings(home=seeded_home, llm="openai", openai_api_key="k", progress=False,
                 openai_base_url=f"http://127.0.0.1:{free_port()}/v1", request_timeout_s=5)
    )  # fmt: skip
    with pytest.raises(AssistantError, match="OPENAI_BASE_URL"):
        a.ask("How many people were killed by the airstrikes on Monday?")


def test_chroma_server_store(chroma_server: int, tmp_path: Path) -> None:
    s = Settings(home=tmp_path, llm="extractive", progress=False, chroma_host="127.0.0.1",
                 chroma_port=chroma_server)  # fmt: skip
    a = Assistant(s)
    report = a.ingest([str(SEEDS)])
    assert report.count("indexed") == 1
    assert a.status()["chunks"] == report.embedded_chunks > 0
    assert a.ingest([str(SEEDS)]).embedded_chunks == 0
    ans = Assistant(s).ask(
        "Who warned that the Kurakhove reservoir dam damage could cause flooding?"
    )
    assert "Filashkin" in ans.answer
    a.forget(a.documents()[0]["doc_id"])
    store = a.home.open_store()
    assert store.count() == 0 and a.status()["chunks"] == 0


def test_unreachable_chroma_server(tmp_path: Path) -> None:
    s = Settings(home=tmp_path, llm="extractive", progress=False, chroma_host="127.0.0.1",
                 chroma_port=free_port())  # fmt: skip
    with pytest.raises(AssistantError, match="ASSISTANT_CHROMA_HOST"):
        Assistant(s).ingest([str(SEEDS)])
