# `make run` and `make test` are all a newcomer needs; both set everything up first.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ATTACK_BUNDLE ?= ../shared/data/attack/enterprise-attack-18.1-no-campaigns.json.gz

.PHONY: setup run test lint benchmark clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/cyberdiplomacy init $(if $(wildcard $(ATTACK_BUNDLE)),--attack $(ATTACK_BUNDLE))
	$(BIN)/cyberdiplomacy serve

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

test: lint
	$(BIN)/pytest

benchmark: setup
	$(BIN)/python benchmarks/attack_queries.py --bundle $(ATTACK_BUNDLE)

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
