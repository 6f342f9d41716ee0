#!/usr/bin/env bash
# Builds the multi-arch image: an OCI image index with one FROM-scratch manifest
# per platform of scripts/platforms.sh, each made from Dockerfile.scratch as
# shipped with that platform's dist/nanoinit-<name> as dist/nanoinit. buildah,
# no registry, no emulation (the build only copies a file). Saved as an
# oci-archive tagged nanoinit:<version>, with --timestamp 0 and a normalized tar
# so the same binaries always give the same bytes.
#
# Usage: scripts/oci-build.sh [OUT]   (root; OUT defaults to dist/nanoinit-oci.tar)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
# shellcheck source=scripts/lib/containers.sh
. "$HERE/lib/containers.sh"
OUT=${1:-$REPO/dist/nanoinit-oci.tar}
die() { echo "oci-build: $*" >&2; exit 1; }

if [[ -z "${NANOINIT_CTR_NS:-}" ]]; then
    [[ $(id -u) == 0 ]] || die "must run as root (buildah as root, private mount namespace)"
    ctr_install_missing || die "cannot install buildah/podman"
    OUT=$(realpath -m "$OUT")
    ctr_private_ns "$OUT"
fi
ctr_setup oci-build

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -1)
LIST=localhost/nanoinit-oci-build:$VERSION
names=$(platform_names)
for name in $names; do
    [[ -f "$REPO/dist/nanoinit-$name" ]] || die "no dist/nanoinit-$name (run scripts/cross.sh)"
done
for name in $names; do
    platform=$(ctr_platform "$name")
    ctx=$WORK/ctx-$name
    mkdir -p "$ctx/dist"
    cp "$REPO/dist/nanoinit-$name" "$ctx/dist/nanoinit"
    buildah build --signature-policy "$POLICY" --pull=never --layers=false --quiet \
        --timestamp 0 --platform "$platform" --manifest "$LIST" \
        -f "$REPO/Dockerfile.scratch" "$ctx" >/dev/null || die "buildah build for $platform failed"
    echo "oci-build: $platform <- dist/nanoinit-$name"
done
mkdir -p "$(dirname "$OUT")"
tmp=$OUT.tmp.$$
buildah manifest push --signature-policy "$POLICY" --all --quiet "$LIST" "oci-archive:$tmp:nanoinit:$VERSION" ||
    { rm -f "$tmp"; die "buildah manifest push failed"; }
python3 "$HERE/oci.py" normalize "$tmp" || { rm -f "$tmp"; die "cannot normalize $tmp"; }
mv "$tmp" "$OUT"
echo "oci-build: $OUT (nanoinit:$VERSION, $(wc -w <<<"$names") platforms, $(stat -c %s "$OUT") bytes)"
