#!/usr/bin/env bash
# The release binary must run in an empty root: no interpreter, no dynamic
# section, no undefined symbols, no writable segment (no state outside the
# stack: README, "Size").
set -euo pipefail
bin=$1
fail=0
hdr=$(readelf -lW "$bin")
grep -q INTERP <<<"$hdr" && { echo "check: $bin has a PT_INTERP" >&2; fail=1; }
grep -q DYNAMIC <<<"$hdr" && { echo "check: $bin has a dynamic section" >&2; fail=1; }
grep -qE 'LOAD.* RW' <<<"$hdr" && { echo "check: $bin has a writable segment" >&2; fail=1; }
readelf -hW "$bin" | grep -q 'EXEC (Executable file)' || { echo "check: $bin is not a static EXEC" >&2; fail=1; }
undef=$(nm -u "$bin" 2>/dev/null || true)
[[ -n "$undef" ]] && { echo "check: undefined symbols: $undef" >&2; fail=1; }
((fail == 0)) && echo "check: $bin is static (no PT_INTERP, no dynamic section, no writable segment, no undefined symbols)"
exit $fail
