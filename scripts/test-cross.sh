#!/usr/bin/env bash
# Every platform's binary (dist/nanoinit-<name>, from scripts/cross.sh) run the
# way scripts/platforms.sh says: under its qemu-*-static (user mode, no
# binfmt_misc: the programs nanoinit starts are the host's own, busybox's sh),
# and natively where the host can (amd64, 386). Each run is PID 1 of a new PID
# namespace (unshare --pid --fork --mount-proc) and checks: exit code
# passthrough and 128+N, 127 and 126 with their message, forwarding of TERM,
# HUP, USR1 and RTMIN+3 sent from outside, a burst of 200 orphans reaped with
# no zombie left, -P exiting 0 on TERM, --grace ending a TERM-ignoring
# leftover, and --version as tini. Native runs also check subreaper mode (not
# PID 1); qemu runs check instead that nanoinit warns it cannot be one (qemu-user
# rejects PR_SET_CHILD_SUBREAPER).
#
# qemu renumbers real-time signals in wait statuses, so 128+N is checked with
# standard signals only and RTMIN+3 by the child's trap. The 128+N checks
# expect 140 (USR2) and 143 (TERM), never the 124 or 137 a timed-out run gives.
#
# Usage: scripts/test-cross.sh [NAME...]      (as root; default: every platform)
# Last line: "N passed, M failed"; exit status 1 on any failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/platforms.sh
. scripts/platforms.sh
# shellcheck source=scripts/checks.sh
. scripts/checks.sh

