# The multi-arch OCI image: one image index, a FROM-scratch manifest per platform
# of scripts/platforms.sh (docs/containers.md, "One multi-arch image").
# Included by the top Makefile, after mk/cross.mk (its `cross`).

OCI_ARCHIVE := dist/nanoinit-oci.tar

## oci-archive: every platform's binary (make cross), then dist/nanoinit-oci.tar (buildah, no registry).
oci-archive: cross
	@scripts/oci-build.sh $(OCI_ARCHIVE)

## oci-test: the archive's index lists every platform, each /nanoinit is its dist/ binary; both Dockerfile recipes.
oci-test: oci-archive
	@scripts/oci-test.sh $(OCI_ARCHIVE)
