# Wicket: `make run` opens the console in local mode; `make test` runs every
# test. Both install what is missing first (Debian packages, npm packages,
# Rust tools), so they work on a fresh Debian 12 machine.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Every cargo call builds the desktop app with its UI embedded, so tests,
# clippy and the app share one build and never load a dev server.
CARGO_FEATURES := --features wicket-desktop/custom-protocol
CARGO ?= cargo
NPM ?= npm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEBIAN_PACKAGES := build-essential pkg-config libssl-dev file libdbus-1-dev \
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev \
  xvfb xauth webkit2gtk-driver fonts-noto-cjk fonts-noto-color-emoji imagemagick librsvg2-bin dbus trayer xdotool chromium chromium-driver jq curl python3-venv \
  postgresql
TAURI_DRIVER := $(shell echo $${CARGO_HOME:-$$HOME/.cargo})/bin/tauri-driver
CARGO_FUZZ := $(shell echo $${CARGO_HOME:-$$HOME/.cargo})/bin/cargo-fuzz

.PHONY: help
help:
	@echo "make run    build and open the Wicket console (local mode)"
	@echo "make test   run every test: Rust, UI unit, end to end"
	@echo "make server run wicket-server on 127.0.0.1:8686 with data in ./wicket-data"
	@echo "make bindings  regenerate ui/src/platform/bindings.ts from the Rust types"
	@echo "make bench  run every benchmark and write the table to docs/benchmarks.md (QUICK=1: about 3 minutes)"
	@echo "make bench-server  measure inbound-message and WeChat-callback throughput and latency (release build)"
	@echo "make bench-designer  time an edit reaching the phone mock in the app's webview (200 modules)"
	@echo "make bench-inbox   measure the inbox cache: ingest, opening a thread, search (release build)"
	@echo "make bench-desktop  the desktop app's cold start and memory against a bare Tauri window"
	@echo "make package  build the console's Debian package (release) in target/release/bundle/deb/"
	@echo "make fuzz   fuzz the parsers (libFuzzer) and the server's API (schemathesis) for longer"

# ---- What the build needs -------------------------------------------------

.PHONY: deps debian-packages toolchain ui-packages tauri-driver
deps: debian-packages toolchain ui-packages

debian-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

toolchain:
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs), then run make again." >&2; exit 1; }
	@if ! command -v node >/dev/null; then \
	  echo "Installing Node.js from Debian"; \
	  $(SUDO) apt-get update -qq; DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; \
	fi
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Node.js 20.19 or newer is needed for the UI build; this is "+process.version); process.exit(1) }'
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt

ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && $(NPM) ci --no-audit --no-fund
	@touch $@

ui-packages: ui/node_modules/.package-lock.json

tauri-driver: $(TAURI_DRIVER)
$(TAURI_DRIVER):
	$(CARGO) install tauri-driver --version '^2' --locked

# ---- Builds ----------------------------------------------------------------

.PHONY: ui app server-bin bindings
ui: ui-packages
	cd ui && $(NPM) run build

app: deps ui
	$(CARGO) build -p wicket-desktop -p wicket-server $(CARGO_FEATURES)

bindings:
	$(CARGO) test -p wicket-desktop $(CARGO_FEATURES) --lib export_typescript_bindings

# ---- Packages ----------------------------------------------------------------

# Tauri's bundler comes with the UI's npm packages (@tauri-apps/cli ships
# its binary there); the Debian package declares WebKitGTK, the tray library
# and the fonts it needs (src-tauri/tauri.conf.json).
TAURI_CLI := ui/node_modules/.bin/tauri

