# kokona — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The app connects as kokona_app, a login role that owns nothing and cannot change or delete audit
# and history rows; createdb, migrate and flush connect as the owner (kokona/db_roles.py).
DATABASE_URL ?= postgres://kokona_app@127.0.0.1:5432/kokona
MIGRATE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kokona
PORT ?= 8000
export DATABASE_URL MIGRATE_DATABASE_URL

# A Python 3.12 or newer: python3.13/python3.12/python3 on PATH, else one that pyenv holds.
define FIND_PYTHON
for c in python3.12 python3.13 python3; do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$$' | sort -V); do \
    p="$$(pyenv root)/versions/$$v/bin/python3"; [ -x "$$p" ] && { echo "$$p"; exit 0; }; \
  done; \
fi
endef

.PHONY: help install run test lint check-catalogue messages vendor bench image-check clean

help:
	@echo "make run    start kokona (and its import worker) with demo data on http://127.0.0.1:$(PORT)/"
	@echo "make test   lint, checks and every test (PostgreSQL and Chromium needed)"
	@echo "make lint   ruff format --check, ruff check, mypy, bandit"
	@echo "make messages   update and compile the Japanese catalogue"
	@echo "make vendor     refresh static/vendor (and the tests' axe-core) from the npm registry"
	@echo "make bench      time the pages and a 5 MB import on synthetic data (bench/README.md)"
	@echo "make image-check   build the Docker image and run it against PostgreSQL (root, docker.io)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@python="$$($(FIND_PYTHON))"; \
	if [ -z "$$python" ]; then \
	  echo "kokona needs Python 3.12 or newer, and none was found." >&2; \
	  echo "Install python3.12 (e.g. 'apt-get install python3.12' or 'pyenv install 3.12')," >&2; \
	  echo "or put one on PATH, then run make again." >&2; \
	  exit 1; \
	fi; \
	echo "Using $$python ($$("$$python" --version))"; \
	[ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The development server, with DEBUG on, on this machine only.
RUN_ENV := DEBUG=true
run: install
	@$(RUN_ENV) $(PY) manage.py createdb
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo; echo "kokona: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it and its worker)"; echo
	@# The background worker (imports) runs beside the server and stops with it.
	@$(RUN_ENV) $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The test environment: production settings (DEBUG off) with throwaway keys. Tests run as the app's
# role (DATABASE_URL, exported above, like MIGRATE_DATABASE_URL: not spelled out here, so that make
# never echoes a password); the owner creates and migrates the test database.
TEST_ENV := DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production-000000000000000000 \
	ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	FIELD_ENCRYPTION_KEYS=QPaCesxTeYImx4MNKdXqHLMEjJify2UfiZfLutclfIE= FIELD_HASH_KEY=test-only-hash-key

test: install lint check-catalogue
	@$(TEST_ENV) $(PY) manage.py createdb
	$(TEST_ENV) ALLOWED_HOSTS=kokona.example.jp CSRF_TRUSTED_ORIGINS=https://kokona.example.jp \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	DEBUG=true $(VENV)/bin/mypy .
	$(VENV)/bin/bandit --quiet --recursive kokona consultations supplies ibasho reports --exclude '*/migrations/*'

# Every message in the code has a Japanese translation and the committed .mo is compiled from the
# committed .po. The .po is put back afterwards, so the check leaves no date-only change behind.
PO := locale/ja/LC_MESSAGES/django.po
check-catalogue: install
	@tmp=$$(mktemp -d); cp $(PO) $$tmp/committed.po; \
	msgfmt --check -o $$tmp/django.mo $(PO) && cmp -s $$tmp/django.mo locale/ja/LC_MESSAGES/django.mo || { \
	  echo "locale/ja/LC_MESSAGES/django.mo is stale: run 'make messages' and commit it." >&2; exit 1; }; \
	DEBUG=true $(PY) manage.py makemessages --locale ja --no-location --no-obsolete --verbosity 0; \
	untranslated=$$(msgattrib --untranslated --no-obsolete $(PO) | grep -c '^msgid "[^"]' || true); \
	fuzzy=$$(msgattrib --only-fuzzy --no-obsolete $(PO) | grep -c '^msgid "[^"]' || true); \
	if [ "$$untranslated$$fuzzy" != "00" ]; then \
	  echo "locale/ja: $$untranslated untranslated and $$fuzzy fuzzy messages (translate them in $(PO), then make messages):" >&2; \
	  msgattrib --untranslated --no-obsolete $(PO) | grep '^msgid "[^"]' | head -20 >&2; \
	  msgattrib --only-fuzzy --no-obsolete $(PO) | grep '^msgid "[^"]' | head -20 >&2; \
	  exit 1; \
	fi; \
	cp $$tmp/committed.po $(PO); rm -rf $$tmp; echo "locale/ja: complete"

messages: install
	DEBUG=true $(PY) manage.py makemessages --locale ja --no-location --no-obsolete
	msgfmt --check -o locale/ja/LC_MESSAGES/django.mo $(PO)
	msgfmt --check -o locale/ja/LC_MESSAGES/djangojs.mo locale/ja/LC_MESSAGES/djangojs.po

# Third-party CSS and JS are copied in, with their licences, and committed: no CDN, no Node build.
DESIGN_TOKENS := @digital-go-jp/design-tokens@1.1.9
HTMX := htmx.org@2.0.11
# axe-core checks pages for WCAG problems in the browser tests only: it lives under tests/, which
# the Docker image leaves out, so it never ships.
AXE := axe-core@4.14.1
vendor:
	@tmp=$$(mktemp -d); cd $$tmp && npm pack --silent $(DESIGN_TOKENS) $(HTMX) >/dev/null && \
	for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done; cd - >/dev/null; \
	mkdir -p static/vendor/design-tokens static/vendor/htmx; \
	cp $$tmp/digital-go-jp-design-tokens-*/package/dist/tokens.css static/vendor/design-tokens/; \
	cp $$tmp/digital-go-jp-design-tokens-*/package/LICENSE static/vendor/design-tokens/LICENSE; \
	cp $$tmp/htmx.org-*/package/dist/htmx.min.js static/vendor/htmx/; \
	cp $$tmp/htmx.org-*/package/LICENSE static/vendor/htmx/LICENSE; \
	rm -rf $$tmp; echo "static/vendor refreshed"
	@tmp=$$(mktemp -d); cd $$tmp && npm pack --silent $(AXE) >/dev/null && \
	mkdir -p axe && tar xzf axe-core-*.tgz -C axe; cd - >/dev/null; \
	mkdir -p tests/e2e/vendor/axe-core; \
	cp $$tmp/axe/package/axe.min.js $$tmp/axe/package/LICENSE $$tmp/axe/package/LICENSE-3RD-PARTY.txt \
	  tests/e2e/vendor/axe-core/; \
	rm -rf $$tmp; echo "tests/e2e/vendor refreshed"

bench: install
	$(PY) -m bench
	$(PY) -m bench.imports

# Builds the Docker image on a local stand-in base and runs it as compose.yaml does, against this
# machine's PostgreSQL (docker/image-check.sh says how). Not part of `make test`: it needs root,
# docker.io and debootstrap, and its first run takes minutes.
image-check:
	docker/image-check.sh

clean:
	rm -rf $(VENV) .static .pytest_cache .ruff_cache .mypy_cache
