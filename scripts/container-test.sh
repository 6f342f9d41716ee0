#!/usr/bin/env bash
# Runs nanoinit as PID 1 of real containers (buildah + podman + crun) and checks
# what Docker and Kubernetes rely on: stop reaches the workload and its code comes
# back, an ignored TERM ends in 137 after the stop timeout, HUP/USR1/INT/RTMIN+3 are
# forwarded, orphans are reaped, a missing program gives 127, and `podman run --init
# --init-path` works with nanoinit as podman's init. A control run with no init must
# fail the same checks, which shows the checks can fail.
#
# Usage: scripts/container-test.sh [path/to/nanoinit [dist/nanoinit-oci.tar]]   (as root)
# With the archive, the image under test is its linux/amd64 manifest; without,
# Dockerfile.scratch built around the binary. The binary itself is podman's
# --init-path.
# Last line: "N passed, M failed"; exit status 1 on any failure.
#
# Host hygiene: scripts/lib/containers.sh (why each step: docs/containers.md,
# "The container test"): private mount namespace, storage,
# config and state in one temp dir, crun without cgroups, no network.
set -uo pipefail

BIN=${1:-dist/nanoinit}
ARCHIVE=${2:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
DOCKERFILE=${DOCKERFILE:-$REPO/Dockerfile.scratch}
STOP_TIMEOUT=2 # podman stop -t for the "TERM ignored" checks
# shellcheck source=scripts/lib/containers.sh
. "$HERE/lib/containers.sh"

die() { echo "container-test: $*" >&2; exit 1; }

# ---------------------------------------------------------------- outer part
if [[ -z "${NANOINIT_CTR_NS:-}" ]]; then
    [[ $(id -u) == 0 ]] || die "must run as root (podman as root, private mount namespace)"
    [[ -x "$BIN" ]] || die "no executable at $BIN (run 'make build')"
    if [[ -n "$ARCHIVE" ]]; then
        [[ -f "$ARCHIVE" ]] || die "no $ARCHIVE (run 'make oci-archive')"
        ARCHIVE=$(readlink -f "$ARCHIVE")
    fi
    [[ -f "$DOCKERFILE" ]] || die "no $DOCKERFILE"
    BIN=$(readlink -f "$BIN")
    extra=()
    [[ -x /bin/busybox ]] && ! readelf -lW /bin/busybox 2>/dev/null | grep -q INTERP || extra+=(busybox-static)
    command -v readelf >/dev/null || extra+=(binutils)
    ctr_install_missing "${extra[@]}" || die "apt-get install failed"
    ctr_private_ns "$BIN" "$ARCHIVE"
fi

# ---------------------------------------------------------------- inner part
ctr_setup ctr
mkdir -p "$WORK"/{ctx/base/dist,ctx/test/rootfs/bin,ctx/test/rootfs/tmp,ctx/bb}

# ---------------------------------------------------------------- results
# shellcheck source=scripts/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

# control NAME CMD...: the same check without an init; it must fail.
control() {
    local name=$1
    shift
    timed "$@"
    if ((RC != 0)); then
        tally 1 "control: $name" "fails as expected" "fails without init, as expected: "
    else
        tally 0 "control: $name" "**passed (bad)**" "passed WITHOUT an init, so the check proves nothing: "
    fi
}

# ---------------------------------------------------------------- images
IMG=localhost/nanoinit-ctr-test
# 1. The image under test: with an archive, its amd64 manifest (what a registry
#    pull selects on this host); else Dockerfile.scratch as shipped, with a
#    context that holds only the binary.
cp "$BIN" "$WORK/ctx/base/dist/nanoinit"
# 2. A test layer with busybox-static and its applet links.
cp /bin/busybox "$WORK/ctx/test/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do
    [[ $a == busybox ]] || ln -s busybox "$WORK/ctx/test/rootfs/bin/$a"
done
printf 'FROM %s:base\nCOPY rootfs/ /\nCMD ["/bin/sh"]\n' "$IMG" >"$WORK/ctx/test/Dockerfile"
# 3. busybox only, no init: for `--init --init-path` and the control run.
printf 'FROM scratch\nCOPY rootfs/ /\nCMD ["/bin/sh"]\n' >"$WORK/ctx/test/Dockerfile.bb"

B=(buildah build --signature-policy "$POLICY" --isolation chroot --pull=never --layers=false -q)
base_image() {
    local id
    if [[ -n "$ARCHIVE" ]]; then
        id=$(podman pull -q --platform linux/amd64 "oci-archive:$ARCHIVE") && podman tag "$id" "$IMG:base" &&
            echo "from $(basename "$ARCHIVE"): $(podman image inspect "$IMG:base" --format '{{.Os}}/{{.Architecture}}')"
    else
        "${B[@]}" -f "$DOCKERFILE" -t "$IMG:base" "$WORK/ctx/base" >/dev/null
    fi
}
build_images() {
    base_image &&
        "${B[@]}" -f "$WORK/ctx/test/Dockerfile" -t "$IMG:test" "$WORK/ctx/test" >/dev/null &&
        "${B[@]}" -f "$WORK/ctx/test/Dockerfile.bb" -t "$IMG:busybox" "$WORK/ctx/test" >/dev/null &&
        podman image inspect "$IMG:base" --format '{{.Config.Entrypoint}} {{.Size}} bytes' &&
        podman run --rm --pull=never --entrypoint /nanoinit "$IMG:base" --version
}
check "build images (scratch, +busybox, busybox only)" build_images
if ((FAILED)); then
    echo "0 passed, $FAILED failed"
    exit 1
fi

# ---------------------------------------------------------------- helpers
N=0
# start MODE SCRIPT: a detached container running `sh -c SCRIPT`, its name on stdout.
#   init    the test image: ENTRYPOINT ["/nanoinit","--"]
#   podinit busybox only, nanoinit bind-mounted by `podman run --init --init-path`
#   none    control: the test image with `--entrypoint /bin/sh`, no init at all
start() {
    local mode=$1 script=$2 name
    N=$((N + 1))
    name=nit-$$-$N
    case $mode in
    init) podman run -d --pull=never --name "$name" "$IMG:test" sh -c "$script" ;;
    podinit) podman run -d --pull=never --name "$name" --init --init-path "$BIN" "$IMG:busybox" sh -c "$script" ;;
    none) podman run -d --pull=never --name "$name" --entrypoint /bin/sh "$IMG:test" -c "$script" ;;
    esac >/dev/null || return 1
    echo "$name"
}
# wait_log NAME TEXT [SECONDS]: until the container's log holds TEXT.
wait_log() {
    local end=$(($(now_ms) + ${3:-10} * 1000))
    while (($(now_ms) < end)); do
        podman logs "$1" 2>&1 | grep -qF -- "$2" && return 0
        sleep 0.05
    done
    echo "timeout waiting for '$2' in the log of $1: $(podman logs "$1" 2>&1 | tr '\n' ' ')"
    return 1
}
exit_code() { podman inspect "$1" --format '{{.State.ExitCode}}'; }
rmc() { podman rm -f -t 0 "$1" >/dev/null 2>&1; }
# stop_ms NAME [TIMEOUT]: runs podman stop, prints how long it took.
stop_ms() {
    local t0
    t0=$(now_ms)
    podman stop -t "${2:-10}" "$1" >/dev/null 2>&1 || return 1
    echo $(($(now_ms) - t0))
}

