#!/usr/bin/env bash
# Builds dist/nanoinit-<name> for the named platforms (all of scripts/platforms.sh
# when none is named): release build, stripped (scripts/sstrip.py), checked
# static and held to the size budget. Honours CARGO and CARGO_TARGET_DIR.
#
# Usage: scripts/cross.sh [name...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARGO=${CARGO:-cargo}
BUDGET=${BUDGET:-16384}
# shellcheck source=scripts/platforms.sh
. scripts/platforms.sh

declare -A TARGET
ALL=()
for row in "${PLATFORMS[@]}"; do
    read -r name target _ <<<"$row"
    TARGET[$name]=$target
    ALL+=("$name")
done
(($#)) || set -- "${ALL[@]}"
for name; do
    [[ -n "${TARGET[$name]:-}" ]] || { echo "cross: unknown platform '$name' (known: ${ALL[*]})" >&2; exit 2; }
done

have=$(rustup target list --installed 2>/dev/null || true)
mkdir -p dist
for name; do
    t=${TARGET[$name]}
    grep -qx "$t" <<<"$have" || rustup target add "$t"
    "$CARGO" build --release --locked --quiet --target "$t"
    out=dist/nanoinit-$name
    python3 scripts/sstrip.py "${CARGO_TARGET_DIR:-target}/$t/release/nanoinit" "$out"
    chmod +x "$out"
    scripts/check-static.sh "$out" >/dev/null
    scripts/size.sh "$out" "$BUDGET"
done
