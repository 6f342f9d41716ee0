# The multi-arch OCI image: one image index, a FROM-scratch manifest per platform
# of scripts/platforms.sh (docs/containers.md, "One multi-arch image").
# Included by the top Makefile; uses its CARGO.

OCI_ARCHIVE := dist/nanoinit-oci.tar

## oci-archive: every platform's binary (scripts/cross.sh), then dist/nanoinit-oci.tar (buildah, no registry).
oci-archive: deps
	@CARGO=$(CARGO) scripts/cross.sh
	@scripts/oci-build.sh $(OCI_ARCHIVE)

## oci-test: the archive's index lists every platform, each /nanoinit is its dist/ binary; both Dockerfile recipes.
oci-test: oci-archive
	@scripts/oci-test.sh $(OCI_ARCHIVE)
