#!/usr/bin/env bash
# Kubernetes pod semantics through the OCI runtime (docs/kubernetes.md): pods
# built the way containerd and CRI-O build them, from OCI bundles this script
# writes, run by crun. A sandbox (pause) container owns the pod's namespaces;
# every app container joins its network, IPC and UTS namespaces, and its PID
# namespace too when the pod shares one (`shareProcessNamespace: true`). The
# kubelet's stop is `crun kill ID TERM`, a wait of up to the grace period, then
# `crun kill ID KILL`; a container's exit code is what its first process exits
# with. The sandbox runs the pause image (Dockerfile.pause: nanoinit -P), built
# here with buildah; its size is printed beside podman's own (catatonit -P).
#
# Usage: scripts/pod-test.sh [path/to/nanoinit]   (as root)
# Last line: "N passed, M failed"; exit status 1 on any failure.
#
# Host hygiene (the private mount namespace, storage and covers of
# scripts/lib/containers.sh): crun runs with cgroups disabled, so the
# containers stay in the caller's cgroups; each sandbox gets a new, empty
# network namespace; image storage, bundles, logs and crun's state (--root)
# live in one mktemp dir that is removed, with every container, on exit, also
# on INT/TERM.
set -uo pipefail

BIN=${1:-dist/nanoinit}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
GRACE=2 # terminationGracePeriodSeconds of the checks whose app ignores TERM
die() { echo "pod-test: $*" >&2; exit 1; }

# shellcheck source=scripts/lib/containers.sh
. "$HERE/lib/containers.sh"
# shellcheck source=scripts/checks.sh
. "$HERE/checks.sh"

# ---------------------------------------------------------------- set-up
if [[ -z "${NANOINIT_CTR_NS:-}" ]]; then
    [[ $(id -u) == 0 ]] || die "must run as root (crun, namespaces, a private mount namespace)"
    [[ -x "$BIN" ]] || die "no executable at $BIN (run 'make build')"
    BIN=$(readlink -f "$BIN")
    ctr_install_missing catatonit busybox-static python3 || die "installing the packages failed"
fi
ctr_private_ns "$BIN"
ctr_setup pod
STATE=$WORK/state # crun --root: the runtime's state, never /run/crun
RT=(timeout 20 crun --root "$STATE" --cgroup-manager=disabled)

# The containers go first (crun's state lives in WORK), then ctr_cleanup
# removes images, mounts and WORK and exits with the same status.
pod_cleanup() {
    local rc=$? id end
    if [[ -d "$STATE" ]]; then
        for id in $(timeout 10 crun --root "$STATE" list -q 2>/dev/null); do
            timeout 10 crun --root "$STATE" kill "$id" KILL >/dev/null 2>&1
        done
        # `crun run` removes a container's state when it ends; give it a moment.
        end=$(($(now_ms) + 5000))
        while [[ -n "$(crun --root "$STATE" list -q 2>/dev/null)" ]] && (($(now_ms) < end)); do sleep 0.1; done
        for id in $(timeout 10 crun --root "$STATE" list -q 2>/dev/null); do
            timeout 10 crun --root "$STATE" delete -f "$id" >/dev/null 2>&1
        done
    fi
    (exit "$rc")
    ctr_cleanup
}
trap pod_cleanup EXIT

mkdir -p "$WORK"/{bundles,logs,exit,ctx/dist,ctx-catatonit,rootfs/bin,rootfs/dev,rootfs/proc,rootfs/tmp}

# The app containers' image: busybox-static with its applet links, and nanoinit.
ROOTFS=$WORK/rootfs
cp /bin/busybox "$ROOTFS/bin/busybox" && cp "$BIN" "$ROOTFS/nanoinit" || die "cannot fill the rootfs"
for a in $(/bin/busybox --list); do
    [[ $a == busybox ]] || ln -s busybox "$ROOTFS/bin/$a"
done

