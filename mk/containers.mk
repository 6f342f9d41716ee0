# Real containers, the aarch64 build and the release (docs/containers.md; the
# multi-arch image is in mk/oci.mk).
# Included by the top Makefile; uses its TARGET, A64, BUDGET and CARGO.

IMAGE ?= localhost/nanoinit
NANOINIT_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
A64_BIN := $(or $(CARGO_TARGET_DIR),target)/$(A64)/release/nanoinit

## image: the FROM-scratch image (Dockerfile.scratch) in local storage, with buildah.
image: build
	@EXTRA_PKGS=buildah WITH_AARCH64=0 scripts/deps.sh
	buildah build --isolation chroot --pull=never -f Dockerfile.scratch \
		-t $(IMAGE):$(NANOINIT_VERSION) -t $(IMAGE):latest .

## container-test: nanoinit as PID 1 of real containers (buildah, podman, crun; as root):
## the amd64 image of dist/nanoinit-oci.tar, and dist/nanoinit as podman's --init-path.
container-test: build oci-archive
	@scripts/container-test.sh dist/nanoinit $(OCI_ARCHIVE)

## build-aarch64: dist/nanoinit-aarch64, linked by rust-lld; static EXEC, held to the same budget.
build-aarch64: deps
	$(CARGO) build --release --locked --target $(A64)
	@mkdir -p dist && python3 scripts/sstrip.py $(A64_BIN) dist/nanoinit-aarch64 && chmod +x dist/nanoinit-aarch64
	@readelf -hW dist/nanoinit-aarch64 | grep -q 'Machine:.*AArch64' || { echo "build-aarch64: not an aarch64 ELF" >&2; exit 1; }
	@scripts/check-static.sh dist/nanoinit-aarch64
	@scripts/size.sh dist/nanoinit-aarch64 $(BUDGET)

## test-aarch64: exit codes, forwarding and reaping of the aarch64 binary under qemu-aarch64-static.
test-aarch64: build-aarch64
	@scripts/test-aarch64.sh dist/nanoinit-aarch64

## release: every platform's binary and the OCI archive from two clean builds that
## must be identical, and dist/SHA256SUMS.
release: deps
	@BUDGET=$(BUDGET) CARGO=$(CARGO) scripts/release.sh
