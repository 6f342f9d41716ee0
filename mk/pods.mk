# Kubernetes pods through the OCI runtime (docs/kubernetes.md).
# Included by the top Makefile; uses IMAGE and NANOINIT_VERSION from mk/containers.mk.

PAUSE_IMAGE ?= $(IMAGE)-pause

## pause-image: nanoinit -P as a FROM-scratch pause image (Dockerfile.pause) in local storage.
pause-image: build
	@EXTRA_PKGS=buildah WITH_CROSS=0 scripts/deps.sh
	buildah build --isolation chroot --pull=never -f Dockerfile.pause \
		-t $(PAUSE_IMAGE):$(NANOINIT_VERSION) -t $(PAUSE_IMAGE):latest .

## pod-test: pods from OCI bundles run by crun: nanoinit in app containers and as the pause (as root).
pod-test: build
	@scripts/pod-test.sh dist/nanoinit
