#!/usr/bin/env bash
# Measures nanoinit's stack high-water mark after a run that forwards signals,
# reaps orphans and goes through a full grace period (TERM, then KILL), as PID 1
# of a new PID namespace and as a subreaper.
#
# Usage: scripts/stack-hwm.sh [path/to/nanoinit]      (needs root, strace, perl)
#
# How: strace attaches to nanoinit and delays its final exit_group by a few
# seconds; during that pause, with every code path of the run behind it, the
# script reads
#   - VmStk from /proc/PID/status and Rss of [stack] from /proc/PID/smaps
#     (pages touched, 4 KiB granularity, args and environment included), and
#   - the stack bytes themselves from /proc/PID/mem: the kernel hands out zeroed
#     stack pages and nothing clears a popped frame, so the lowest non-zero byte
#     marks the deepest point ever written. startstack (field 28 of
#     /proc/PID/stat, the initial stack pointer) minus that address is the
#     high-water mark in bytes, argv/envp/auxv excluded.
set -euo pipefail

bin=${1:-}
if [[ -z $bin ]]; then
    for c in dist/nanoinit "${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-musl/release/nanoinit"; do
        [[ -x $c ]] && { bin=$c; break; }
    done
fi
[[ -n $bin && -x $bin ]] || { echo "usage: $0 path/to/nanoinit (none found; run make build)" >&2; exit 2; }
bin=$(readlink -f "$bin")
for tool in strace perl unshare; do
    command -v "$tool" >/dev/null || { echo "stack-hwm: needs $tool" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "stack-hwm: needs root (PID namespace, ptrace)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The main child: traps what it is sent, leaves 200 orphans and one process
# that ignores SIGTERM (so the grace period runs out and SIGKILL follows),
# then exits 3 on SIGUSR1.
workload='
    for s in HUP INT USR2 WINCH TERM ALRM 35 64; do trap : $s; done
    trap "done=1" USR1
    i=0
    while [ $i -lt 200 ]; do (true &); i=$((i + 1)); done
    sh -c "trap \"\" TERM; exec sleep 60" &
    : > "$1"
    while [ -z "$done" ]; do sleep 0.02; done
    exit 3'

# Reads the [stack] of PID: prints "<hwm bytes> <rss kB> <vmstk kB>".
measure() {
    perl -e '
        my $pid = shift;
        open my $st, "<", "/proc/$pid/stat" or die "stat: $!";
        my $stat = <$st>; $stat =~ s/.*\) //;
        my $start = (split / /, $stat)[25];               # field 28: startstack
        my ($lo, $hi, $rss);
        open my $sm, "<", "/proc/$pid/smaps" or die;
        my $in = 0;
        while (<$sm>) {
            if (/^([0-9a-f]+)-([0-9a-f]+) .*\[stack\]/) { ($lo, $hi) = (hex $1, hex $2); $in = 1; next }
            $in = 0 if /^[0-9a-f]+-[0-9a-f]+ /;
            $rss = $1 if $in && /^Rss:\s+(\d+) kB/;
        }
        open my $s2, "<", "/proc/$pid/status" or die;
        my ($vmstk) = map { /^VmStk:\s+(\d+)/ ? $1 : () } <$s2>;
        open my $mem, "<:raw", "/proc/$pid/mem" or die "mem: $!";
        sysseek($mem, $lo, 0) or die "seek: $!";
        my $len = $start - $lo;
        my $got = sysread($mem, my $buf, $len);
        die "read: $!" unless defined $got && $got == $len;
        $buf =~ /[^\0]/g or die "stack is all zeros?";
        my $deepest = $lo + pos($buf) - 1;
        printf "%d %d %d\n", $start - $deepest, $rss, $vmstk;
    ' "$1"
}

run() {
    local mode=$1 ready=$work/ready-$1 out=$work/out-$1 init
    local -a pre=()
    [[ $mode == pid1 ]] && pre=(unshare --pid --fork --mount-proc --kill-child=SIGKILL)
    rm -f "$ready"
    "${pre[@]}" "$bin" -vv --grace 1 -- sh -c "$workload" sh "$ready" 2>"$out" &
    local outer=$!
    pids+=("$outer")
    init=$outer
    if [[ $mode == pid1 ]]; then
        for _ in $(seq 500); do
            init=$(tr -d ' ' <"/proc/$outer/task/$outer/children" 2>/dev/null || true)
            [[ -n $init && $(cat "/proc/$init/comm" 2>/dev/null) == nanoinit ]] && break
            sleep 0.01
        done
    fi
    pids+=("$init")
    for _ in $(seq 1000); do [[ -e $ready ]] && break; sleep 0.01; done
    [[ -e $ready ]] || { echo "stack-hwm: workload never started" >&2; exit 1; }
    strace -qq -p "$init" -e trace=exit_group -e inject=exit_group:delay_enter=3000000 -o /dev/null &
    local tracer=$!
    pids+=("$tracer")
    sleep 0.3
    for s in HUP INT USR2 WINCH TERM ALRM 35 64 HUP TERM; do kill -s "$s" "$init"; sleep 0.01; done
    kill -s USR1 "$init"
    # Wait for the delayed exit_group: grace (1 s) has run out and SIGKILL was sent.
    for _ in $(seq 1000); do grep -q "nanoinit: exit " "$out" && break; sleep 0.01; done
    sleep 0.2
    local m
    m=$(measure "$init")
    wait "$tracer" 2>/dev/null || true
    wait "$outer" && code=0 || code=$?
    local forwarded reaped
    forwarded=$(grep -c "forwarded" "$out" || true)
    reaped=$(grep -c "reaped" "$out" || true)
    read -r hwm rss vmstk <<<"$m"
    printf '%-10s stack high-water mark %5d bytes; [stack] Rss %3d kB, VmStk %3d kB; forwarded %d, reaped %d, exit %d\n' \
        "$mode" "$hwm" "$rss" "$vmstk" "$forwarded" "$reaped" "$code"
    grep -q "SIGKILL" "$out" || echo "  (warning: the grace period did not reach SIGKILL)" >&2
}

echo "nanoinit: $bin ($(stat -c %s "$bin") bytes)"
run pid1
run subreaper
