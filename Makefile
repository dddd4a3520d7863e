# The whole set-up on a fresh machine: `make run` serves the app with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Cards and documents print QR links to this address: by default where `make run` serves (0.0.0.0 means every
# interface, so the machine's first address is printed instead). Set VIP_PUBLIC_BASE_URL to override.
PUBLIC_HOST := $(if $(filter 0.0.0.0,$(HOST)),$(shell hostname -I 2>/dev/null | cut -d' ' -f1),$(HOST))
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test fuzz install install-test browser fonts office assets translations db clean bench-tools

run: install fonts office assets $(CATALOGUES)
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop); QR codes point to $${VIP_PUBLIC_BASE_URL:-http://$(PUBLIC_HOST):$(PORT)}"
	VIP_PUBLIC_BASE_URL=$${VIP_PUBLIC_BASE_URL:-http://$(PUBLIC_HOST):$(PORT)} $(FLASK) run --host $(HOST) --port $(PORT)

test: install-test browser fonts office assets $(CATALOGUES)
	$(VENV)/bin/ruff check app tests benchmarks
	$(VENV)/bin/vulture
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest $(PYTEST_ARGS)

# The long runs `make test` keeps short: property tests with 20,000 examples each, the kill -9 rounds and the API
# fuzzing (150 examples per operation and mode instead of 12) (docs/reliability.md).
fuzz: install-test $(CATALOGUES)
	HYPOTHESIS_PROFILE=long VIP_KILL_ROUNDS=40 VIP_FUZZ_EXAMPLES=150 $(PY) -m pytest -q tests/rules/test_properties.py \
		tests/test_kill_during_issuing.py tests/api/test_fuzz_api.py $(PYTEST_ARGS)

# Card images print Chinese names: they need a CJK font. Installed with apt when none is found and apt may
# run; otherwise the card image answers with a message naming the package (and its tests fail, as they should).
FONT_FILES := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
fonts:
	@found=; for f in $(FONT_FILES); do [ -f "$$f" ] && found=1; done; \
	if [ -z "$$found" ] && [ -z "$$VIP_CJK_FONT" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing a CJK font for card images…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei >/dev/null) \
	      || echo "Could not install fonts-wqy-microhei: card images need a CJK font (set VIP_CJK_FONT)"; \
	  else echo "No CJK font found: install fonts-wqy-microhei or fonts-noto-cjk, or set VIP_CJK_FONT"; fi; \
	fi

# Agreements become PDF/A through LibreOffice (kept warm by unoserver, which needs LibreOffice's Python bindings for the
# system's python3) with the Simplified Chinese Noto fonts embedded. Installed when missing and apt-get may run;
# otherwise PDFs and sealing answer 503 naming the package, and their tests fail, as they should.
OFFICE_PACKAGES := libreoffice-writer-nogui python3-uno fonts-noto-cjk
office:
	@if ! command -v soffice >/dev/null 2>&1 || [ ! -f /usr/lib/python3/dist-packages/uno.py ] \
	    || [ ! -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing LibreOffice and the Noto CJK fonts for PDF documents…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGES) >/dev/null) \
	      || echo "Could not install $(OFFICE_PACKAGES): PDF documents and sealing will answer 503"; \
	  else echo "Install $(OFFICE_PACKAGES) for PDF documents and sealing"; fi; \
	fi

# Browser tests drive Debian's Chromium (Playwright cannot download its own here). Installed when missing
# and apt-get may run; otherwise those tests are skipped with the reason shown.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped"; \
	  else echo "No chromium and no root apt-get: browser tests will be skipped (install the 'chromium' package)"; fi; \
	fi

# The counter's camera decodes QR codes with zxing-wasm from the npm registry (package-lock.json), served from
# app/static/vendor like every other file: no CDN. Without npm the camera uses the browser's own BarcodeDetector
# where there is one, and says so where there is none.
ZXING := app/static/vendor/zxing/zxing_reader.wasm
ECHARTS := app/static/vendor/echarts/echarts.min.js
assets: $(ZXING) $(ECHARTS)
$(ZXING): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && mkdir -p app/static/vendor/zxing && \
	  cp node_modules/zxing-wasm/dist/iife/reader/index.js app/static/vendor/zxing/zxing-reader.js && \
	  cp node_modules/zxing-wasm/dist/reader/zxing_reader.wasm $(ZXING); \
	else echo "npm is missing: camera scanning at the counter falls back to the browser's BarcodeDetector"; fi
# The dashboard's charts: Apache ECharts from the npm registry, served from app/static/vendor too. Without npm the
# dashboard shows its figures as text and tables only.
$(ECHARTS): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && mkdir -p app/static/vendor/echarts && \
	  cp node_modules/echarts/dist/echarts.min.js $(ECHARTS); \
	else echo "npm is missing: the dashboard shows its figures without charts"; fi

# Benchmarks (not part of `make test`): wrk from Debian's packages; see docs/benchmarks.md.
bench-tools: install
	@command -v wrk >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null); \
	  else echo "Install wrk (Debian package wrk) to run the benchmarks"; fi; }

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
	$(VENV)/bin/pybabel compile -i $< -o $@

# After changing user-facing text: refresh the catalogue, then translate the new entries in the .po file.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --ignore-obsolete --width 120

db: install
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
