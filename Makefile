# Two commands do all set-up: `make run` (chat UI on the sample corpus) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.newsqa-installed
# A local folder of CPU torch wheels, where the machine has one; elsewhere pass TORCH_INDEX.
TORCH_FROM := $(if $(wildcard /opt/wheels/torch-*),--find-links /opt/wheels,$(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)))

.PHONY: install run test clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0 $(TORCH_FROM)
	$(PY) -m pip install --quiet -e '.[llm,dev]'
	touch $@

install: $(STAMP)

run: install
	$(VENV)/bin/newsqa serve --sample

test: install browser
	$(PY) -m pytest

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "note: install Debian's chromium (apt-get install chromium) for the browser tests"

clean:
	rm -rf $(VENV) .newsqa