die() { echo "test-cross: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "must run as root (PID namespaces)"
names=("$@")
((${#names[@]})) || mapfile -t names < <(platform_names)
for name in "${names[@]}"; do
    platform "$name" || die "unknown platform '$name' (known: $(platform_names | xargs))"
done
BUSYBOX=$(command -v busybox || echo /bin/busybox)
[[ -x $BUSYBOX ]] || die "busybox missing (scripts/deps.sh installs busybox-static)"
command -v qemu-s390x-static >/dev/null || die "qemu-user-static missing (scripts/deps.sh installs it)"

T=$(mktemp -d /tmp/nanoinit-cross.XXXXXX) || die "mktemp failed"
: >"$T/pids"
# Each run is `timeout` (env execs it), which leads its own process group with
# unshare and PID 1 in it: killing the group ends them all. The pids go to a
# file: the checks run in subshells ($(…)), whose variables the exit trap
# cannot see.
cleanup() {
    local p
    while read -r p; do kill -KILL -- "-$p" 2>/dev/null; done <"$T/pids"
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The programs nanoinit starts: busybox's sh first on PATH; a file it may not run.
mkdir "$T/bin"
ln -s "$BUSYBOX" "$T/bin/sh"
printf 'not a program\n' >"$T/noexec"
chmod 644 "$T/noexec"
export PATH="$T/bin:$PATH"

LAUNCH=()   # how to start the binary under test: (qemu-x-static BIN) or (BIN)
TINI=()     # the same binary, started under the name tini

# ready PID: whether nanoinit (host pid) is ready for a signal: the workload
# touched $T/ready, or, with no workload (-P), nanoinit holds its signalfd.
ready() {
    [[ -e $T/ready ]] || { [[ $READY == signalfd ]] && ls -l "/proc/$1/fd" 2>/dev/null | grep -q signalfd; }
}

# pid1 SIGNAL EXPECTED PATTERN ARGS...: nanoinit ARGS... as PID 1 of a new PID
# namespace. SIGNAL (unless -) goes to nanoinit's host pid once it is ready.
# Passes when it exits with EXPECTED and its output matches PATTERN (grep -E;
# empty: anything).
READY=file
pid1() {
    local sig=$1 want=$2 pat=$3 up u ip="" code end
    shift 3
    rm -f "$T/ready"
    # env --default-signal: bash starts background jobs with INT and QUIT ignored.
    # timeout -k: unshare ignores TERM while it waits, so only KILL ends it (and,
    # through --kill-child, PID 1 and with it the namespace).
    env --default-signal=INT,QUIT R="$T/ready" timeout -k 5 30 unshare --pid --fork --mount-proc --kill-child \
        "${LAUNCH[@]}" "$@" </dev/null >"$T/out" 2>&1 &
    up=$!
    echo "$up" >>"$T/pids"
    if [[ $sig != - ]]; then
        end=$(($(now_ms) + 20000))
        while (($(now_ms) < end)); do
            # timeout → unshare → nanoinit (or qemu running it): PID 1 inside
            u=$(cat "/proc/$up/task/$up/children" 2>/dev/null)
            u=${u%% *}
            [[ -n $u ]] && ip=$(cat "/proc/$u/task/$u/children" 2>/dev/null) && ip=${ip%% *}
            [[ -n $ip ]] && ready "$ip" && break
            sleep 0.05
        done
        if [[ -z $ip ]] || ! ready "$ip" || ! grep -q '^NSpid:.*[[:space:]]1$' "/proc/$ip/status"; then
            echo "nanoinit never got ready as PID 1: $(head -c 300 "$T/out")"
            kill -KILL -- "-$up"
            wait "$up"
            return 1
        fi
        kill -s "$sig" "$ip"
    fi
    wait "$up"
    code=$?
    echo "exit $code (want $want) $(tr '\n' ' ' <"$T/out" | head -c 300)"
    [[ $code == "$want" ]] || return 1
    [[ -z $pat ]] || grep -qE "$pat" "$T/out" || { echo "output does not match: $pat"; return 1; }
}

# plain EXPECTED PATTERN ARGS...: nanoinit ARGS... as a plain process (not PID 1).
plain() {
    local want=$1 pat=$2 code
    shift 2
    R="$T/ready" timeout -k 5 30 "${LAUNCH[@]}" "$@" </dev/null >"$T/out" 2>&1
    code=$?
    echo "exit $code (want $want) $(tr '\n' ' ' <"$T/out" | head -c 300)"
    [[ $code == "$want" ]] || return 1
    [[ -z $pat ]] || grep -qE "$pat" "$T/out" || { echo "output does not match: $pat"; return 1; }
}

# subreaper: the SUBREAPER workload passes, and nanoinit did not warn.
subreaper() {
    plain 0 "re-parented to nanoinit and reaped" -- sh -c "$SUBREAPER" || return 1
    ! grep -q "unable to become subreaper" "$T/out"
}

# tini_version: --version under the name tini prints tini's line.
tini_version() {
    local out
    out=$(timeout -k 5 20 "${TINI[@]}" --version 2>&1)
    echo "$out"
    [[ $out =~ ^tini\ version\ [0-9] ]]
}

# A trap per forwarded signal: the exit code names the signal that arrived.
waiting() { echo "trap 'exit $2' $1; : >\"\$R\"; while :; do sleep 0.1; done"; }

# 200 orphans re-parented to PID 1; passes once every process but PID 1 and this
# shell is gone (a zombie still has its /proc entry), failing after ~10 s.
ORPHANS='
i=0; while [ $i -lt 200 ]; do (sleep 0.2 &); i=$((i+1)); done
n=0
while :; do
    others=0 z=0
    for f in /proc/[0-9]*/stat; do
        read -r l 2>/dev/null <"$f" || continue
        p=${l%% *}; [ "$p" = 1 ] || [ "$p" = $$ ] && continue
        others=$((others+1)); set -- ${l##*) }; [ "$1" = Z ] && z=$((z+1))
    done
    [ $others = 0 ] && { echo "200 orphans reaped, 0 zombies"; exit 0; }
    n=$((n+1)); [ $n -ge 200 ] && { echo "left: $others processes, $z zombies"; exit 1; }
    sleep 0.05
done'

# A leftover that ignores TERM; the program exits 4 once it runs. --grace 1:
# TERM, then after a second KILL, then nanoinit exits 4 (it would wait forever
# if the KILL never came).
LEFTOVER='(trap "" TERM; : >"$R"; while :; do sleep 0.1; done) &
while [ ! -e "$R" ]; do sleep 0.05; done; exit 4'

# Not PID 1: an orphan of the workload is re-parented to nanoinit ($PPID of
# this shell) and reaped by it (its /proc entry goes away).
SUBREAPER='(sleep 0.3 & echo $! >"$R.orphan"); o=$(cat "$R.orphan")
pp=$(sed -n "s/^PPid:[[:space:]]*//p" /proc/$o/status)
[ "$pp" = "$PPID" ] || { echo "orphan $o has parent $pp, not nanoinit $PPID"; exit 1; }
n=0; while [ -e /proc/$o ]; do n=$((n+1)); [ $n -lt 200 ] || { echo "orphan $o never reaped"; exit 1; }; sleep 0.05; done
echo "orphan $o re-parented to nanoinit and reaped"'

t0=$(now_ms)
for name in "${names[@]}"; do
    platform "$name"
    bin=dist/nanoinit-$name
    if [[ ! -x $bin ]]; then
        FAILED=$((FAILED + 1))
        echo "FAIL  $name: no $bin (run 'make cross')"
        continue
    fi
    bin=$(readlink -f "$bin")
    ln -sf "$bin" "$T/tini"
    runners=()
    [[ $P_QEMU != - ]] && runners+=("$P_QEMU")
    [[ $P_NATIVE == yes ]] && runners+=(native)
    for runner in "${runners[@]}"; do
        if [[ $runner == native ]]; then
            LAUNCH=("$bin") TINI=("$T/tini") mode=native
        else
            LAUNCH=("$runner" "$bin") TINI=("$runner" "$T/tini") mode=qemu
        fi
        echo "test-cross: $name ($mode): $(timeout -k 5 20 "${LAUNCH[@]}" --version 2>&1)"
        p="$name/$mode:"
        check "$p exit code passes through (7)" pid1 - 7 "" -- sh -c 'exit 7'
        check "$p killed by USR2 -> 140" pid1 - 140 "" -- sh -c 'kill -USR2 $$'
        check "$p TERM, default action -> 143" pid1 TERM 143 "" -- sh -c ': >"$R"; exec sleep 100'
        check "$p missing program -> 127 + message" pid1 - 127 \
            "nanoinit: cannot run '/no/such/program': No such file or directory" -- /no/such/program
        check "$p not executable -> 126 + message" pid1 - 126 \
            "nanoinit: cannot run '$T/noexec': Permission denied" -- "$T/noexec"
        check "$p TERM forwarded to trap" pid1 TERM 3 "" -- sh -c "$(waiting TERM 3)"
        check "$p HUP forwarded to trap" pid1 HUP 4 "" -- sh -c "$(waiting HUP 4)"
        check "$p USR1 forwarded to trap" pid1 USR1 6 "" -- sh -c "$(waiting USR1 6)"
        check "$p RTMIN+3 forwarded to trap" pid1 RTMIN+3 5 "" -- sh -c "$(waiting 37 5)"
        check "$p 200 orphans, 0 zombies" pid1 - 0 "0 zombies" -- sh -c "$ORPHANS"
        READY=signalfd
        check "$p -P exits 0 on TERM" pid1 TERM 0 "" -P
        READY=file
        check "$p --grace ends a TERM-ignoring leftover" pid1 - 4 "" --grace 1 -- sh -c "$LEFTOVER"
        check "$p --version as tini" tini_version
        if [[ $mode == native ]]; then
            check "$p subreaper: orphan reaped, no warning" subreaper
        else
            check "$p not PID 1: warns it cannot be a subreaper" plain 0 "unable to become subreaper" -- sh -c 'exit 0'
        fi
    done
done
echo "test-cross: $(((($(now_ms) - t0) + 500) / 1000)) s for ${names[*]}"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
