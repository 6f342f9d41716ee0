# nanoinit — see README.md. Every target installs what it needs.
SHELL := /bin/bash
TARGET := x86_64-unknown-linux-musl
BIN := target/$(TARGET)/release/nanoinit
# Bytes, for the stripped binary of every platform (scripts/platforms.sh holds
# it, and any platform's exception; scripts/size.sh checks it).
BUDGET := $(shell . scripts/platforms.sh && echo $$PLATFORMS_BUDGET)
CARGO ?= cargo

.PHONY: all deps build size numbers check test demo bench image container-test pause-image pod-test oci-archive oci-test \
        cross test-cross check-cross release clean

all: build

## deps: Rust targets and Debian packages the build and tests use (idempotent).
deps:
	@scripts/deps.sh

## build: the stripped static release binary at dist/nanoinit (section headers
## dropped too: the kernel loads segments only; see scripts/sstrip.py).
build: deps
	$(CARGO) build --release --locked
	@mkdir -p dist && python3 scripts/sstrip.py $(BIN) dist/nanoinit && chmod +x dist/nanoinit

## size: print the binary's size; fail above the budget; record it in docs/numbers.md.
size: build
	@scripts/size.sh dist/nanoinit $(BUDGET)

## numbers: re-render docs/numbers.md and the README's blocks from docs/numbers.json.
numbers:
	@python3 scripts/numbers.py render

## check: the release link proves there is no panic path (build fails otherwise);
## formatting (rustfmt.toml), clippy with warnings denied; the generated numbers
## blocks are current; static-binary checks.
check: build
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	@python3 scripts/numbers.py check
	@scripts/check-static.sh dist/nanoinit
	@scripts/check-static.sh $(BIN)

## test: unit and integration tests (as root: PID-namespace tests), the size
## budget, the static-binary checks, every platform's binary under qemu
## (test-cross), and, where podman is installed, the multi-arch OCI archive and
## real containers; Kubernetes-style pods where crun is.
test: build
	$(CARGO) test --release --locked
	@python3 scripts/numbers.py tests
	@scripts/size.sh dist/nanoinit $(BUDGET)
	@scripts/check-static.sh dist/nanoinit
	@scripts/check-static.sh $(BIN)
	@$(MAKE) --no-print-directory test-cross
	@if command -v podman >/dev/null && command -v buildah >/dev/null; then \
	    $(MAKE) --no-print-directory oci-test container-test; \
	else echo "test: podman/buildah not installed; skipping oci-test and container-test (make container-test installs them)"; fi
	@if command -v crun >/dev/null && command -v buildah >/dev/null; then \
	    $(MAKE) --no-print-directory pod-test; \
	else echo "test: crun/buildah not installed; skipping pod-test (make pod-test installs them)"; fi

## demo: the PID 1 problem (sh, then a server that never waits, as PID 1), then
## nanoinit: one workload with orphans and a SIGTERM trap, stopped as docker stop does.
demo: build
	@scripts/demo.sh dist/nanoinit

# Each area keeps its own targets in mk/*.mk (containers, cross, bench, …).
-include mk/*.mk

clean:
	$(CARGO) clean
	rm -rf dist
