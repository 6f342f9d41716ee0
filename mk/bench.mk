# make bench: nanoinit against tini, tini-static, dumb-init and catatonit, in one
# interleaved run (benches/compare.rs; what the tables mean: docs/bench.md).
# As root it first installs the Debian peers (and strace) that are missing; a
# peer it cannot get is skipped. Writes target/bench/report.md and prints it.

# Package → files that show it is installed (any one of them).
BENCH_PEERS := tini:/usr/bin/tini-static dumb-init:/usr/bin/dumb-init \
               catatonit:/usr/bin/catatonit,/usr/libexec/podman/catatonit strace:/usr/bin/strace
BENCH_REPORT = $${CARGO_TARGET_DIR:-target}/bench/report.md

## bench: measure nanoinit and every peer init it can get; print the report.
bench: build
	@missing=(); \
	for entry in $(BENCH_PEERS); do \
	    pkg=$${entry%%:*}; have=0; \
	    IFS=, read -ra files <<<"$${entry#*:}"; \
	    for f in "$${files[@]}"; do [[ -x $$f ]] && have=1; done; \
	    [[ $$pkg == tini && ! -x /usr/bin/tini ]] && have=0; \
	    ((have)) || missing+=("$$pkg"); \
	done; \
	if (($${#missing[@]})); then \
	    if [[ $$(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then \
	        echo "bench: not root or no apt-get; skipping missing peers: $${missing[*]}"; \
	    else \
	        echo "bench: installing $${missing[*]}"; \
	        export DEBIAN_FRONTEND=noninteractive; \
	        inst() { timeout 240 apt-get install -y -qq --no-install-recommends "$$@" >/dev/null 2>&1; }; \
	        inst "$${missing[@]}" || { timeout 180 apt-get update -qq >/dev/null 2>&1; inst "$${missing[@]}"; } || \
	            for p in "$${missing[@]}"; do inst "$$p" || echo "bench: cannot install $$p; it is skipped"; done; \
	    fi; \
	fi
	NANOINIT_BENCH_NO_INSTALL=1 NANOINIT_BENCH_BIN=$(CURDIR)/dist/nanoinit $(CARGO) bench --locked --bench compare
	@echo "bench: report in $(BENCH_REPORT)"