# ---------------------------------------------------------------- pause images
PAUSE_IMG=localhost/nanoinit-pause
PODMAN_PAUSE_IMG=localhost/podman-pause
CATATONIT=/usr/libexec/podman/catatonit
[[ -x $CATATONIT ]] || CATATONIT=/usr/bin/catatonit
B=(timeout 60 buildah build --signature-policy "$POLICY" --pull=never --layers=false -q)

# image_size IMAGE: bytes of its layers (uncompressed tars) plus its config,
# which is what `podman images` counts.
image_size() {
    timeout 20 buildah inspect --type image "$1" | python3 -c '
import json, sys
i = json.load(sys.stdin)
m = json.loads(i["Manifest"])
print(sum(l["size"] for l in m["layers"]) + m["config"]["size"])'
}

build_pause_images() {
    cp "$BIN" "$WORK/ctx/dist/nanoinit" || return 1
    "${B[@]}" -f "$REPO/Dockerfile.pause" -t "$PAUSE_IMG" "$WORK/ctx" >/dev/null || return 1
    # podman's pause image, as podman builds it (pkg/specgen/generate/pause_image.go).
    cp "$CATATONIT" "$WORK/ctx-catatonit/catatonit" || return 1
    printf 'FROM scratch\nCOPY catatonit /catatonit\nENTRYPOINT ["/catatonit", "-P"]\n' >"$WORK/ctx-catatonit/Containerfile"
    "${B[@]}" -f "$WORK/ctx-catatonit/Containerfile" -t "$PODMAN_PAUSE_IMG" "$WORK/ctx-catatonit" >/dev/null || return 1
    local ours theirs
    ours=$(image_size "$PAUSE_IMG") && theirs=$(image_size "$PODMAN_PAUSE_IMG") || return 1
    echo "pause image: nanoinit -P $ours bytes (binary $(stat -c %s "$BIN")); podman's catatonit -P $theirs bytes (binary $(stat -L -c %s "$CATATONIT"))"
}

# The sandbox's bundle comes from the pause image, as a CRI runtime makes it:
# the image's rootfs (a working container's) and its ENTRYPOINT as the args.
# Set here, not in a check: checks run in a subshell.
PAUSE_ROOTFS='' PAUSE_ARGS=()
unpack_pause() {
    local c
    c=$(timeout 20 buildah from --pull=never --signature-policy "$POLICY" "$PAUSE_IMG") &&
        PAUSE_ROOTFS=$(timeout 20 buildah mount "$c") || return 1
    mapfile -t PAUSE_ARGS < <(timeout 20 buildah inspect --type image "$PAUSE_IMG" | python3 -c '
import json, sys
print("\n".join(json.load(sys.stdin)["OCIv1"]["config"]["Entrypoint"]))')
}
pause_bundle() {
    echo "sandbox args from the image: ${PAUSE_ARGS[*]}; rootfs: $(ls "$PAUSE_ROOTFS")"
    [[ "${PAUSE_ARGS[*]}" == "/nanoinit -P" && -x "$PAUSE_ROOTFS/nanoinit" ]]
}

echo "pod-test: $("$BIN" --version), crun $(crun --version | head -1 | awk '{print $3}'), buildah $(buildah --version | awk '{print $3}'), work dir $WORK"
check "pause images built (nanoinit, catatonit)" build_pause_images
((FAILED)) || unpack_pause
check "sandbox bundle from the pause image" pause_bundle
if ((FAILED)); then
    ctr_summary || exit 1
fi

# ---------------------------------------------------------------- runtime
# write_bundle ID ROOTFS NAMESPACES ARGV...: the bundle's config.json.
# NAMESPACES: "sandbox" (new pid, net, ipc, uts, mount: the pause container),
# "own:PID" (join the sandbox PID's net, ipc, uts; new pid and mount: the
# default pod), "shared:PID" (the PID namespace joined too: shareProcessNamespace).
write_bundle() {
    local dir=$WORK/bundles/$1
    mkdir -p "$dir" && python3 - "$@" >"$dir/config.json" <<'PY'
import json, sys

cid, root, ns = sys.argv[1:4]
args = sys.argv[4:]
mode, _, sandbox = ns.partition(":")
# containerd's default capability set for a container.
caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
        "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
def join(t, name):
    return {"type": t, "path": "/proc/%s/ns/%s" % (sandbox, name)}
if mode == "sandbox":
    namespaces = [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")]
else:
    namespaces = [join("network", "net"), join("ipc", "ipc"), join("uts", "uts"), {"type": "mount"}]
    namespaces.append(join("pid", "pid") if mode == "shared" else {"type": "pid"})
spec = {
    "ociVersion": "1.0.2",
    "process": {
        "terminal": False,
        "user": {"uid": 0, "gid": 0},
        "args": args,
        "env": ["PATH=/bin", "HOSTNAME=pod"],
        "cwd": "/",
        "capabilities": {k: caps for k in ("bounding", "effective", "permitted")},
        "noNewPrivileges": True,
    },
    # The sandbox's rootfs is its working container's, writable as a snapshot
    # is; the app containers share one read-only busybox tree.
    "root": {"path": root, "readonly": mode != "sandbox"},
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]},
    ],
    "linux": {"namespaces": namespaces},
}
if mode == "sandbox":
    spec["hostname"] = "pod"