TRAP_TERM='trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 1 & wait $!; done'
IGNORE_TERM='trap "" TERM; echo ready; while :; do sleep 1; done'
PLAIN_SLEEP='echo ready; exec sleep 1000'
ORPHAN='(sleep 1 &); echo ready; exec sleep 1000'

# ---------------------------------------------------------------- checks
pid1() { # nanoinit is PID 1, the workload its child
    local out
    out=$(podman run --rm --pull=never "$IMG:test" sh -c 'echo "$(readlink /proc/1/exe) $(cat /proc/1/comm) ppid=$PPID"') || return 1
    echo "$out"
    [[ $out == "/nanoinit nanoinit ppid=1" ]]
}

stop_trap() { # MODE: podman stop -> TERM reaches the trap -> its code comes back
    local c ms code
    c=$(start "$1" "$TRAP_TERM") && wait_log "$c" ready || return 1
    ms=$(stop_ms "$c" 10) || return 1
    code=$(exit_code "$c")
    podman logs "$c" 2>&1 | grep -q "got TERM" || { echo "no 'got TERM' in the log"; rmc "$c"; return 1; }
    rmc "$c"
    echo "exit $code, log 'got TERM', stop took $ms ms"
    [[ $code == 42 ]]
}

stop_timed() { # MODE WORKLOAD: podman stop -t STOP_TIMEOUT; prints "CODE MS"
    local c ms code
    c=$(start "$1" "$2") && wait_log "$c" ready || return 1
    ms=$(stop_ms "$c" "$STOP_TIMEOUT") || return 1
    code=$(exit_code "$c")
    rmc "$c"
    echo "$code $ms"
}

