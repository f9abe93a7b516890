# The two commands of the README: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
PORT ?= 5000
export FLASK_APP := wsgi:app
# links in mail point at the address we serve on (set PUBLIC_URL yourself behind a proxy)
export PUBLIC_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test install install-test assets translations db demo serve extract-messages clean

run: install translations db demo serve

test: install-test translations
	$(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/.base:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.base pyproject.toml
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.base pyproject.toml
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

static/vendor/.installed: node_modules/.installed scripts/vendor_assets.py
	$(PY) scripts/vendor_assets.py
	touch $@

assets: static/vendor/.installed

install: $(VENV)/.installed assets
install-test: $(VENV)/.installed-test assets

translations:
	$(VENV)/bin/pybabel compile -d translations

# Refresh the catalogues after changing interface text; then translate every new entry in both.
extract-messages:
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --ignore-dirs=".venv node_modules static" .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db:
	$(FLASK) db upgrade

demo:
	$(FLASK) demo load --if-empty

serve:
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

clean:
	rm -rf $(VENV) node_modules static/vendor
