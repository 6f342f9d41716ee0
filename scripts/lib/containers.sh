# buildah and podman with everything private, shared by container-test.sh,
# oci-build.sh and oci-test.sh. Source it; needs root. It sources
# scripts/platforms.sh too (platform_names, platform).
#
# Host hygiene:
# - ctr_private_ns re-runs the script in a private mount namespace; there, on a
#   hybrid cgroup host, the cgroup2 mount is removed, because crun refuses the
#   hybrid layout (the host keeps its mount);
# - crun with cgroups disabled, so conmon and containers stay in the caller's
#   cgroups; `netns = "none"`, so no bridge, iptables rule or netns;
# - storage (vfs), config, runtime state and podman's tmp dir live in one
#   mktemp dir (WORK), removed with the containers and images on exit, also on
#   INT/TERM;
# - /run/crun and /var/lib/containers/cache (the blob-info cache) are covered by
#   binds from that dir, so nothing is written there.

# shellcheck source=scripts/platforms.sh
. "$(dirname "${BASH_SOURCE[0]}")/../platforms.sh"

# ctr_install_missing [PKG...]: installs what is missing of podman, buildah,
# crun and the extra packages named, through scripts/deps.sh (the one installer).
ctr_install_missing() {
    EXTRA_PKGS="podman buildah crun $*" WITH_CROSS=0 "$(dirname "${BASH_SOURCE[0]}")/../deps.sh"
}

# ctr_private_ns ARGS...: unless already there, re-runs the calling script with
# ARGS in a private mount namespace. exec: the same pid continues, so INT/TERM
# sent to the script reach its traps.
ctr_private_ns() {
    [[ -n "${NANOINIT_CTR_NS:-}" ]] && return 0
    [[ $(id -u) == 0 ]] || { echo "containers: must run as root (private mount namespace, podman as root)" >&2; exit 1; }
    NANOINIT_CTR_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
}

# ctr_setup NAME: the private state dir WORK (/tmp/nanoinit-NAME.XXXXXX), the
# config files and environment that point buildah and podman at it, the covers,
# and the traps that undo it all. Call it inside ctr_private_ns.
ctr_setup() {
    [[ -n "${NANOINIT_CTR_NS:-}" ]] || { echo "containers: ctr_setup outside ctr_private_ns" >&2; exit 1; }
    WORK=$(mktemp -d "/tmp/nanoinit-$1.XXXXXX") || { echo "containers: mktemp failed" >&2; exit 1; }
    CTR_CREATED_DIRS=()
    export CONTAINERS_CONF=$WORK/cfg/containers.conf
    export CONTAINERS_STORAGE_CONF=$WORK/cfg/storage.conf
    export CONTAINERS_REGISTRIES_CONF=$WORK/cfg/registries.conf
    export REGISTRIES_CONFIG_PATH=$WORK/cfg/registries.conf
    export BUILDAH_ISOLATION=chroot
    POLICY=$WORK/cfg/policy.json
    trap ctr_cleanup EXIT
    trap 'echo "$(basename "$0"): interrupted" >&2; exit 130' INT
    trap 'echo "$(basename "$0"): terminated" >&2; exit 143' TERM

    # crun 1.8 refuses a hybrid v1/v2 layout; drop the v2 mount in this namespace only.
    if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
    ctr_cover /run/crun
    ctr_cover /var/lib/containers/cache

    mkdir -p "$WORK"/{cfg,tmp}
    local nofile nproc
    nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
    [[ $nofile == unlimited ]] && nofile=1048576
    [[ $nproc == unlimited ]] && nproc=32768
    # podman lowers its own RLIMIT_NPROC to 32768 at start-up, so more is refused.
    ((nproc > 32768)) && nproc=32768
    cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "vfs"
runroot = "$WORK/run"
graphroot = "$WORK/storage"
EOF
    cat >"$CONTAINERS_CONF" <<EOF
[containers]
netns = "none"
cgroups = "disabled"
log_driver = "k8s-file"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "crun"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$WORK/tmp"
volume_path = "$WORK/storage/volumes"
EOF
    echo 'unqualified-search-registries = []' >"$CONTAINERS_REGISTRIES_CONF"
    echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$POLICY"
}

# ctr_cover DIR: binds a private dir over DIR (created, and removed on exit, if missing).
ctr_cover() {
    local d=$1 p=$1 missing=()
    while [[ ! -d "$p" ]]; do missing=("$p" "${missing[@]}"); p=$(dirname "$p"); done
    if ((${#missing[@]})); then
        mkdir -p "$d" || return
        for p in "${missing[@]}"; do CTR_CREATED_DIRS=("$p" "${CTR_CREATED_DIRS[@]}"); done
    fi
    mkdir -p "$WORK/cover$d" && mount --bind "$WORK/cover$d" "$d"
}

# ctr_cleanup: the EXIT trap. Removes containers, images, mounts and WORK.
ctr_cleanup() {
    local rc=$? m d
    trap - EXIT INT TERM
    set +e # undo as much as can be undone, whatever fails
    # An empty WORK would make every mount below "/" match.
    if [[ -n "${WORK:-}" && $WORK == /tmp/nanoinit-* ]]; then
        if [[ -d "$WORK/storage" ]]; then
            timeout 30 podman rm --all --force --time 0 >/dev/null 2>&1
            timeout 30 buildah rm --all >/dev/null 2>&1
            timeout 30 podman rmi --all --force >/dev/null 2>&1
        fi
        # Whatever is still mounted below $WORK (shm of a container).
        findmnt -rn -o TARGET | grep -E "^$WORK/" | sort -r | while read -r m; do umount -l "$m"; done
        for d in /run/crun /var/lib/containers/cache; do mountpoint -q "$d" && umount -l "$d"; done
        for d in "${CTR_CREATED_DIRS[@]}"; do rmdir "$d" 2>/dev/null; done
        rm -rf "$WORK"
    fi
    exit "$rc"
}

# ctr_platform NAME: the OCI platform of a release name, which is Docker's
# ${TARGETARCH}${TARGETVARIANT}: armv7 -> linux/arm/v7, arm64 -> linux/arm64
# (no variant: Docker drops arm64's v8, and buildah records none), 386 -> linux/386.
ctr_platform() {
    if [[ $1 =~ ^(arm)(v[0-9]+)$ ]]; then
        echo "linux/${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
    else
        echo "linux/$1"
    fi
}

# ctr_summary: the caller's TABLE rows as a markdown table in $TIMINGS_MD (when
# set), then "N passed, M failed" from its PASSED and FAILED; fails on a failure.
ctr_summary() {
    if [[ -n "${TIMINGS_MD:-}" ]]; then
        {
            echo "| check | result | ms | detail |"
            echo "|---|---|---:|---|"
            printf '%s\n' "${TABLE[@]}"
        } >"$TIMINGS_MD"
    fi
    echo "$PASSED passed, $FAILED failed"
    ((FAILED == 0))
}
