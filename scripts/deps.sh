#!/usr/bin/env bash
# Installs what building and testing nanoinit needs, only when missing.
set -euo pipefail
need_targets=(x86_64-unknown-linux-musl)
[[ "${WITH_AARCH64:-1}" == 1 ]] && need_targets+=(aarch64-unknown-linux-musl)
have=$(rustup target list --installed 2>/dev/null || true)
for t in "${need_targets[@]}"; do
    grep -qx "$t" <<<"$have" || rustup target add "$t"
done
# make check runs clippy and rustfmt; rustup's minimal profile leaves them out.
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
pkgs=()
command -v busybox >/dev/null || [[ -x /bin/busybox ]] || pkgs+=(busybox-static)
command -v unshare >/dev/null || pkgs+=(util-linux)
command -v readelf >/dev/null || pkgs+=(binutils)
command -v script >/dev/null || pkgs+=(bsdutils)
command -v ps >/dev/null || pkgs+=(procps)
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
