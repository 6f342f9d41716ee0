#!/usr/bin/env bash
# demo.sh DIST_BINARY — nanoinit as PID 1 of a fresh PID namespace.
#
# The workload (nanoinit's main child) leaves a few double-forked orphans and
# traps SIGTERM. About a second later the demo sends SIGTERM to nanoinit from
# outside, as `docker stop` would, and tells what happened: the signal
# forwarded, the orphans reaped, the zombies left, the exit code.
# Unattended and bounded (every wait has a deadline); cleans up on exit;
# exits 0 when nanoinit behaved, 1 otherwise.
set -uo pipefail

bin=${1:-}
orphans=5        # double-forked short sleeps the workload leaves behind
want_code=42     # what the workload's SIGTERM trap exits with

fail() { echo "demo: FAILED: $*" >&2; exit 1; }
[[ -n $bin ]] || { echo "usage: $0 DIST_BINARY" >&2; exit 2; }
[[ -f $bin && -x $bin ]] || fail "$bin is not an executable file"
command -v unshare >/dev/null || fail "unshare (util-linux) is needed"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# Root can make a PID namespace; others borrow root inside a user namespace.
ns=(--pid --fork --mount-proc --kill-child=SIGKILL)
[[ $(id -u) == 0 ]] || ns=(--user --map-root-user "${ns[@]}")

work=$(mktemp -d "${TMPDIR:-/tmp}/nanoinit-demo.XXXXXX") || fail "mktemp"
upid=
cleanup() {
    # Killing unshare kills nanoinit (--kill-child), and with it the namespace.
    if [[ -n $upid ]] && kill -0 "$upid" 2>/dev/null; then
        kill -KILL "$upid" 2>/dev/null
        wait "$upid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Polls a condition (a shell command) every 20 ms for at most $1 seconds.
within() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.02
    done
}

# Parent pid and state of a pid from /proc (empty when it is gone).
stat_of() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    s=${s##*) }
    echo "$s"
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

workload="trap 'echo \"workload: got SIGTERM, exiting with $want_code\"; exit $want_code' TERM
for i in \$(seq $orphans); do (sleep 0.3 &); done
echo ready > \"\$DEMO_READY\"
while :; do sleep 0.1; done"

echo "== nanoinit demo: PID 1 in a fresh PID namespace =="
echo "binary: $bin ($(stat -c %s "$bin") bytes)"
echo "workload (nanoinit's main child):"
sed 's/^/    /' <<<"$workload"
echo

DEMO_READY=$work/ready unshare "${ns[@]}" "$bin" -vv -- sh -c "$workload" \
    </dev/null >"$work/out" 2>"$work/err" &
upid=$!

unshare_gone() { ! kill -0 "$upid" 2>/dev/null || [[ $(stat_of "$upid" | cut -c1) == Z ]]; }
children_of_unshare() { init=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null) && init=${init%% *} && [[ -n $init ]]; }
child_or_gone() { children_of_unshare || unshare_gone; }
within 10 child_or_gone && children_of_unshare || fail "unshare never started nanoinit: $(cat "$work/err")"
ready_or_gone() { [[ -s $work/ready ]] || unshare_gone; }
within 10 ready_or_gone && [[ -s $work/ready ]] || fail "the workload never got ready; nanoinit said: $(cat "$work/err")"
main=$(cat "/proc/$init/task/$init/children" 2>/dev/null); main=${main%% *}
ns_pid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status" 2>/dev/null; }
echo "started: nanoinit is pid $(ns_pid "$init") inside the namespace (host pid $init);"
echo "         its main child, sh, is pid $(ns_pid "$main") inside (host pid $main)."
echo "the workload double-forked $orphans short sleeps; their parents exited at once, so"
echo "the kernel handed them to PID 1 — nanoinit — to reap."

sleep 1
zombies=$(zombies_under "$init")
echo "after 1 s, zombies under nanoinit: $zombies"

echo "sending SIGTERM to nanoinit (host pid $init) from outside, as docker stop would..."
kill -TERM "$init" 2>/dev/null || fail "nanoinit is gone before the SIGTERM; it said: $(cat "$work/err")"
within 15 unshare_gone || fail "nanoinit did not exit within 15 s of SIGTERM; it said: $(cat "$work/err")"
wait "$upid"
code=$?
upid=

echo
echo "nanoinit's own trace (-vv, on stderr):"
sed 's/^/    /' "$work/err"
echo "the workload's output:"
sed 's/^/    /' "$work/out"
echo

forwarded=$(grep -c '^nanoinit: forwarded SIGTERM to child ' "$work/err")
reaped=$(grep -c '^nanoinit: reaped process ' "$work/err")
ok=1
echo "what happened:"
if ((forwarded >= 1)) && grep -q "got SIGTERM" "$work/out"; then
    echo "  - the SIGTERM sent to nanoinit was forwarded to the workload, whose trap ran."
else
    echo "  - NOT OK: the SIGTERM was not forwarded to the workload."; ok=0
fi
if ((reaped >= orphans)); then
    echo "  - nanoinit reaped $reaped orphaned processes (the workload left $orphans)."
else
    echo "  - NOT OK: nanoinit reaped $reaped orphans, the workload left $orphans."; ok=0
fi
if ((zombies == 0)); then
    echo "  - zombies left while it ran: 0."
else
    echo "  - NOT OK: $zombies zombies were left unreaped."; ok=0
fi
if ((code == want_code)); then
    echo "  - nanoinit exited with $code, the workload's own exit code."
else
    echo "  - NOT OK: nanoinit exited with $code, the workload exited with $want_code."; ok=0
fi
((ok)) || fail "nanoinit did not behave as expected"
echo "demo: OK"
