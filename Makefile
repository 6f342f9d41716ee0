# nanoinit — see README.md. Every target installs what it needs.
SHELL := /bin/bash
TARGET := x86_64-unknown-linux-musl
BIN := target/$(TARGET)/release/nanoinit
# Bytes, for every platform (scripts/platforms.sh holds it and any exception).
BUDGET := $(shell . scripts/platforms.sh && echo $$PLATFORMS_BUDGET)
CARGO ?= cargo

.PHONY: all deps build size check test unit integration demo bench image container-test \
        pause-image pod-test cross test-cross check-cross release fuzz clean oci-archive oci-test

all: build

## deps: Rust targets and Debian packages the build and tests use (idempotent).
deps:
	@scripts/deps.sh

## build: the stripped static release binary at dist/nanoinit (section headers
## dropped too: the kernel loads segments only; see scripts/sstrip.py).
build: deps
	$(CARGO) build --release --locked
	@mkdir -p dist && python3 scripts/sstrip.py $(BIN) dist/nanoinit && chmod +x dist/nanoinit

## size: print the binary's size; fail above the budget.
size: build
	@scripts/size.sh dist/nanoinit $(BUDGET)

## check: the release link proves there is no panic path (build fails otherwise);
## formatting (rustfmt.toml), clippy with warnings denied; static-binary checks.
check: build
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	@scripts/check-static.sh dist/nanoinit
	@scripts/check-static.sh $(BIN)

## test: unit and integration tests (as root: PID-namespace tests), the size
## budget, the static-binary checks, every platform's binary under qemu
## (test-cross), and, where podman is installed, the multi-arch OCI archive and
## real containers; Kubernetes-style pods where crun is.
test: build
	$(CARGO) test --release --locked
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

## demo: build, then show nanoinit as PID 1 with orphans and a SIGTERM.
demo: build
	@scripts/demo.sh dist/nanoinit

# Each area keeps its own targets in mk/*.mk (containers, cross, bench, …).
-include mk/*.mk

clean:
	$(CARGO) clean
	rm -rf dist