stop_plain() { # MODE: a workload with TERM's default action dies at once -> 143
    local out code ms
    out=$(stop_timed "$1" "$PLAIN_SLEEP") || return 1
    read -r code ms <<<"$out"
    echo "exit $code, stop -t $STOP_TIMEOUT took $ms ms"
    [[ $code == 143 ]] && ((ms < 1500))
}

stop_ignored() { # MODE: TERM ignored -> SIGKILL after the timeout -> 137
    local out code ms
    out=$(stop_timed "$1" "$IGNORE_TERM") || return 1
    read -r code ms <<<"$out"
    echo "exit $code, stop -t $STOP_TIMEOUT took $ms ms"
    [[ $code == 137 ]] && ((ms >= STOP_TIMEOUT * 1000 - 200 && ms < STOP_TIMEOUT * 1000 + 2500))
}

kill_forwarded() { # MODE: HUP, USR1, INT and RTMIN+3 (37) reach the workload's traps
    local c s n ok=0 got=()
    c=$(start "$1" 'for s in HUP USR1 INT 37; do trap "echo got $s" $s; done
        trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 1 & wait $!; done') &&
        wait_log "$c" ready || return 1
    for s in HUP USR1 INT RTMIN+3; do
        n=$s
        [[ $s == RTMIN+3 ]] && n=37
        podman kill -s "$s" "$c" >/dev/null || { echo "podman kill -s $s failed"; ok=1; continue; }
        if wait_log "$c" "got $n" 5 >/dev/null; then got+=("$s"); else ok=1; fi
    done
    stop_ms "$c" 10 >/dev/null
    echo "forwarded: ${got[*]:-none}; exit after stop $(exit_code "$c")"
    rmc "$c"
    return $ok
}

kill_default() { # MODE: podman kill (SIGKILL to PID 1) -> 137
    local c code
    c=$(start "$1" "$TRAP_TERM") && wait_log "$c" ready || return 1
    podman kill "$c" >/dev/null || return 1
    podman wait "$c" >/dev/null
    code=$(exit_code "$c")
    rmc "$c"
    echo "exit $code"
    [[ $code == 137 ]]
}

# procs NAME: "pid ppid state comm" of every process in the container.
procs() {
    podman exec "$1" sh -c 'for f in /proc/[0-9]*/stat; do read -r l <"$f" 2>/dev/null || continue
        c=${l#*(}; c=${c%)*}; set -- ${l##*) }; echo "${f//[!0-9]/} $2 $1 $c"; done'
}

orphan_reaped() { # MODE: an orphan is re-parented to PID 1 and reaped (no Z)
    local c p end seen=0
    c=$(start "$1" "$ORPHAN") && wait_log "$c" ready || return 1
    p=$(procs "$c")
    # the orphan: a sleep whose parent is PID 1 and that is not PID 1's main child
    grep -qE '^[0-9]+ 1 [SR] sleep$' <<<"$p" && seen=1
    end=$(($(now_ms) + 5000))
    while (($(now_ms) < end)); do
        p=$(procs "$c")
        grep -qE '^[0-9]+ [0-9]+ Z ' <<<"$p" || [[ $(grep -c ' sleep$' <<<"$p") -gt 1 ]] || break
        sleep 0.2
    done
    rmc "$c"
    echo "orphan seen with PPID 1: $seen; after: $(grep -vE ' sh$' <<<"$p" | tr '\n' ';')"
    ! grep -qE '^[0-9]+ [0-9]+ Z ' <<<"$p" && [[ $(grep -c ' sleep$' <<<"$p") -le 1 ]]
}

missing_program() { # MODE: a program that does not exist -> 127 from podman wait
    local c code w
    N=$((N + 1))
    c=nit-$$-$N
    case $1 in
    init) podman run -d --pull=never --name "$c" "$IMG:test" /no/such/program >/dev/null ;;
    podinit) podman run -d --pull=never --name "$c" --init --init-path "$BIN" "$IMG:busybox" /no/such/program >/dev/null ;;
    esac || { echo "podman run failed"; return 1; }
    w=$(timeout 20 podman wait "$c")
    code=$(exit_code "$c")
    echo "podman wait: $w, inspect: $code, log: $(podman logs "$c" 2>&1 | head -1)"
    rmc "$c"
    [[ $w == 127 && $code == 127 ]]
}

