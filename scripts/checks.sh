# Timed checks with a PASS/FAIL tally, shared by the shell test scripts
# (container-test.sh, test-cross.sh). Source it; it needs bash 5 (EPOCHREALTIME).
# Each check prints one line; TABLE collects markdown rows for a timings table;
# the caller ends with `echo "$PASSED passed, $FAILED failed"`.

PASSED=0 FAILED=0
declare -a TABLE
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# timed CMD...: runs CMD, setting OUT (its output), RC and MS (milliseconds).
timed() {
    local t0
    t0=$(now_ms)
    OUT=$("$@" 2>&1)
    RC=$?
    MS=$(($(now_ms) - t0))
}

# tally OK NAME VERDICT NOTE: counts and prints one result of the last `timed`;
# VERDICT goes in the table, NOTE (may be empty) before the output.
tally() {
    local ok=$1 name=$2 verdict=$3 note=$4
    if ((ok)); then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
    printf '%s  %-44s %6d ms  %s%s\n' "$( ((ok)) && echo PASS || echo FAIL)" "$name" "$MS" "$note" "${OUT//$'\n'/ | }"
    TABLE+=("| $name | $verdict | $MS | ${OUT//$'\n'/; } |")
}

# check NAME CMD...: CMD's exit status decides; its output is the detail line.
check() {
    local name=$1
    shift
    timed "$@"
    if ((RC == 0)); then tally 1 "$name" pass ""; else tally 0 "$name" "**FAIL**" ""; fi
}
