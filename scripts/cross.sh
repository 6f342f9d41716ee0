#!/usr/bin/env bash
# Builds dist/nanoinit-<name> for every platform of scripts/platforms.sh, or for
# the names given: a release build for its Rust target (rust-lld, see
# .cargo/config.toml), section headers dropped (scripts/sstrip.py), then checked:
# the right machine, a static EXEC (scripts/check-static.sh) and its size
# ceiling (scripts/size.sh).
#
# Usage: scripts/cross.sh [NAME...]      e.g. scripts/cross.sh armv7 s390x
# Env: CARGO (default cargo), CARGO_TARGET_DIR (default target). The size
# ceilings are scripts/platforms.sh's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/platforms.sh
. scripts/platforms.sh
CARGO=${CARGO:-cargo}
out=${CARGO_TARGET_DIR:-target}

names=("$@")
((${#names[@]})) || mapfile -t names < <(platform_names)
for name in "${names[@]}"; do
    platform "$name" || { echo "cross: unknown platform '$name' (known: $(platform_names | xargs))" >&2; exit 2; }
done

have=$(rustup target list --installed 2>/dev/null || true)
built=()
mkdir -p dist
for name in "${names[@]}"; do
    platform "$name"
    echo "cross: $P_NAME ($P_TARGET)"
    grep -qx "$P_TARGET" <<<"$have" || rustup target add "$P_TARGET"
    "$CARGO" build --release --locked --quiet --target "$P_TARGET"
    bin=dist/nanoinit-$P_NAME
    python3 scripts/sstrip.py "$out/$P_TARGET/release/nanoinit" "$bin"
    chmod +x "$bin"
    readelf -hW "$bin" | grep -qE "Machine:.*$P_MACHINE" ||
        { echo "cross: $bin is not a $P_MACHINE ELF" >&2; exit 1; }
    scripts/check-static.sh "$bin"
    SIZE_RECORD=0 scripts/size.sh "$bin"
    built+=("$bin")
done
# Recorded once all are built (scripts/numbers.py; a recording edits docs/).
scripts/size.sh "${built[@]}" >/dev/null