missing_in_path() { # a name not found on PATH -> 127
    local c w
    N=$((N + 1))
    c=nit-$$-$N
    podman run -d --pull=never --name "$c" "$IMG:test" no-such-command >/dev/null || return 1
    w=$(timeout 20 podman wait "$c")
    echo "podman wait: $w, log: $(podman logs "$c" 2>&1 | head -1)"
    rmc "$c"
    [[ $w == 127 ]]
}

podman_init() { # `podman run --init --init-path nanoinit`: nanoinit is podman's init
    local out
    out=$(podman run --rm --pull=never --init --init-path "$BIN" "$IMG:busybox" \
        sh -c 'echo "$(readlink /proc/1/exe) $(cat /proc/1/comm) ppid=$PPID"; /proc/1/exe --version') || return 1
    echo "$out"
    [[ $out == *"ppid=1"* && $out == *"nanoinit "[0-9]* ]]
}

cgroups_kept() { # conmon and the container's PID 1 stay in the caller's cgroups
    local c pid conmon me bad=0
    c=$(start init "$PLAIN_SLEEP") && wait_log "$c" ready || return 1
    pid=$(podman inspect "$c" --format '{{.State.Pid}}')
    conmon=$(podman inspect "$c" --format '{{.State.ConmonPid}}')
    me=$(sort /proc/self/cgroup)
    for p in "$pid" "$conmon"; do
        [[ $(sort "/proc/$p/cgroup") == "$me" ]] || { bad=1; echo "pid $p: $(tr '\n' ' ' <"/proc/$p/cgroup")"; }
    done
    grep -q '^NSpid:.*[[:space:]]1$' "/proc/$pid/status" || { bad=1; echo "host pid $pid is not PID 1 inside"; }
    rmc "$c"
    echo "PID 1 (host pid $pid) and conmon ($conmon) share the caller's cgroups: $((!bad))"
    return $bad
}

NETS_BEFORE=$(ls /sys/class/net)
host_network() { # no interface appeared on the host
    local after
    after=$(ls /sys/class/net)
    echo "host interfaces: $(echo $after)"
    [[ $after == "$NETS_BEFORE" ]]
}

echo "container-test: $("$BIN" --version), podman $(podman version --format '{{.Client.Version}}'), crun $(crun --version | head -1 | awk '{print $3}'), work dir $WORK"
check "nanoinit is PID 1 (/proc/1/exe, comm, PPID)" pid1
check "containers stay in the caller's cgroups" cgroups_kept
check "podman stop -> trap -> exit 42" stop_trap init
check "podman stop of 'exec sleep' -> 143 at once" stop_plain init
check "podman stop -t $STOP_TIMEOUT, TERM ignored -> 137" stop_ignored init
check "podman kill -s HUP/USR1/INT/RTMIN+3 forwarded" kill_forwarded init
check "podman kill (KILL) -> 137" kill_default init
check "orphan re-parented to PID 1 and reaped" orphan_reaped init
check "missing program -> 127 (wait, inspect)" missing_program init
check "command not on PATH -> 127" missing_in_path
check "podman --init --init-path: PID 1 is nanoinit" podman_init
check "--init-path: podman stop -> trap -> exit 42" stop_trap podinit
check "--init-path: orphan reaped" orphan_reaped podinit
check "--init-path: missing program -> 127" missing_program podinit
control "no init: orphan reaped" orphan_reaped none
control "no init: stop of 'exec sleep' -> 143 at once" stop_plain none
check "host network unchanged" host_network

ctr_summary
