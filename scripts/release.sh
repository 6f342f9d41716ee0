#!/usr/bin/env bash
# Builds every platform of scripts/platforms.sh twice from scratch (scripts/cross.sh,
# two different target directories) and refuses to release unless the two builds
# are byte-identical. Then builds the multi-arch OCI archive twice from those
# binaries (scripts/oci-build.sh), which must be identical too, and writes
# dist/nanoinit-<name>, dist/nanoinit (the host's amd64 binary),
# dist/nanoinit-oci.tar and dist/SHA256SUMS (`sha256sum -c SHA256SUMS` format).
#
# No RUSTFLAGS: it would replace the rustflags of .cargo/config.toml (the static
# relocation model). The binaries are stripped, panic-free (no file paths from
# panic locations) and link with --build-id=none, so the build path does not
# reach them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO=${CARGO:-cargo}
# shellcheck source=scripts/platforms.sh
. scripts/platforms.sh
mapfile -t NAMES < <(platform_names)

if [[ -n "${RUSTFLAGS:-}" ]]; then
    echo "release: RUSTFLAGS is set ('$RUSTFLAGS'); it would replace .cargo/config.toml's flags" >&2
    exit 1
fi
W=$(mktemp -d /tmp/nanoinit-release.XXXXXX)
trap 'rm -rf "$W"' EXIT
# Until both builds agree, no SHA256SUMS vouches for what is in dist/.
rm -f dist/SHA256SUMS

for run in a b; do
    echo "release: clean build $run of ${NAMES[*]} in $W/target-$run"
    # Verifies, records nothing: a recording edits docs/, and the next build
    # would embed a "-dirty" version.
    SIZE_RECORD=0 CARGO_TARGET_DIR=$W/target-$run scripts/cross.sh "${NAMES[@]}" >/dev/null
    mkdir -p "$W/$run"
    for n in "${NAMES[@]}"; do cp "dist/nanoinit-$n" "$W/$run/"; done
    scripts/oci-build.sh "$W/$run/nanoinit-oci.tar" >/dev/null
done

fail=0
for f in "${NAMES[@]/#/nanoinit-}" nanoinit-oci.tar; do
    a=$W/a/$f b=$W/b/$f
    if cmp -s "$a" "$b"; then
        echo "release: $f: two clean builds are identical ($(stat -c %s "$a") bytes, sha256 $(sha256sum <"$a" | cut -c1-16)…)"
    else
        echo "release: $f: NOT reproducible: the two clean builds differ:" >&2
        cmp -l "$a" "$b" | head -5 >&2
        fail=1
    fi
done
((fail == 0)) || exit 1

# Each against its ceiling in scripts/platforms.sh; recorded by `make cross`, not here.
SIZE_RECORD=0 scripts/size.sh "${NAMES[@]/#/dist/nanoinit-}"
cp "$W/a/nanoinit-oci.tar" dist/nanoinit-oci.tar
cp dist/nanoinit-amd64 dist/nanoinit
files=(nanoinit "${NAMES[@]/#/nanoinit-}" nanoinit-oci.tar)
(cd dist && sha256sum "${files[@]}" >SHA256SUMS)
echo "release: dist/SHA256SUMS ($(dist/nanoinit --version)):"
cat dist/SHA256SUMS
