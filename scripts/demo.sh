#!/usr/bin/env bash
# demo.sh DIST_BINARY — the PID 1 problem, then nanoinit's fix.
#
# One workload (a shell script that traps SIGTERM and leaves a few
# double-forked orphans behind) runs three times as the program of a
# container-like PID namespace: under `sh` as PID 1 (an entrypoint script that
# does not `exec`), under a program that never calls wait() as PID 1 (`sleep`,
# exec'd by the entrypoint, as a server would be), then under nanoinit. Each
# run is stopped as `docker stop` stops a container: SIGTERM to PID 1, then
# SIGKILL after a timeout. A table sums up. Unattended and bounded (every wait
# has a deadline); kills what it started and removes its files on exit; exits 0
# when nanoinit behaved.
set -uo pipefail

bin=${1:-}
orphans=5        # double-forked short sleeps the workload leaves behind
want_code=42     # what the workload's SIGTERM trap exits with
stop_timeout=3   # seconds between the stop's SIGTERM and its SIGKILL (docker: 10)

fail() { echo "demo: FAILED: $*" >&2; exit 1; }
[[ -n $bin ]] || { echo "usage: $0 DIST_BINARY" >&2; exit 2; }
[[ -f $bin && -x $bin ]] || fail "$bin is not an executable file"
command -v unshare >/dev/null || fail "unshare (util-linux) is needed: run scripts/deps.sh"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# Root can make a PID namespace; others borrow root inside a user namespace.
ns=(--pid --fork --mount-proc --kill-child=SIGKILL)
[[ $(id -u) == 0 ]] || ns=(--user --map-root-user "${ns[@]}")

work=$(mktemp -d "${TMPDIR:-/tmp}/nanoinit-demo.XXXXXX") || fail "mktemp"
upid=
cleanup() {
    # Killing unshare kills PID 1 (--kill-child), and with it the namespace.
    if [[ -n $upid ]] && kill -0 "$upid" 2>/dev/null; then
        kill -KILL "$upid" 2>/dev/null
        wait "$upid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Microseconds since the epoch.
now_us() { echo "${EPOCHREALTIME/./}"; }

# Polls a condition (a shell command) every 20 ms for at most $1 whole seconds.
within() {
    local deadline=$(($(now_us) + $1 * 1000000)); shift
    until "$@"; do
        (($(now_us) < deadline)) || return 1
        sleep 0.02
    done
}

# State and parent pid of a pid from /proc (fails when it is gone).
stat_of() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    echo "${s##*) }"
}

# Zombies among the descendants of $1 (as the host sees them).
zombies_under() {
    local root=$1 f pid rest state ppid count=0
    declare -A parent zombie
    for f in /proc/[0-9]*/stat; do
        pid=${f#/proc/}; pid=${pid%/stat}
        rest=$(stat_of "$pid") || continue
        read -r state ppid _ <<<"$rest"
        parent[$pid]=$ppid
        [[ $state == Z ]] && zombie[$pid]=1
    done
    for pid in "${!zombie[@]}"; do
        local p=$pid hops=0
        while ((hops++ < 64)); do
            p=${parent[$p]:-0}
            ((p == root)) && { count=$((count + 1)); break; }
            ((p > 1)) || break
        done
    done
    echo "$count"
}

cat >"$work/workload.sh" <<WORKLOAD
trap 'echo "workload: got SIGTERM, exiting with $want_code"; exit $want_code' TERM
for i in \$(seq $orphans); do (sleep 0.2 &); done
echo ready > "\$DEMO_READY"
while :; do sleep 0.1; done
WORKLOAD

# run NAME PID1-COMMAND...: starts the command as PID 1 of a new namespace,
# lets the workload run for a second, counts zombies, stops it as docker
# stop does, and sets: zombies, code, ended (how), took (seconds), trapped.
run() {
    local name=$1; shift
    : >"$work/ready"
    DEMO_READY=$work/ready unshare "${ns[@]}" "$@" </dev/null >"$work/$name.out" 2>"$work/$name.err" &
    upid=$!
    unshare_gone() { ! kill -0 "$upid" 2>/dev/null || [[ $(stat_of "$upid" | cut -c1) == Z ]]; }
    pid1_found() { init=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null) && init=${init%% *} && [[ -n $init ]]; }
    ready_or_gone() { [[ -s $work/ready ]] || unshare_gone; }
    within 10 pid1_found || fail "$name: unshare never started PID 1: $(cat "$work/$name.err")"
    within 10 ready_or_gone && [[ -s $work/ready ]] || fail "$name: the workload never got ready: $(cat "$work/$name.err")"
    echo "$name is PID 1 (host pid $init); the workload runs as its child and has"
    echo "double-forked $orphans short sleeps, whose parents exited: the kernel hands them to PID 1."
    sleep 1
    zombies=$(zombies_under "$init")
    echo "after 1 s: $zombies zombies under PID 1."
    echo "stop: SIGTERM to PID 1, as docker stop sends it; SIGKILL if it still runs after ${stop_timeout} s"
    local t0
    t0=$(now_us)
    kill -TERM "$init" 2>/dev/null
    ended="exit"
    if ! within "$stop_timeout" unshare_gone; then
        ended="KILL"
        kill -KILL "$init" 2>/dev/null
        within 5 unshare_gone || fail "$name: PID 1 survived SIGKILL"
    fi
    wait "$upid"
    code=$?
    upid=
    # unshare passes PID 1's exit code on, but cannot re-raise a SIGKILL on
    # itself (it exits 1): report 128+9, as docker does for a killed container.
    [[ $ended == KILL ]] && code=$((128 + 9))
    took=$((($(now_us) - t0) / 10000))
    took=$(printf '%d.%02d' $((took / 100)) $((took % 100)))
    trapped=no
    grep -q "got SIGTERM" "$work/$name.out" && trapped=yes
    echo "ended by $ended after $took s, exit code $code; the workload's trap ran: $trapped"
    # unshare's complaint about re-raising SIGKILL is explained above.
    local said
    said=$(cat "$work/$name.out" "$work/$name.err" | grep -v '^unshare: sigprocmask unblock failed')
    [[ -z $said ]] || { echo "output:"; sed 's/^/    /' <<<"$said"; }
    echo
}

