#!/usr/bin/env bash
# Prints each binary's size in bytes, fails above its ceiling, and records the
# sizes for the docs (scripts/numbers.py: docs/numbers.md and the README).
#
# Usage: scripts/size.sh BIN BUDGET   one binary against BUDGET
#        scripts/size.sh BIN...       dist/nanoinit-<name> against <name>'s
#                                     ceiling in scripts/platforms.sh (any
#                                     other file: the budget)
#        scripts/size.sh              dist/nanoinit and every dist/nanoinit-<name>
#                                     that exists
# A platform whose ceiling is above the budget is reported loudly every time.
# SIZE_RECORD=0 checks without recording (a recording edits docs/, so every
# later build of the same run would be one of an uncommitted tree).
set -euo pipefail
# shellcheck source=scripts/platforms.sh
. "$(dirname "${BASH_SOURCE[0]}")/platforms.sh"

fail=0
# check BIN CEILING
check() {
    local bin=$1 ceiling=$2 size
    size=$(stat -c %s "$bin")
    echo "$bin: $size bytes (ceiling $ceiling, budget $PLATFORMS_BUDGET)"
    if ((ceiling > PLATFORMS_BUDGET)); then
        echo "size: WARNING: $bin does not fit the $PLATFORMS_BUDGET-byte budget; it is held to a" \
            "ceiling of $ceiling instead (scripts/platforms.sh)" >&2
    fi
    if ((size > ceiling)); then
        echo "size: $bin is over its ceiling by $((size - ceiling)) bytes" >&2
        fail=1
    fi
}

if (($# == 2)) && [[ $2 =~ ^[0-9]+$ ]]; then
    check "$1" "$2"
    ((fail)) || [[ ${SIZE_RECORD:-1} == 0 ]] ||
        python3 "$(dirname "${BASH_SOURCE[0]}")/numbers.py" sizes --budget "$PLATFORMS_BUDGET" "$1"
    exit $fail
fi
bins=("$@")
if ((${#bins[@]} == 0)); then
    dir=dist
    [[ -e $dir/nanoinit ]] && bins+=("$dir/nanoinit")
    for name in $(platform_names); do
        [[ -e $dir/nanoinit-$name ]] && bins+=("$dir/nanoinit-$name")
    done
    ((${#bins[@]})) || { echo "size: nothing built in dist/" >&2; exit 1; }
fi
for bin in "${bins[@]}"; do
    base=$(basename "$bin")
    if [[ $base == nanoinit-* ]] && platform "${base#nanoinit-}"; then
        check "$bin" "$P_CEILING"
    else
        check "$bin" "$PLATFORMS_BUDGET"
    fi
done
((fail)) || [[ ${SIZE_RECORD:-1} == 0 ]] ||
    python3 "$(dirname "${BASH_SOURCE[0]}")/numbers.py" sizes --budget "$PLATFORMS_BUDGET" "${bins[@]}"
exit $fail
