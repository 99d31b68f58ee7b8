# Single entry points. Both targets create .venv and install on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS ?= dev,dashboard,cluster

.PHONY: install test lint report benchmarks explore clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { echo "'$(PYTHON) -m venv' failed. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2; rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check toolkit

# Tests keep their caches (protected sets, explorer data) and user templates in a fresh folder, as on a clean machine.
test: install lint
	cache=$$(mktemp -d) && DKBM_CACHE_DIR=$$cache DKBM_USER_TEMPLATES_DIR=$$cache/vorlagen $(BIN)/python -m pytest; rc=$$?; rm -rf $$cache; exit $$rc

report: install
	$(BIN)/dkbm report
	@echo "Echte Daten (amtliche Regionalstatistik, alle 400 Kreise):"
	@echo "  $(BIN)/dkbm batch fakten_check --regions kreise --period 2023 -p topic=schule --data data_samples/deutschland"

benchmarks: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) reports build *.egg-info

# make explore PORT=8866 [DATA=dir-with-canonical-tables]: protected indicators are computed once
# (cached in ~/.cache/dkbm or $DKBM_CACHE_DIR), then Voilà serves the explorer with a pre-heated kernel.
PORT ?= 8866
explore: install
	DKBM_EXPLORER_DATA="$(DATA)" $(BIN)/python -c "from toolkit.widgets import prepare_explorer; prepare_explorer()"
	DKBM_EXPLORER_DATA="$(DATA)" $(BIN)/python -c "import os, sys; from toolkit.widgets import voila_command; a, e = voila_command('notebooks/03_indikatoren_erkunden.ipynb', port=int('$(PORT)')); print('Explorer: http://127.0.0.1:$(PORT)/', flush=True); os.execvpe(a[0], a, e)"
