# Every platform of scripts/platforms.sh: build, qemu tests, per-target clippy
# (README, "Platforms"). Included by the top Makefile; uses its CARGO.
# ONLY="armv7 s390x" limits any of them to those platforms.

## cross: dist/nanoinit-<name> for every platform (amd64, arm64, armv7, 386,
## riscv64, ppc64le, s390x); each checked static and held to its size ceiling.
cross: deps
	@CARGO=$(CARGO) scripts/cross.sh $(ONLY)

## test-cross: each platform's binary as PID 1 of a new PID namespace, under its
## qemu-*-static (386 and amd64 natively too, with subreaper mode).
test-cross: cross
	@scripts/test-cross.sh $(ONLY)

## check-cross: clippy with warnings denied for the binary on every platform's target.
check-cross: deps
	@. scripts/platforms.sh && for n in $${ONLY:-$$(platform_names)}; do platform $$n; \
	    echo "check-cross: $$P_NAME ($$P_TARGET)"; \
	    $(CARGO) clippy --locked --release --bins --target $$P_TARGET -- -D warnings || exit 1; done
