# Private container storage for the test scripts: buildah's (and podman's)
# config, image storage, run state and caches all live under one temp dir, so
# a test neither reads nor changes the host's images or /etc/containers.
# Source it, then call private_storage_init from inside a private mount
# namespace (`unshare --mount --propagation private`): host paths the tools
# write regardless of their config are covered by bind mounts that only that
# namespace sees. private_storage_cleanup undoes everything but the removal of
# the dir itself, which stays the caller's job (it owns the dir).
#
# Sets and exports CONTAINERS_CONF, CONTAINERS_STORAGE_CONF,
# CONTAINERS_REGISTRIES_CONF, REGISTRIES_CONFIG_PATH, BUILDAH_ISOLATION; sets
# PS_POLICY (pass it as --signature-policy) and PS_DIR.

PS_DIR=
PS_POLICY=
PS_CREATED_DIRS=()

# _ps_cover DIR: bind a private dir over DIR (created, then removed on cleanup,
# when it was missing).
_ps_cover() {
    local d=$1 p=$1 missing=()
    while [[ ! -d "$p" ]]; do missing=("$p" "${missing[@]}"); p=$(dirname "$p"); done
    if ((${#missing[@]})); then
        mkdir -p "$d" || return
        for p in "${missing[@]}"; do PS_CREATED_DIRS=("$p" "${PS_CREATED_DIRS[@]}"); done
    fi
    mkdir -p "$PS_DIR/cover$d" && mount --bind "$PS_DIR/cover$d" "$d"
}

# private_storage_init DIR: write the config under DIR and cover the host paths.
private_storage_init() {
    PS_DIR=$1
    mkdir -p "$PS_DIR"/{cfg,tmp,run,storage} || return
    export CONTAINERS_CONF=$PS_DIR/cfg/containers.conf
    export CONTAINERS_STORAGE_CONF=$PS_DIR/cfg/storage.conf
    export CONTAINERS_REGISTRIES_CONF=$PS_DIR/cfg/registries.conf
    export REGISTRIES_CONFIG_PATH=$PS_DIR/cfg/registries.conf
    # chroot isolation: a RUN step creates no network namespace, bridge or cgroup.
    export BUILDAH_ISOLATION=chroot
    PS_POLICY=$PS_DIR/cfg/policy.json
    # vfs: plain directories, so it works on any filesystem (also on overlay in CI).
    printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' \
        "$PS_DIR/run" "$PS_DIR/storage" >"$CONTAINERS_STORAGE_CONF"
    printf '[containers]\nnetns = "none"\ncgroups = "disabled"\n\n[engine]\nruntime = "crun"\nevents_logger = "file"\ntmp_dir = "%s"\n' \
        "$PS_DIR/tmp" >"$CONTAINERS_CONF"
    # No registry is ever asked: every FROM is scratch or a local image.
    echo 'unqualified-search-registries = []' >"$CONTAINERS_REGISTRIES_CONF"
    echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$PS_POLICY"
    # The image blob cache ignores the storage config; crun's default state dir too.
    _ps_cover /var/lib/containers/cache && _ps_cover /run/crun
}

# private_storage_cleanup: remove the working containers and images, the
# covering mounts and the host dirs created for them.
private_storage_cleanup() {
    [[ -n "$PS_DIR" ]] || return 0
    if [[ -d "$PS_DIR/storage" ]]; then
        timeout 30 buildah rm --all >/dev/null 2>&1
        timeout 30 buildah rmi --all --force >/dev/null 2>&1
    fi
    local d
    for d in /run/crun /var/lib/containers/cache; do
        mountpoint -q "$d" && umount -l "$d"
    done
    for d in "${PS_CREATED_DIRS[@]}"; do rmdir "$d" 2>/dev/null; done
    PS_CREATED_DIRS=()
}
