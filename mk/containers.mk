# Real containers and the release (docs/containers.md).
# Included by the top Makefile; uses its TARGET, BUDGET and CARGO.

IMAGE ?= localhost/nanoinit
NANOINIT_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

## image: the FROM-scratch image (Dockerfile.scratch) in local storage, with buildah.
image: build
	@EXTRA_PKGS=buildah WITH_CROSS=0 scripts/deps.sh
	buildah build --isolation chroot --pull=never -f Dockerfile.scratch \
		-t $(IMAGE):$(NANOINIT_VERSION) -t $(IMAGE):latest .

## container-test: nanoinit as PID 1 of real containers (buildah, podman, crun; as root).
container-test: build
	@scripts/container-test.sh dist/nanoinit

## release: both binaries from two clean builds that must be identical, and dist/SHA256SUMS.
release: deps
	@BUDGET=$(BUDGET) CARGO=$(CARGO) scripts/release.sh