.PHONY: package package-debug
package: deps ui
	$(CARGO) build --release -p wicket-desktop $(CARGO_FEATURES)
	$(TAURI_CLI) bundle --bundles deb --features custom-protocol
	@ls target/release/bundle/deb/*.deb

# The same package from the debug build the tests already made.
package-debug: app
	$(TAURI_CLI) bundle --debug --bundles deb --features custom-protocol

# ---- Run -------------------------------------------------------------------

.PHONY: run server
run: app
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display: run this from a desktop session (or set DISPLAY)." >&2; exit 1; \
	fi
	./target/debug/wicket

server: deps
	$(CARGO) run -p wicket-server -- --data wicket-data --listen 127.0.0.1:8686

# ---- Tests -----------------------------------------------------------------

.PHONY: test lint test-rust test-postgres test-ui test-e2e check-bindings
test: deps tauri-driver ui lint test-rust test-postgres check-bindings test-ui test-web test-fuzz test-api test-e2e
	@echo "make test: all passed"

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets $(CARGO_FEATURES) -- -D warnings
	cd ui && $(NPM) run typecheck && $(NPM) run lint && $(NPM) run format:check

test-rust:
	$(CARGO) test --workspace --exclude wicket-e2e $(CARGO_FEATURES)

# The server's PostgreSQL backend (cargo feature `postgres`), linted, the
# storage conformance suite on it, several servers on one database, and the
# HTTP and sync tests again on PostgreSQL. Each
# test binary starts a throwaway cluster (initdb in a temporary folder, a
# free loopback port; see crates/test-support/src/postgres.rs) and stops it
# by its pid at the end.
test-postgres:
	$(CARGO) clippy -p wicket-server --all-targets --features wicket-server/postgres -- -D warnings
	$(CARGO) test -p wicket-server --features postgres --test storage_conformance_postgres
	$(CARGO) test -p wicket-server --features postgres --test several_processes
	$(CARGO) test -p wicket-server --features postgres --test multi_process -- --nocapture
	WICKET_TEST_STORAGE=postgres $(CARGO) test -p wicket-server --features postgres $(PG_SERVER_TESTS)
	WICKET_TEST_STORAGE=postgres $(CARGO) test -p wicket-sync --features wicket-server/postgres $(PG_SYNC_TESTS)

# The server's HTTP tests run a second time on PostgreSQL (each test server
# on a database of its own, WICKET_TEST_STORAGE in wicket-test-support); the
# sync engine's tests too. Left out: tests that read or copy SQLite's file
# (a restore from a backup copies the data folder).
PG_SERVER_TESTS := --test http --test inbox --test live --test staff --test sign_in --test wechat --test alipay \
  --test broadcasts --test auto_replies --test media --test follower_import --test push_judging \
  --test sandbox_limits --test openapi --test group_commit --test segments --test broadcast_drafts --test alipay_segments
PG_SYNC_TESTS := --test broadcast_progress --test engine --test flood --test outbox --test presence --test recovery \
  --test role

# The Rust tests regenerate the UI's bindings and its list of issue keys; a
# difference means the committed files no longer match the Rust side.
check-bindings:
	@changed=$$(git status --porcelain -- ui/src/platform/bindings.ts ui/src/platform/api.ts ui/src/shared/model.ts ui/src/shared/issue-keys.json); \
	if [ -n "$$changed" ]; then \
	  echo "The TypeScript generated from the Rust types changed when regenerated:" >&2; \
	  git --no-pager diff --stat -- ui/src/platform/bindings.ts ui/src/platform/api.ts ui/src/shared/model.ts ui/src/shared/issue-keys.json >&2; \
	  echo "Run 'make bindings' and commit the result." >&2; exit 1; \
	fi

test-ui:
	cd ui && $(NPM) test

# The subscriber web app in Debian's Chromium, against a real server binary
# (which embeds the web app built by `make ui`).
test-web: app
	cd ui && $(NPM) run test:web

test-e2e: app tauri-driver package-debug
	$(CARGO) test -p wicket-e2e -- --test-threads=1

# ---- Fuzzing -------------------------------------------------------------------

# libFuzzer targets in fuzz/ (a workspace of its own, built into fuzz/target):
# layout files, WeChat menu JSON (and Alipay's menu written from it), the sync
# protocol's JSON judged by the model's rules, the `{{field}}` scanner,
# WeChat callbacks (query, signature, AES envelope, XML) and Alipay gateway
# POSTs (form in its charset, RSA2/RSA signature, notify XML).
# Each checks properties, not only that nothing panics. cargo-fuzz passes
# nightly-only flags to rustc; RUSTC_BOOTSTRAP=1 lets the stable toolchain take
# them, so no nightly is needed. A run starts from the committed seeds
# (fuzz/seeds/<target>) and the corpus earlier runs grew (fuzz/corpus/<target>,
# not committed), with the seeds' JSON keys and tags as a dictionary
# (fuzz/dicts). An input that fails is saved in fuzz/artifacts/<target>/;
# replay it with `RUSTC_BOOTSTRAP=1 cargo fuzz run $(FUZZ_FLAGS) <target> <file>`.
FUZZ_TARGETS := layout_import menu_import sync_json template_scan wechat_callback alipay_gateway
FUZZ_FLAGS := --sanitizer none --debug-assertions
# Seconds per target: `make test` (about a minute in all), `make fuzz`.
FUZZ_SECONDS ?= 13
FUZZ_LONG_SECONDS ?= 600
# schemathesis against a running server's own OpenAPI document (fuzz/api/run.py):
# examples per operation in `make test` (a fixed seed: a failure repeats) and
# in `make fuzz` (a new seed each run, printed at the end).
API_FUZZ_EXAMPLES ?= 10
API_FUZZ_SEED ?= 1
API_FUZZ_LONG_EXAMPLES ?= 200
SCHEMATHESIS_VENV := target/schemathesis
SCHEMATHESIS := $(SCHEMATHESIS_VENV)/bin/schemathesis

.PHONY: fuzz test-fuzz test-api cargo-fuzz schemathesis fuzz-build
cargo-fuzz: $(CARGO_FUZZ)
$(CARGO_FUZZ):
	$(CARGO) install cargo-fuzz --locked

schemathesis: $(SCHEMATHESIS)
$(SCHEMATHESIS): fuzz/api/requirements.txt
	python3 -m venv $(SCHEMATHESIS_VENV)
	$(SCHEMATHESIS_VENV)/bin/pip install --quiet --disable-pip-version-check -r fuzz/api/requirements.txt
	@touch $@

fuzz-build: cargo-fuzz
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml --check
	RUSTC_BOOTSTRAP=1 $(CARGO) fuzz build $(FUZZ_FLAGS)

# $(1): seconds per target. libFuzzer's output goes to fuzz/target/<target>.log,
# shown when the target fails.
define fuzz_each
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  log=fuzz/target/$$t.log; \
	  if RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $(FUZZ_FLAGS) $$t fuzz/corpus/$$t fuzz/seeds/$$t -- \
	       -max_total_time=$(1) -timeout=10 -dict=fuzz/dicts/$$t.dict >$$log 2>&1; then \
	    echo "fuzz $$t: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $$log), no failure"; \
	  else \
	    tail -n 60 $$log >&2; echo "fuzz $$t failed: the input is in fuzz/artifacts/$$t/, the whole log in $$log" >&2; exit 1; \
	  fi; \
	done
endef

test-fuzz: fuzz-build
	$(call fuzz_each,$(FUZZ_SECONDS))

test-api: app schemathesis
	$(SCHEMATHESIS_VENV)/bin/python fuzz/api/run.py --server target/debug/wicket-server \
	  --schemathesis $(SCHEMATHESIS) --max-examples $(API_FUZZ_EXAMPLES) --seed $(API_FUZZ_SEED)

fuzz: deps fuzz-build app schemathesis
	$(call fuzz_each,$(FUZZ_LONG_SECONDS))
	$(SCHEMATHESIS_VENV)/bin/python fuzz/api/run.py --server target/debug/wicket-server \
	  --schemathesis $(SCHEMATHESIS) --max-examples $(API_FUZZ_LONG_EXAMPLES)

# ---- Benchmarks (figures, never pass/fail) -----------------------------------

# Every benchmark, several runs each, in one table: median, spread, and the
# ratio to each figure's baseline measured in the same run. Printed, and
# written to docs/benchmarks.md with the date, the machine, the commit and
# each row's command (crates/bench/src/bin/bench-table.rs). QUICK=1 runs
# smaller sizes (about 3 minutes on 2 cores); the full run takes about 20.
# The server is built with PostgreSQL, whose rows run on a throwaway cluster.
# BENCH_TABLE_ARGS passes more (say --only inbox or --note "...").
BENCH_TABLE_FLAGS := $(if $(QUICK),--quick --invocation "make bench QUICK=1",--invocation "make bench")
.PHONY: bench
bench: deps ui app tauri-driver bench-window
	$(CARGO) build --release -p wicket-server -p wicket-bench -p wicket-wechat-double --features wicket-server/postgres
	$(CARGO) build -p wicket-e2e --bin designer-webview-bench --bin desktop-start-bench
	nice ./target/release/bench-table $(BENCH_TABLE_FLAGS) $(BENCH_TABLE_ARGS)

.PHONY: bench-server
bench-server: deps ui
	$(CARGO) build --release -p wicket-server -p wicket-bench
	./target/release/inbound-load --connections 16 --messages 200
	./target/release/inbound-load --connections 32 --messages 200
	./target/release/wechat-callbacks --connections 16 --messages 200

# The console's inbox cache: ingest vs a raw bulk insert, opening a thread,
# search. BENCH_INBOX_ARGS="--messages 200000 --conversations 4000" for a quick run.
# An edit reaching the phone mock in the app's own webview, 200 modules.
.PHONY: bench-designer
bench-designer: app tauri-driver
	$(CARGO) run -p wicket-e2e --bin designer-webview-bench

# The desktop app's cold start and memory (PSS of its whole process tree:
# idle, and with a 1,000,000-message cache open) against a bare Tauri window
# (crates/bench-window), both debug builds, under Xvfb through tauri-driver.
# The bare window is built with the app's features, so Tauri is built once.
.PHONY: bench-window bench-desktop
bench-window: deps ui
	$(CARGO) build -p wicket-desktop -p wicket-server -p wicket-bench-window $(CARGO_FEATURES)

bench-desktop: app tauri-driver bench-window
	$(CARGO) build --release -p wicket-server -p wicket-bench -p wicket-wechat-double --features wicket-server/postgres --bin desktop-cache
	$(CARGO) run -p wicket-e2e --bin desktop-start-bench $(if $(BENCH_DESKTOP_ARGS),-- $(BENCH_DESKTOP_ARGS),)

.PHONY: bench-inbox
bench-inbox:
	$(CARGO) build --release -p wicket-bench --bin inbox-bench
	nice ./target/release/inbox-bench $(BENCH_INBOX_ARGS)
