# The whole set-up on a fresh machine: `make run` serves the app with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test install install-test translations db clean

run: install $(CATALOGUES)
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test $(CATALOGUES)
	$(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

%.mo: %.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

# After changing user-facing text: refresh the catalogue, then translate the new entries in the .po file.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --no-location --ignore-obsolete

db: install
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
