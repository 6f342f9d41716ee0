#!/usr/bin/env bash
# Installs what building and testing nanoinit needs, only when missing: the
# one place that installs anything. EXTRA_PKGS are required too;
# OPTIONAL_PKGS (make bench's peer inits) are tried one by one, and one that
# cannot be installed (or no root) is named and skipped. WITH_CROSS=0 skips
# what only the other platforms need (their Rust targets, qemu-user-static).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/platforms.sh
. scripts/platforms.sh
need_targets=(x86_64-unknown-linux-musl)
if [[ "${WITH_CROSS:-1}" == 1 ]]; then
    for name in $(platform_names); do
        platform "$name"
        need_targets+=("$P_TARGET")
    done
fi
have=$(rustup target list --installed 2>/dev/null || true)
missing=()
for t in "${need_targets[@]}"; do
    grep -qx "$t" <<<"$have" || missing+=("$t")
done
((${#missing[@]} == 0)) || rustup target add "${missing[@]}"
# make check runs clippy and rustfmt; rustup's minimal profile leaves them out.
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
pkgs=()
command -v busybox >/dev/null || [[ -x /bin/busybox ]] || pkgs+=(busybox-static)
command -v unshare >/dev/null || pkgs+=(util-linux)
command -v readelf >/dev/null || pkgs+=(binutils)
command -v script >/dev/null || pkgs+=(bsdutils)
command -v ps >/dev/null || pkgs+=(procps)
[[ "${WITH_CROSS:-1}" == 1 ]] && { command -v qemu-s390x-static >/dev/null || pkgs+=(qemu-user-static); }
# tests/startup.rs and tests/faults.rs count and fail system calls with strace.
command -v strace >/dev/null || pkgs+=(strace)
for extra in ${EXTRA_PKGS:-}; do dpkg -s "$extra" >/dev/null 2>&1 || pkgs+=("$extra"); done
if ((${#pkgs[@]})); then
    if [[ $(id -u) != 0 ]]; then
        echo "deps: need root to install: ${pkgs[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
opt=()
for p in ${OPTIONAL_PKGS:-}; do dpkg -s "$p" >/dev/null 2>&1 || opt+=("$p"); done
if ((${#opt[@]})); then
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
        echo "deps: not root or no apt-get; skipping: ${opt[*]}" >&2
    else
        echo "deps: installing ${opt[*]}"
        export DEBIAN_FRONTEND=noninteractive
        inst() { timeout 240 apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; }
        inst "${opt[@]}" || { timeout 180 apt-get update -qq >/dev/null 2>&1; inst "${opt[@]}"; } ||
            for p in "${opt[@]}"; do inst "$p" || echo "deps: cannot install $p; skipped" >&2; done
    fi
fi
