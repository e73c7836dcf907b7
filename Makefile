# Meetpad Bridge: build, run and test.
#
#   make run     install system deps, build release, run the bridge (UDP $(JVB_PORT), HTTP $(HTTP_HOST):$(HTTP_PORT));
#                with JVB_AUTH_PASSWORD (and XMPP_SERVER…) in the environment it joins the brewery like the
#                upstream jvb container, without it it runs REST-only (--disable-xmpp)
#   make test    test deps, debug build, layering check, swift test, interop tests (netns, loopback only),
#                compose/stack checks
#   make bench-alloc  micro-benchmarks in Benchmarks/, malloc counts checked against Benchmarks/Thresholds/
#   make check-image  runtime libraries of the container image, in a debootstrapped Debian 12 root
#   make bench   load benchmark: our bridge vs Janus vs a C floor, then each one's capacity on one core;
#                tables + JSON + SVG in Benchmarks/results/
#   make soak    1 h leak check: release bridge under a modest churning load, RSS and drops sampled every minute
#   make idle-rss  the idle release bridge's resident memory per library (docs/idle-memory.md)
#
# Swift commands always build the full package (MEETPAD_CORE_ONLY would drop the executable).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

SWIFT       ?= swift
SWIFT_RUN   := env -u MEETPAD_CORE_ONLY $(SWIFT)

JVB_PORT    ?= 10000
HTTP_HOST   ?= 127.0.0.1
HTTP_PORT   ?= 8080
RUN_ARGS    ?=
PYTEST_ARGS ?=
BENCH_ARGS  ?=
# The interop suite runs every bridge with more media threads than this machine has cores, so
# receivers are spread over lanes that really interleave (the stack tests keep the default).
INTEROP_MEDIA_THREADS ?= 4
SOAK_ARGS   ?=

DEBUG_BIN   := .build/debug/meetpad-bridge
RELEASE_BIN := .build/release/meetpad-bridge
# Every release build links the Swift runtime in, as the image does: what `make run`, the benchmarks
# and the soak measure is what ships. scripts/release-build-flags is the one description, read by
# scripts/bench.sh, scripts/soak.sh and the Dockerfile too.
RELEASE     := $(shell cat scripts/release-build-flags)

.PHONY: run test deps test-deps build build-release layering swift-test interop interop-offline interop-selfcheck bench-alloc \
	stack-test check-image bench bench-smoke interop-xmpp soak idle-rss

# Without an XMPP password there is no focus to talk to: run REST-only rather than refuse to start.
XMPP_ARGS   := $(if $(JVB_AUTH_PASSWORD)$(JVB_DISABLE_XMPP),,--disable-xmpp)

run:
	scripts/install-deps.sh
	$(SWIFT_RUN) build $(RELEASE) --product meetpad-bridge
	$(if $(XMPP_ARGS),@echo "make run: JVB_AUTH_PASSWORD is not set: running without XMPP (Colibri2 over REST on $(HTTP_HOST):$(HTTP_PORT))")
	exec $(RELEASE_BIN) --port $(JVB_PORT) --http-host $(HTTP_HOST) --http-port $(HTTP_PORT) $(XMPP_ARGS) $(RUN_ARGS)

# Steps run in this order and stop at the first failure (also under make -j).
test:
	scripts/install-test-deps.sh
	$(SWIFT_RUN) build --build-tests
	scripts/check-layering.sh
	$(SWIFT_RUN) test --skip-build
	scripts/bench-alloc.sh
	MEETPAD_BRIDGE_BIN=$(DEBUG_BIN) scripts/bench.sh --smoke
	JVB_MEDIA_THREADS=$(INTEROP_MEDIA_THREADS) MEETPAD_BRIDGE_BIN=$(DEBUG_BIN) scripts/run-interop-tests.sh $(PYTEST_ARGS)
	MEETPAD_BRIDGE_BIN=$(DEBUG_BIN) scripts/run-stack-tests.sh

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-test-deps.sh

build:
	$(SWIFT_RUN) build --build-tests

build-release:
	$(SWIFT_RUN) build $(RELEASE) --product meetpad-bridge

layering:
	scripts/check-layering.sh

swift-test:
	$(SWIFT_RUN) test --skip-build

# Interop tests against an already built debug bridge.
interop:
	JVB_MEDIA_THREADS=$(INTEROP_MEDIA_THREADS) MEETPAD_BRIDGE_BIN=$(DEBUG_BIN) scripts/run-interop-tests.sh $(PYTEST_ARGS)

# Harness self-tests that need no bridge.
interop-offline: test-deps
	scripts/run-interop-tests.sh -m "not bridge" $(PYTEST_ARGS)

# The whole interop suite against the aiortc-based reference bridge: checks the harness itself.
interop-selfcheck: test-deps
	MEETPAD_BRIDGE_BIN=tests/interop/reference_bridge.py scripts/run-interop-tests.sh $(PYTEST_ARGS)

# Compose wiring (docker-compose config, no engine) and --print-config with the jvb environment.
stack-test: test-deps
	MEETPAD_BRIDGE_BIN=$(DEBUG_BIN) scripts/run-stack-tests.sh $(PYTEST_ARGS)

# The image's runtime packages in a debootstrapped Debian 12 root, then ldd there (root and
# deb.debian.org needed; not part of `make test`).
check-image: build-release
	scripts/check-image.sh $(RELEASE_BIN)

# Side-by-side load benchmark: our bridge vs Janus 1.1.2 vs a C floor, per-packet cost and capacity (Benchmarks/LOAD.md).
bench:
	SWIFT=$(SWIFT) scripts/bench.sh $(BENCH_ARGS)

# Leak soak (not part of make test): 20 endpoints with churn for 1 h against the release bridge; fails on an
# RSS range over ±2 %, any loss or leftover gauges (Benchmarks/LOAD.md "Soak"). E.g. SOAK_ARGS="--duration 300 --interval 30".
soak:
	SWIFT=$(SWIFT) scripts/soak.sh $(SOAK_ARGS)

# Where the idle release bridge's resident memory is, per library (docs/idle-memory.md).
idle-rss:
	$(SWIFT_RUN) build $(RELEASE) --product meetpad-bridge
	python3 scripts/idle_rss.py --bridge-bin $(RELEASE_BIN)

# S1 N=3 for 5 s against the debug bridge; fails unless 0 loss (part of make test).
bench-smoke:
	MEETPAD_BRIDGE_BIN=$(DEBUG_BIN) SWIFT=$(SWIFT) scripts/bench.sh --smoke

# Only the XMPP interop tests (prosody + slixmpp focus).
interop-xmpp:
	MEETPAD_BRIDGE_BIN=$(DEBUG_BIN) scripts/run-interop-tests.sh -m xmpp $(PYTEST_ARGS)

# Allocation check of the micro-benchmarks (release build, malloc counts only, never time).
bench-alloc:
	SWIFT=$(SWIFT) scripts/bench-alloc.sh

# libFuzzer targets in Fuzz/ (not part of `make test`): FUZZ_SECONDS per target, default 30.
.PHONY: fuzz
fuzz:
	scripts/fuzz.sh