json.dump(spec, sys.stdout, indent=1)
PY
}

# start ID ROOTFS NAMESPACES ARGV...: `crun run` in the background, as the
# runtime's shim does; its exit code lands in $WORK/exit/ID. Waits until the
# container runs.
start() {
    local id=$1 end
    write_bundle "$@" || return 1
    (
        crun --root "$STATE" --cgroup-manager=disabled run --bundle "$WORK/bundles/$id" "$id"
        echo $? >"$WORK/exit/$id.tmp" && mv "$WORK/exit/$id.tmp" "$WORK/exit/$id"
    ) >"$WORK/logs/$id" 2>&1 </dev/null &
    end=$(($(now_ms) + 10000))
    while (($(now_ms) < end)); do
        [[ -e "$WORK/exit/$id" ]] && break
        "${RT[@]}" state "$id" 2>/dev/null | grep -q '"status": *"running"' && return 0
        sleep 0.05
    done
    echo "$id did not start: $(tr '\n' ' ' <"$WORK/logs/$id")"
    return 1
}
host_pid() { "${RT[@]}" state "$1" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }
exec_in() { "${RT[@]}" exec "$@" </dev/null; }
# wait_log ID TEXT [SECONDS]: until the container's log holds TEXT.
wait_log() {
    local end=$(($(now_ms) + ${3:-10} * 1000))
    while (($(now_ms) < end)); do
        grep -qF -- "$2" "$WORK/logs/$1" && return 0
        sleep 0.05
    done
    echo "timeout waiting for '$2' in the log of $1: $(tr '\n' ' ' <"$WORK/logs/$1")"
    return 1
}
# wait_exit ID SECONDS: until the container has ended; its exit code in CODE.
wait_exit() {
    local end=$(($(now_ms) + $2 * 1000))
    while (($(now_ms) < end)); do
        [[ -e "$WORK/exit/$1" ]] && { read -r CODE <"$WORK/exit/$1"; return 0; }
        sleep 0.05
    done
    return 1
}
# kubelet_stop ID GRACE: TERM to the container's first process, up to GRACE
# seconds, then KILL. Prints "CODE MS KILLED" (KILLED: whether KILL was needed).
kubelet_stop() {
    local t0 killed=0
    t0=$(now_ms)
    "${RT[@]}" kill "$1" TERM || return 1
    if ! wait_exit "$1" "$2"; then
        killed=1
        "${RT[@]}" kill "$1" KILL || return 1
        wait_exit "$1" 10 || { echo "$1 outlived KILL"; return 1; }
    fi
    echo "$CODE $(($(now_ms) - t0)) $killed"
}

