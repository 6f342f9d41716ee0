# make bench: nanoinit against tini, tini-static, dumb-init and catatonit, in one
# interleaved run (benches/compare/; what the tables mean: docs/bench.md).
# scripts/deps.sh installs the Debian peers (and strace) that are missing, as
# root; a peer it cannot get is skipped. Writes target/bench/report.md, prints it,
# and records it (scripts/numbers.py: docs/numbers.md, docs/bench-report.md, README).

BENCH_PEERS := tini dumb-init catatonit strace
BENCH_REPORT = $${CARGO_TARGET_DIR:-target}/bench/report.md

## bench: measure nanoinit and every peer init it can get; print the report.
bench: build
	@OPTIONAL_PKGS="$(BENCH_PEERS)" WITH_CROSS=0 scripts/deps.sh
	NANOINIT_BENCH_BIN=$(CURDIR)/dist/nanoinit $(CARGO) bench --locked --bench compare
	@echo "bench: report in $(BENCH_REPORT)"
	@python3 scripts/numbers.py bench
