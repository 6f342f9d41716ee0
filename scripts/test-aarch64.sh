#!/usr/bin/env bash
# Core behaviour of the aarch64 binary under qemu-aarch64-static (user mode, no
# binfmt_misc: the programs nanoinit starts are the host's own x86_64 ones).
# Exit codes, signal forwarding and reaping, as a plain process and as PID 1 of
# a new PID namespace (unshare --pid --fork --mount-proc qemu-aarch64-static …).
#
# Usage: scripts/test-aarch64.sh [dist/nanoinit-aarch64]   (PID-1 checks need root)
# Last line: "N passed, M failed"; exit status 1 on any failure.
set -uo pipefail

BIN=${1:-dist/nanoinit-aarch64}
QEMU=${QEMU:-qemu-aarch64-static}
die() { echo "test-aarch64: $*" >&2; exit 1; }
[[ -f "$BIN" ]] || die "no $BIN (run 'make build-aarch64')"
BIN=$(readlink -f "$BIN")
if ! command -v "$QEMU" >/dev/null; then
    [[ $(id -u) == 0 ]] || die "$QEMU missing; install qemu-user-static"
    echo "test-aarch64: installing qemu-user-static"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null; } ||
        die "apt-get install qemu-user-static failed"
fi
readelf -hW "$BIN" | grep -q 'Machine:.*AArch64' || die "$BIN is not an aarch64 ELF"

T=$(mktemp -d /tmp/nanoinit-a64.XXXXXX) || die "mktemp failed"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=scripts/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

# run_code EXPECTED ARGS...: nanoinit under qemu as a plain process (a subreaper).
run_code() {
    local want=$1 code
    shift
    timeout 20 "$QEMU" "$BIN" "$@" </dev/null >/dev/null 2>"$T/err"
    code=$?
    echo "exit $code (want $want) $(head -c 200 "$T/err")"
    [[ $code == "$want" ]]
}

# pid1 SIGNAL EXPECTED SCRIPT: nanoinit as PID 1 of a new PID namespace; once the
# workload has written $T/ready, SIGNAL goes to nanoinit's host pid.
pid1() {
    local sig=$1 want=$2 script=$3 up ip="" code end
    rm -f "$T/ready"
    # env --default-signal: bash starts background jobs with INT and QUIT ignored.
    env --default-signal=INT,QUIT R="$T/ready" timeout 30 unshare --pid --fork --mount-proc --kill-child \
        "$QEMU" "$BIN" -- sh -c "$script" </dev/null >"$T/out" 2>&1 &
    up=$!
    PIDS+=("$up")
    end=$(($(now_ms) + 10000))
    while (($(now_ms) < end)) && [[ ! -e "$T/ready" ]]; do sleep 0.05; done
    [[ -e "$T/ready" ]] || { echo "workload never got ready: $(cat "$T/out")"; kill -KILL "$up"; wait "$up"; return 1; }
    if [[ $sig != - ]]; then
        # timeout → unshare → qemu running nanoinit (PID 1 inside)
        local u
        u=$(cat "/proc/$up/task/$up/children" 2>/dev/null)
        u=${u%% *}
        ip=$(cat "/proc/$u/task/$u/children" 2>/dev/null)
        ip=${ip%% *}
        [[ -n "$ip" ]] && grep -q '^NSpid:.*[[:space:]]1$' "/proc/$ip/status" ||
            { echo "no PID 1 found"; kill -KILL "$up"; wait "$up"; return 1; }
        kill -s "$sig" "$ip"
    fi
    wait "$up"
    code=$?
    echo "exit $code (want $want) $(tr '\n' ' ' <"$T/out" | head -c 300)"
    [[ $code == "$want" ]]
}

echo "test-aarch64: $($QEMU -version | head -1); $($QEMU "$BIN" --version)"
# qemu-user 7.2 rejects prctl(PR_SET_CHILD_SUBREAPER) with EINVAL, so as a plain
# process nanoinit warns that it cannot reap orphans; as PID 1 it needs no subreaper.
check "exit code passes through (7)" run_code 7 sh -c 'exit 7'
check "killed by SIGKILL -> 137" run_code 137 sh -c 'kill -9 $$'
check "missing program -> 127" run_code 127 /no/such/program
check "not executable -> 126" run_code 126 /etc/hostname
check "--version exits 0" run_code 0 --version
check "PID 1: exit code (7)" pid1 - 7 ': >"$R"; exit 7'
check "PID 1: TERM forwarded to trap -> 3" pid1 TERM 3 'trap "exit 3" TERM; : >"$R"; while :; do sleep 0.1; done'
check "PID 1: HUP forwarded to trap -> 4" pid1 HUP 4 'trap "exit 4" HUP; : >"$R"; while :; do sleep 0.1; done'
check "PID 1: RTMIN+3 forwarded -> 5" pid1 RTMIN+3 5 'trap "exit 5" 37; : >"$R"; while :; do sleep 0.1; done'
check "PID 1: TERM, default action -> 143" pid1 TERM 143 ': >"$R"; exec sleep 100'
check "PID 1: orphans reaped (no Z in /proc)" pid1 - 0 '
    (sleep 0.2 &); (sleep 0.3 &); sleep 1
    z=$(for f in /proc/[0-9]*/stat; do read -r l <"$f" && set -- ${l##*) } && [ "$1" = Z ] && echo "$l"; done)
    : >"$R"; if [ -n "$z" ]; then echo "zombie: $z"; exit 1; fi; echo "no zombie"'
check "PID 1: SIGKILL of PID 1 from inside ignored" pid1 - 9 ': >"$R"; kill -9 1; sleep 0.3; exit 9'
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
