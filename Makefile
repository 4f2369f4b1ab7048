# Developer tasks for CST Directory. Needs only python3 (3.11 or newer); everything else goes into .venv.
#
#   make run          install into .venv and start the app; pass options with ARGS="--home /tmp/x manchester"
#   make test         lint, type-check, build the bundle and run every test against the installed package
#                     and the bundle
#   make lint         ruff and mypy only
#   make screenshot   regenerate docs/screenshot.png under a private Xvfb
#   make package      build the double-click bundle and dist/cst-directory-<version>-linux-<arch>.tar.gz
#   make install-desktop   add the installed app to your application menu (under ~/.local/share)
#   make clean        remove .venv, build output, caches and test artifacts
#
# The project is installed into .venv as a built wheel, not in editable mode, so the tests exercise what
# users get, bundled resources included. It is rebuilt whenever pyproject.toml, README.md, src/ or
# resources/ change.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WHEEL_DIR := build/wheel
INSTALLED := $(VENV)/.cst-directory-installed
ARGS ?=
PYTEST_ARGS ?=

VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' src/cst_directory/__init__.py)
TARBALL := dist/cst-directory-$(VERSION)-linux-$(shell uname -m).tar.gz
PYINSTALLER := $(VENV)/.pyinstaller-installed

# Everything that goes into the wheel. Directories are listed too, so adding or removing a file counts.
PACKAGE_INPUTS := pyproject.toml README.md \
	$(shell find src resources -name __pycache__ -prune -o -print 2>/dev/null)

.PHONY: help venv install run test fault lint screenshot system-deps clean icons install-desktop uninstall-desktop \
	package bench

help:
	@echo "make run         install into $(VENV) and start the app (ARGS=... passes options)"
	@echo "make test        ruff, mypy and pytest against the installed package"
	@echo "make lint        ruff and mypy only"
	@echo "make fault       the fault suite alone (full disk, links, foreign logs, racing openers...)"
	@echo "make install     build the wheel and install it with its test extras into $(VENV)"
	@echo "make venv        create $(VENV)"
	@echo "make screenshot  regenerate docs/screenshot.png under a private Xvfb"
	@echo "make package     build the PyInstaller bundle and its .tar.gz in dist/"
	@echo "make install-desktop    put the app (from $(VENV)) in your application menu; uninstall-desktop removes it"
	@echo "make bench       print the performance table and the bundle figures (against baselines run alongside)"
	@echo "make icons       re-render the PNG, ICO and ICNS icons from their SVGs"
	@echo "make clean       remove $(VENV), build output, caches and test artifacts"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "make: $(PYTHON) is $$($(PYTHON) --version 2>&1); CST Directory needs Python 3.11 or newer." \
		     "Try: make PYTHON=python3.11 ..." >&2; exit 1; }
	@echo "==> Creating $(VENV) with $$($(PYTHON) --version 2>&1)"
	@if ! $(PYTHON) -m venv $(VENV); then \
		echo "==> $(PYTHON) -m venv failed (on Debian: python3-venv is missing); bootstrapping pip with the system's pip"; \
		rm -rf $(VENV); \
		$(PYTHON) -m venv --without-pip $(VENV) && $(PYTHON) -m pip --python $(BIN)/python install pip || { \
			rm -rf $(VENV); \
			echo "make: cannot create $(VENV). On Debian or Ubuntu: sudo apt-get install python3-venv" >&2; \
			exit 1; }; \
	fi
	$(BIN)/python -m pip install --upgrade pip

venv: $(BIN)/python

$(INSTALLED): $(BIN)/python $(PACKAGE_INPUTS)
	@echo "==> Building the wheel and installing it, with its test extras, into $(VENV)"
	rm -rf $(WHEEL_DIR)
	$(BIN)/python -m pip wheel --no-deps --wheel-dir $(WHEEL_DIR) .
	wheel="$$(echo $(WHEEL_DIR)/cst_directory-*.whl)"; \
	$(BIN)/python -m pip install "$$wheel[test]"; \
	$(BIN)/python -m pip install --force-reinstall --no-deps "$$wheel"
	touch $@

install: $(INSTALLED)

$(PYINSTALLER): $(BIN)/python packaging/requirements.txt
	@echo "==> Installing PyInstaller into $(VENV)"
	$(BIN)/python -m pip install -r packaging/requirements.txt
	touch $@

# The bundle is rebuilt only when the app or its packaging changes: a build takes a few minutes.
$(TARBALL): $(INSTALLED) $(PYINSTALLER) $(PACKAGE_INPUTS) \
		$(shell find packaging -name __pycache__ -prune -o -print 2>/dev/null)
	@echo "==> Building the bundle with PyInstaller"
	$(BIN)/python packaging/build_bundle.py

package: $(TARBALL)

run: install
	$(BIN)/cst-directory $(ARGS)

lint: install $(PYINSTALLER)
	@echo "==> ruff"
	$(BIN)/ruff check src tests scripts benchmarks packaging packaging/cst-directory.spec
	@echo "==> mypy"
	$(BIN)/mypy
	$(BIN)/mypy --strict packaging/build_bundle.py packaging/launch.py packaging/pyinstaller-hooks
	@echo "==> icons match their SVGs"
	$(BIN)/python scripts/render_icons.py --check

# Figures, not pass/fail: one table of start-up, keystrokes, memory, a change made elsewhere, cstdir lookup
# and a batch add, each against a baseline measured in the same run (a missed target prints "miss"), then
# the bundle against the installed app. Seeded contact files are kept in build/bench-contacts.
bench: install package
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_bundle.py --bundle dist/bundle/cst-directory \
		--installed $(BIN)/cst-directory --tarball $(TARBALL)

icons: install
	$(BIN)/python scripts/render_icons.py

install-desktop: install
	packaging/linux/install-desktop.sh --exec $(BIN)/cst-directory

uninstall-desktop:
	packaging/linux/install-desktop.sh --uninstall

# Installs Xvfb, xdotool, xclip, ImageMagick and Qt's xcb libraries when missing and running as root on
# Debian; otherwise only reports what is missing (the X11 test then skips, or fails under CI=true).
system-deps:
	@bash .ci/install-system-deps --optional

test: system-deps lint package
	@echo "==> pytest"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fault suite alone; some of it (a real full disk, a read-only folder as another user) needs root.
fault: system-deps install
	$(BIN)/python -m pytest -m fault $(PYTEST_ARGS)

screenshot: system-deps install
	$(BIN)/python scripts/screenshot.py --output docs/screenshot.png
	$(BIN)/python scripts/screenshot.py --output docs/add-contact.png --query "" --capture "Add contact" \
		--step key:ctrl+n --step "type:School office" --step key:Tab --step type:07700900123
	$(BIN)/python scripts/screenshot.py --output docs/import-preview.png --query "" \
		--capture "Import contacts from" --step key:ctrl+i --step "type:$(CURDIR)/docs/import-example.vcf" \
		--step key:Return --step key:Down --step key:Down --step key:Down --step key:Down --step key:Down
	$(BIN)/python scripts/screenshot.py --output docs/screenshot-dark.png --palette dark
	$(BIN)/python scripts/screenshot.py --output docs/screenshot-high-contrast.png --palette high-contrast
	$(BIN)/python scripts/screenshot.py --output docs/screenshot-large-text.png --large-text
	$(BIN)/python scripts/screenshot.py --output docs/screenshot-200-text.png --font-dpi 192 \
		--screen 1920x1200x24 --size 1200x800
	$(BIN)/python scripts/screenshot.py --output docs/screenshot-scale-2.png --scale 2 --screen 2200x1400x24

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis .artifacts
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