echo "== the PID 1 problem, then nanoinit =="
echo "workload ($work/workload.sh):"
sed 's/^/    /' "$work/workload.sh"
echo

echo "-- 1. sh as PID 1: an entrypoint script that runs the workload without exec"
run sh sh -c 'sh "$1"; echo "sh: the workload exited with $?"' sh "$work/workload.sh"
sh_row=("$trapped" "$ended" "$took" "$code" "$zombies")

echo "-- 2. a server as PID 1: the entrypoint starts the workload, then execs a program"
echo "   that never calls wait() (sleep stands in for the server)"
run sleep sh -c 'sh "$1" & exec sleep 1000' sh "$work/workload.sh"
server_row=("$trapped" "$ended" "$took" "$code" "$zombies")

echo "-- 3. nanoinit as PID 1 ($(stat -c %s "$bin") bytes): nanoinit -v -- sh workload.sh"
run nanoinit "$bin" -v -- sh "$work/workload.sh"
ni_row=("$trapped" "$ended" "$took" "$code" "$zombies")
forwarded=$(grep -c '^nanoinit: forwarded SIGTERM to child ' "$work/nanoinit.err")
reaped=$(grep -c '^nanoinit: reaped process ' "$work/nanoinit.err")

row() { printf '| %-8s | %-14s | %-23s | %9s | %-20s |\n' "$@"; }
describe() { # trapped ended took code zombies
    local how="exited after $3 s"
    [[ $2 == KILL ]] && how="SIGKILL after ${stop_timeout} s"
    local trap="no (ignored)"
    [[ $1 == yes ]] && trap="yes"
    row "$name" "$trap" "$how" "$4" "$5"
}
echo "summary (the same workload, stopped the same way):"
echo
row "PID 1" "trap got TERM" "how it ended" "exit code" "zombies after 1 s"
row "---" "---" "---" "---:" "---"
name=sh describe "${sh_row[@]}"
name=sleep describe "${server_row[@]}"
name=nanoinit describe "${ni_row[@]}"
echo
if ((sh_row[4] == 0)); then
    echo "(sh reaped the orphans because it sat in wait() for its child the whole time;"
    echo " sleep, like most servers, never calls wait(): each orphan it was handed stays a zombie.)"
    echo
fi

ok=1
((forwarded >= 1)) || { echo "NOT OK: nanoinit did not forward the SIGTERM"; ok=0; }
[[ ${ni_row[0]} == yes ]] || { echo "NOT OK: the workload's trap did not run under nanoinit"; ok=0; }
[[ ${ni_row[1]} == exit ]] || { echo "NOT OK: nanoinit needed the SIGKILL"; ok=0; }
((ni_row[3] == want_code)) || { echo "NOT OK: nanoinit exited ${ni_row[3]}, the workload $want_code"; ok=0; }
((ni_row[4] == 0)) || { echo "NOT OK: ${ni_row[4]} zombies under nanoinit"; ok=0; }
((reaped >= orphans)) || { echo "NOT OK: nanoinit reaped $reaped orphans of $orphans"; ok=0; }
((ok)) || fail "nanoinit did not behave as expected"
echo "demo: OK (nanoinit forwarded the SIGTERM, reaped $reaped orphans, kept exit code $want_code)"
