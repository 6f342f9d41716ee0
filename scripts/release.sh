#!/usr/bin/env bash
# Builds both release binaries twice from scratch, in two different target
# directories, and refuses to release unless the two builds are byte-identical.
# Then checks them (static EXEC, budget) and writes dist/nanoinit,
# dist/nanoinit-aarch64 and dist/SHA256SUMS (`sha256sum -c SHA256SUMS` format).
#
# No RUSTFLAGS: it would replace the rustflags of .cargo/config.toml (the static
# relocation model). The binaries are stripped, panic-free (no file paths from
# panic locations) and link with --build-id=none, so the build path does not
# reach them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARGO=${CARGO:-cargo}
BUDGET=${BUDGET:?set by make release (the Makefile's BUDGET)}
TARGETS=(x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
NAMES=(nanoinit nanoinit-aarch64)

W=$(mktemp -d /tmp/nanoinit-release.XXXXXX)
trap 'rm -rf "$W"' EXIT
if [[ -n "${RUSTFLAGS:-}" ]]; then
    echo "release: RUSTFLAGS is set ('$RUSTFLAGS'); it would replace .cargo/config.toml's flags" >&2
    exit 1
fi

for run in a b; do
    for t in "${TARGETS[@]}"; do
        echo "release: clean build $run for $t in $W/$run"
        CARGO_TARGET_DIR=$W/$run "$CARGO" build --release --locked --quiet --target "$t"
    done
done

fail=0
for i in "${!TARGETS[@]}"; do
    a=$W/a/${TARGETS[$i]}/release/nanoinit
    b=$W/b/${TARGETS[$i]}/release/nanoinit
    if cmp -s "$a" "$b"; then
        echo "release: ${NAMES[$i]}: two clean builds are identical ($(stat -c %s "$a") bytes, sha256 $(sha256sum <"$a" | cut -c1-16)…)"
    else
        echo "release: ${NAMES[$i]}: NOT reproducible: the two clean builds differ:" >&2
        cmp -l "$a" "$b" | head -5 >&2
        fail=1
    fi
done
((fail == 0)) || exit 1

mkdir -p dist
for i in "${!TARGETS[@]}"; do
    python3 scripts/sstrip.py "$W/a/${TARGETS[$i]}/release/nanoinit" "dist/${NAMES[$i]}"
    chmod +x "dist/${NAMES[$i]}"
    scripts/check-static.sh "dist/${NAMES[$i]}"
    scripts/size.sh "dist/${NAMES[$i]}" "$BUDGET"
done
readelf -hW dist/nanoinit | grep -q 'Machine:.*X86-64'
readelf -hW dist/nanoinit-aarch64 | grep -q 'Machine:.*AArch64'
(cd dist && sha256sum "${NAMES[@]}" >SHA256SUMS)
echo "release: dist/SHA256SUMS ($(dist/nanoinit --version)):"
cat dist/SHA256SUMS