# ---------------------------------------------------------------- the pod's processes
# ns_pattern HOSTPID: a find -lname pattern matching that process's PID namespace link.
ns_pattern() {
    local l
    l=$(readlink "/proc/$1/ns/pid") || return 1
    l=${l#pid:[}
    echo "pid:?${l%]}?"
}
# pod_ps PATTERN: "hostpid ppid state starttime comm" of every process in the
# pod's PID namespace, read from the host's /proc.
pod_ps() {
    local f pid l comm a
    for f in $(find /proc/[0-9]*/ns/pid -maxdepth 0 -lname "$1" 2>/dev/null); do
        pid=${f#/proc/}
        pid=${pid%%/*}
        read -r l <"/proc/$pid/stat" 2>/dev/null || continue
        comm=${l#*(}
        comm=${comm%)*}
        read -ra a <<<"${l##*) }"
        echo "$pid ${a[1]} ${a[0]} ${a[19]} $comm"
    done
}
zombies() { pod_ps "$1" | awk '$3 == "Z"' | wc -l; }
# untouched BEFORE PATTERN: every process of BEFORE ("pid ... starttime") still
# runs, with the same start time (not a new process under a reused pid).
untouched() {
    local now pid ppid st start comm bad=0
    now=$(pod_ps "$2")
    while read -r pid ppid st start comm; do
        grep -qE "^$pid [0-9]+ [RS] $start " <<<"$now" || { bad=1; echo "sibling $pid ($comm) changed: $(grep "^$pid " <<<"$now")"; }
    done <<<"$1"
    return $bad
}
# find_orphan PARENT PATTERN [OLD]: the pid of a `sleep` whose parent is
# PARENT and that is not in the list OLD, waiting up to 3 s for it to exist
# (between fork and exec its comm is still the shell's).
find_orphan() {
    local end=$(($(now_ms) + 3000)) p
    while (($(now_ms) < end)); do
        p=$(pod_ps "$2" | awk -v a="$1" '$2 == a && $5 == "sleep" {print $1}' | grep -vxF -e "${3:-x}" | head -1)
        [[ -n $p ]] && { echo "$p"; return 0; }
        sleep 0.05
    done
    return 1
}
# reaped_by PARENT ORPHAN PATTERN: ORPHAN's parent is PARENT; once killed it is
# reaped (gone, no zombie in the pod) within 3 s.
reaped_by() {
    local parent=$1 orphan=$2 pat=$3 ppid end
    ppid=$(awk '/^PPid:/ {print $2}' "/proc/$orphan/status") || return 1
    echo -n "orphan $orphan: PPid $ppid (expected $parent)"
    [[ $ppid == "$parent" ]] || return 1
    kill -TERM "$orphan"
    end=$(($(now_ms) + 3000))
    while (($(now_ms) < end)); do
        [[ -e /proc/$orphan ]] || break
        sleep 0.05
    done
    local z
    z=$(zombies "$pat")
    echo "; after TERM: $([[ -e /proc/$orphan ]] && echo "still there ($(awk '/^State:/ {print $2}' "/proc/$orphan/status"))" || echo reaped), zombies in the pod: $z"
    [[ ! -e /proc/$orphan && $z == 0 ]]
}

# ---------------------------------------------------------------- workloads
# The app: its TERM trap exits 42; it leaves an orphan behind at start.
APP='trap "echo got TERM; exit 42" TERM; (sleep 1000 &); echo ready; while :; do sleep 1 & wait $!; done'
IGNORE_TERM='trap "" TERM; echo ready; while :; do sleep 1; done'
PLAIN='echo ready; exec sleep 1000'
# A sidecar with no init: two children and an orphan (re-parented to PID 1).
SIDECAR='sleep 1000 & sleep 1000 & (sleep 1000 &); echo ready; wait'
# Two children and a loop: the program outlives its children, so its TERM
# always reaches it (a program in `wait` could exit 0 first: --signal-all
# signals children before their parent).
FAMILY='sleep 1000 & sleep 1000 & echo ready; while :; do sleep 1; done'

# ---------------------------------------------------------------- default pod
# Each container has its own PID namespace; nanoinit is PID 1 of the app's.
start a-pause "$PAUSE_ROOTFS" sandbox "${PAUSE_ARGS[@]}" || die "the default pod's sandbox did not start"
A_SANDBOX=$(host_pid a-pause)
start a-app "$ROOTFS" "own:$A_SANDBOX" /nanoinit -- sh -c "$APP" && wait_log a-app ready >/dev/null

default_pid1() {
    local app ns bad=0 out
    app=$(host_pid a-app) || return 1
    for ns in net ipc uts; do
        [[ $(readlink "/proc/$app/ns/$ns") == "$(readlink "/proc/$A_SANDBOX/ns/$ns")" ]] || { bad=1; echo "$ns not the sandbox's"; }
    done
    [[ $(readlink "/proc/$app/ns/pid") != "$(readlink "/proc/$A_SANDBOX/ns/pid")" ]] || { bad=1; echo "pid namespace shared"; }
    # PID 1's first child is the program (sh); the exec'd shell's parent is outside (0).
    out=$(exec_in a-app sh -c 'read -r c _ </proc/1/task/1/children; echo "$(readlink /proc/1/exe), child $c: $(cat /proc/$c/comm)"') || return 1
    echo "in the app: PID 1 = $out; net/ipc/uts are the sandbox's, pid is its own"
    [[ $out == "/nanoinit, child "[0-9]*": sh" ]] && ((!bad))
}

stop_trap() { # ID: the stop's TERM reaches the program's trap; its code comes back
    local code ms killed out
    out=$(kubelet_stop "$1" 10) || { echo "$out"; return 1; }
    read -r code ms killed <<<"$out"
    echo "exit $code after $ms ms, KILL needed: $killed, log: $(grep -c 'got TERM' "$WORK/logs/$1") 'got TERM'"
    [[ $code == 42 && $killed == 0 ]] && grep -q 'got TERM' "$WORK/logs/$1"
}

stop_ignored() { # an app that ignores TERM: KILL after the grace, 137
    local code ms killed out
    start a-stubborn "$ROOTFS" "own:$A_SANDBOX" /nanoinit -- sh -c "$IGNORE_TERM" &&
        wait_log a-stubborn ready >/dev/null || return 1
    out=$(kubelet_stop a-stubborn "$GRACE") || { echo "$out"; return 1; }
    read -r code ms killed <<<"$out"
    echo "exit $code after $ms ms (grace $GRACE s), KILL needed: $killed"
    [[ $code == 137 && $killed == 1 ]]
}

stop_plain() { # ID ARGV...: `exec sleep`, no TERM handler: the stop's TERM ends it, no KILL
    local id=$1 code ms killed out
    shift
    start "$id" "$ROOTFS" "own:$A_SANDBOX" "$@" && wait_log "$id" ready >/dev/null || return 1
    out=$(kubelet_stop "$id" "$GRACE") || { echo "$out"; return 1; }
    read -r code ms killed <<<"$out"
    echo "exit $code after $ms ms, KILL needed: $killed"
    [[ $code == 143 && $killed == 0 ]]
}

# control NAME WHY CMD...: a check that must fail (no init where one is
# needed), and for the reason WHY (text in its output), not another.
control() {
    local name=$1 why=$2
    shift 2
    timed "$@"
    if ((RC != 0)) && [[ $OUT == *"$why"* ]]; then
        tally 1 "control: $name" "fails as expected" "fails as expected: "
    else
        tally 0 "control: $name" "**did not fail as expected**" "did not fail with '$why', so the check proves nothing: "
    fi
}

pod_stop() { # SANDBOX: after its apps, the pause exits 0 on TERM; nothing is left
    local pat code ms killed end left out
    pat=$(ns_pattern "$(host_pid "$1")") || return 1
    out=$(kubelet_stop "$1" 10) || { echo "$out"; return 1; }
    read -r code ms killed <<<"$out"
    end=$(($(now_ms) + 5000))
    while left=$(pod_ps "$pat" | wc -l) && ((left > 0 && $(now_ms) < end)); do sleep 0.05; done
    echo "pause: exit $code after $ms ms, KILL needed: $killed; processes left in the pod: $left"
    [[ $code == 0 && $killed == 0 && $left == 0 ]]
}

check "default pod: nanoinit is PID 1 of the app" default_pid1
check "default pod: stop -> TERM -> trap -> exit 42" stop_trap a-app
check "default pod: TERM ignored -> KILL after grace, 137" stop_ignored
check "default pod: 'exec sleep' under nanoinit -> 143" stop_plain a-plain /nanoinit -- sh -c "$PLAIN"
control "no init: 'exec sleep' as PID 1 -> 143" "exit 137" stop_plain a-noinit /bin/sh -c "$PLAIN"
check "default pod: pause exits 0 on TERM, pod empty" pod_stop a-pause

# ---------------------------------------------------------------- shared PID namespace
# shareProcessNamespace: true. The pause is PID 1 of the pod; every entrypoint
# is an ordinary process of it; nanoinit in the app is a subreaper.
start b-pause "$PAUSE_ROOTFS" sandbox "${PAUSE_ARGS[@]}" || die "the shared pod's sandbox did not start"
B_SANDBOX=$(host_pid b-pause)
B_PAT=$(ns_pattern "$B_SANDBOX")
start b-side "$ROOTFS" "shared:$B_SANDBOX" /bin/sh -c "$SIDECAR" && wait_log b-side ready >/dev/null
# The sidecar's processes, which no app container may touch.
SIDE_PS=$(pod_ps "$B_PAT" | awk -v s="$B_SANDBOX" '$1 != s')
start b-app "$ROOTFS" "shared:$B_SANDBOX" /nanoinit -v -- sh -c "$APP" && wait_log b-app ready >/dev/null

shared_pid1() {
    local app nspid pid1 ppid
    app=$(host_pid b-app) || return 1
    nspid=$(awk '/^NSpid:/ {print $NF}' "/proc/$app/status")
    pid1=$(exec_in b-side sh -c 'tr "\0" " " </proc/1/cmdline') || return 1
    ppid=$(exec_in b-side awk '/^PPid:/ {print $2}' "/proc/$nspid/status") || return 1
    echo "pod PID 1: '$pid1'; the app's nanoinit: pid $nspid in the pod, PPid $ppid; sidecar processes: $(wc -l <<<"$SIDE_PS")"
    [[ $pid1 == "/nanoinit -P " && $nspid != 1 && $ppid == 0 && \
        $(readlink "/proc/$app/ns/pid") == "$(readlink "/proc/$B_SANDBOX/ns/pid")" ]]
}

app_orphan() { # the app's orphan is the child of its nanoinit, which reaps it
    local app orphan
    app=$(host_pid b-app) || return 1
    orphan=$(find_orphan "$app" "$B_PAT") || { echo "no orphan of the app: $(pod_ps "$B_PAT" | tr '\n' ';')"; return 1; }
    reaped_by "$app" "$orphan" "$B_PAT" || return 1
    wait_log b-app "reaped process" 5 >/dev/null && echo "app log: $(grep 'reaped process' "$WORK/logs/b-app")"
}

stop_shared() { # the stop's TERM reaches the app's program through its nanoinit
    stop_trap b-app || return 1
    echo "sidecar untouched: $(untouched "$SIDE_PS" "$B_PAT" && echo yes)"
    untouched "$SIDE_PS" "$B_PAT" >/dev/null
}

# sibling ID ARGS...: an app with nanoinit ARGS; it ends by itself (or by the
# stop's TERM when STOP=1); the sidecar's processes are all as before.
sibling() {
    local id=$1 code ms killed out
    shift
    start "$id" "$ROOTFS" "shared:$B_SANDBOX" "$@" && wait_log "$id" ready >/dev/null || return 1
    if ((${STOP:-0})); then
        out=$(kubelet_stop "$id" 10) || { echo "$out"; return 1; }
        read -r code ms killed <<<"$out"
        echo -n "stopped: exit $code after $ms ms, KILL needed: $killed"
    else
        wait_exit "$id" 15 || { echo "$id did not end"; return 1; }
        code=$CODE
        echo -n "ended by itself: exit $code"
    fi
    echo "; log: $(tr '\n' ';' <"$WORK/logs/$id")"
    echo "zombies in the pod: $(zombies "$B_PAT")"
    untouched "$SIDE_PS" "$B_PAT" && echo "sidecar: same $(wc -l <<<"$SIDE_PS") processes, running" &&
        [[ $code == "${WANT:-0}" ]] && (($(zombies "$B_PAT") == 0))
}

exec_orphan() { # POD_SANDBOX PATTERN SIDECAR: an orphan of `crun exec` goes to PID 1, which reaps it
    local sandbox=$1 pat=$2 side=$3 before orphan
    before=$(pod_ps "$pat" | awk '{print $1}')
    exec_in "$side" sh -c '(sleep 1000 >/dev/null 2>&1 &)' || return 1
    orphan=$(find_orphan "$sandbox" "$pat" "$before") || { echo "no new orphan under PID 1"; return 1; }
    reaped_by "$sandbox" "$orphan" "$pat"
}

sidecar_orphan() { # POD_SANDBOX PATTERN: the orphan the init-less sidecar left is reaped by PID 1
    local orphan
    orphan=$(find_orphan "$1" "$2") || { echo "no orphan of the sidecar under PID 1"; return 1; }
    reaped_by "$1" "$orphan" "$2"
}

check "shared pod: pause is PID 1, app's nanoinit is not" shared_pid1
check "shared pod: app's orphan -> its nanoinit, reaped" app_orphan
check "shared pod: stop -> TERM -> trap -> exit 42" stop_shared
STOP=1 WANT=143 check "shared pod: --signal-all, sidecar untouched" \
    sibling b-all /nanoinit -v --signal-all -- sh -c "$FAMILY"
check "shared pod: --grace ends in KILL, sidecar untouched" \
    sibling b-grace /nanoinit -v --grace 1 -- sh -c 'trap "" TERM; sleep 1000 & trap - TERM; echo ready; sleep 1'
check "shared pod: --wait waits for its own tree only" \
    sibling b-wait /nanoinit -v --wait -- sh -c '(sleep 2 &); echo ready'
check "shared pod: crun exec's orphan reaped by the pause" exec_orphan "$B_SANDBOX" "$B_PAT" b-side
check "shared pod: sidecar's orphan reaped by the pause" sidecar_orphan "$B_SANDBOX" "$B_PAT"

shared_pod_stop() { # the apps first (the sidecar: no init, TERM kills its sh), then the pause
    local code ms killed out
    out=$(kubelet_stop b-side "$GRACE") || { echo "$out"; return 1; }
    read -r code ms killed <<<"$out"
    echo "sidecar: exit $code, KILL needed: $killed"
    pod_stop b-pause
}
check "shared pod: apps stopped, then pause exits 0" shared_pod_stop

# ---------------------------------------------------------------- control: `sleep` as the pause
# The same shared-PID pod with a PID 1 that never reaps: orphans stay zombies.
start c-pause "$ROOTFS" sandbox /bin/sleep 1000 || die "the control pod's sandbox did not start"
C_SANDBOX=$(host_pid c-pause)
C_PAT=$(ns_pattern "$C_SANDBOX")
start c-side "$ROOTFS" "shared:$C_SANDBOX" /bin/sh -c "$SIDECAR" && wait_log c-side ready >/dev/null
control "sleep as pause: crun exec's orphan reaped" "still there (Z)" exec_orphan "$C_SANDBOX" "$C_PAT" c-side
control "sleep as pause: sidecar's orphan reaped" "still there (Z)" sidecar_orphan "$C_SANDBOX" "$C_PAT"

ctr_summary
