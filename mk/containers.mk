# Real containers and the release (docs/containers.md; the multi-arch image is
# in mk/oci.mk, every platform's build and test in mk/cross.mk).
# Included by the top Makefile; uses its CARGO.

IMAGE ?= localhost/nanoinit
NANOINIT_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

## image: the FROM-scratch image (Dockerfile.scratch) in local storage, with buildah.
image: build
	@EXTRA_PKGS=buildah WITH_CROSS=0 scripts/deps.sh
	buildah build --isolation chroot --pull=never -f Dockerfile.scratch \
		-t $(IMAGE):$(NANOINIT_VERSION) -t $(IMAGE):latest .

## container-test: nanoinit as PID 1 of real containers (buildah, podman, crun; as root):
## the amd64 image of dist/nanoinit-oci.tar, and dist/nanoinit as podman's --init-path.
container-test: build oci-archive
	@scripts/container-test.sh dist/nanoinit $(OCI_ARCHIVE)

## release: every platform's binary and the OCI archive from two clean builds that
## must be identical, and dist/SHA256SUMS.
release: deps
	@CARGO=$(CARGO) scripts/release.sh
