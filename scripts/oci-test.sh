#!/usr/bin/env bash
# Checks the multi-arch image archive (dist/nanoinit-oci.tar) against
# scripts/platforms.sh and the dist/ binaries, without a registry:
# - its index lists every platform once, with the OCI architecture and variant
#   of the name (scripts/lib/containers.sh ctr_platform), and nothing else; each
#   manifest's config says the same platform and Dockerfile.scratch's entrypoint;
# - each manifest's only file is /nanoinit, mode 0755, with the sha256 of
#   dist/nanoinit-<name> (layers unpacked by scripts/oci.py, digests verified);
# - the two Dockerfile recipes of docs/containers.md give every platform its
#   own binary: `COPY --from=` the image (the archive stands in for the
#   registry: `podman pull --platform` selects from its index as a pull would),
#   and `ARG TARGETARCH` + `COPY nanoinit-${TARGETARCH}${TARGETVARIANT}` from
#   the release files (buildah build --platform, as docker buildx would).
#
# Usage: scripts/oci-test.sh [dist/nanoinit-oci.tar]   (root: the recipes use buildah)
# Last line: "N passed, M failed"; exit status 1 on any failure.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
ARCHIVE=${1:-$REPO/dist/nanoinit-oci.tar}
# shellcheck source=scripts/lib/containers.sh
. "$HERE/lib/containers.sh"
die() { echo "oci-test: $*" >&2; exit 1; }

if [[ -z "${NANOINIT_CTR_NS:-}" ]]; then
    [[ -f "$ARCHIVE" ]] || die "no $ARCHIVE (run 'make oci-archive')"
    [[ $(id -u) == 0 ]] || die "must run as root (buildah, private mount namespace)"
    ctr_install_missing || die "cannot install buildah/podman"
    ctr_private_ns "$(readlink -f "$ARCHIVE")"
fi
ctr_setup oci-test
# shellcheck source=scripts/checks.sh
. "$HERE/checks.sh"

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -1)
ENTRYPOINT=$(sed -n 's/^ENTRYPOINT *//p' "$REPO/Dockerfile.scratch")
mapfile -t NAMES < <(platform_names)
LISTING=$WORK/listing.jsonl

# manifest_of LISTING PLATFORM: the JSON line of that platform's manifest.
manifest_of() { grep -F "\"platform\": \"$2\"" "$1"; }
# field JSON KEY: one value of a listing line, as JSON.
field() { python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])[sys.argv[2]]))' "$1" "$2"; }

read_archive() {
    python3 "$HERE/oci.py" list "$ARCHIVE" >"$LISTING" || return 1
    local refs
    refs=$(python3 -c 'import json,sys; print(" ".join(sorted({json.loads(l)["ref"] for l in sys.stdin})))' <"$LISTING")
    echo "$(wc -l <"$LISTING") manifests, ref $refs, $(stat -c %s "$ARCHIVE") bytes"
    [[ $refs == "nanoinit:$VERSION" ]]
}

listed_once() { # NAME: the index has one manifest for it; its config agrees; the entrypoint
    local p m n cp ep
    p=$(ctr_platform "$1")
    n=$(manifest_of "$LISTING" "$p" | wc -l)
    ((n == 1)) || { echo "$n manifests for $p"; return 1; }
    m=$(manifest_of "$LISTING" "$p")
    cp=$(field "$m" config_platform)
    ep=$(field "$m" entrypoint)
    echo "$p, config $cp, entrypoint $ep"
    [[ $cp == "\"$p\"" ]] && python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' "$ep" "$ENTRYPOINT"
}

nothing_else() { # the index lists no platform beyond platforms.sh
    local want got n
    want=$(for n in "${NAMES[@]}"; do ctr_platform "$n"; done | sort)
    got=$(python3 -c 'import json,sys; [print(json.loads(l)["platform"]) for l in sys.stdin]' <"$LISTING" | sort)
    echo "$(echo $got)"
    [[ $got == "$want" ]]
}

# same_binary LISTING NAME: the manifest's only file is /nanoinit = dist/nanoinit-NAME.
same_binary() {
    local m want files
    m=$(manifest_of "$1" "$(ctr_platform "$2")") || { echo "no manifest"; return 1; }
    want=$(sha256sum <"$REPO/dist/nanoinit-$2" | cut -d' ' -f1)
    files=$(field "$m" files)
    echo "$files"
    [[ $files == "{\"/nanoinit\": {\"mode\": \"0o100755\", \"sha256\": \"$want\"}}" ]]
}

distinct() { # the binaries differ from one another, so a swapped platform would be caught
    local n
    n=$(for n in "${NAMES[@]}"; do sha256sum <"$REPO/dist/nanoinit-$n"; done | sort -u | wc -l)
    echo "$n distinct binaries for ${#NAMES[@]} platforms"
    ((n == ${#NAMES[@]}))
}

B=(buildah build --signature-policy "$POLICY" --pull=never --layers=false --quiet --timestamp 0)
# build_recipe LIST DOCKERFILE CONTEXT PLATFORM: one platform of a recipe into the list.
build_recipe() {
    "${B[@]}" --platform "$4" --manifest "$1" -f "$2" "$3" >/dev/null 2>"$WORK/build.err" ||
        { cat "$WORK/build.err"; return 1; }
}
# save LIST OUT: the list as an oci-archive, listed by oci.py.
save() {
    buildah manifest push --signature-policy "$POLICY" --all --quiet "$1" "oci-archive:$WORK/$2.tar:$2" &&
        python3 "$HERE/oci.py" list "$WORK/$2.tar" >"$WORK/$2.jsonl"
}

recipe_targetarch() { # ARG TARGETARCH + COPY nanoinit-${TARGETARCH}${TARGETVARIANT}, every platform
    local ctx=$WORK/recipe-targetarch n
    mkdir -p "$ctx"
    # Mode 0644, as a download has it: the recipe's --chmod must make it executable.
    for n in "${NAMES[@]}"; do install -m 0644 "$REPO/dist/nanoinit-$n" "$ctx/"; done
    cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
ARG TARGETARCH
ARG TARGETVARIANT
COPY --chmod=0755 nanoinit-${TARGETARCH}${TARGETVARIANT} /nanoinit
ENTRYPOINT ["/nanoinit", "--"]
DOCKERFILE
    for n in "${NAMES[@]}"; do
        build_recipe localhost/recipe-targetarch "$ctx/Dockerfile" "$ctx" "$(ctr_platform "$n")" || return 1
    done
    save localhost/recipe-targetarch recipe-targetarch || return 1
    for n in "${NAMES[@]}"; do same_binary "$WORK/recipe-targetarch.jsonl" "$n" >/dev/null || { echo "$n: wrong /nanoinit"; return 1; }; done
    echo "${#NAMES[@]} platforms, each /nanoinit = dist/nanoinit-<name>"
}

recipe_copy_from() { # COPY --from=<the multi-arch image>, every platform
    local ctx=$WORK/recipe-copy-from n p id
    mkdir -p "$ctx"
    cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY --from=localhost/nanoinit:$VERSION /nanoinit /nanoinit
ENTRYPOINT ["/nanoinit", "--"]
DOCKERFILE
    for n in "${NAMES[@]}"; do
        p=$(ctr_platform "$n")
        # What a registry pull for platform p does: choose p's manifest from the index.
        id=$(podman pull -q --platform "$p" "oci-archive:$ARCHIVE") || return 1
        podman tag "$id" "localhost/nanoinit:$VERSION" || return 1
        build_recipe localhost/recipe-copy-from "$ctx/Dockerfile" "$ctx" "$p" || return 1
    done
    save localhost/recipe-copy-from recipe-copy-from || return 1
    for n in "${NAMES[@]}"; do same_binary "$WORK/recipe-copy-from.jsonl" "$n" >/dev/null || { echo "$n: wrong /nanoinit"; return 1; }; done
    echo "${#NAMES[@]} platforms, each /nanoinit = dist/nanoinit-<name>"
}

echo "oci-test: $ARCHIVE; platforms: ${NAMES[*]}; buildah $(buildah --version | awk '{print $3}')"
for n in "${NAMES[@]}"; do
    [[ -f "$REPO/dist/nanoinit-$n" ]] || die "no dist/nanoinit-$n (run scripts/cross.sh)"
done
check "archive reads, every digest verified" read_archive
if ((FAILED)); then
    echo "$PASSED passed, $FAILED failed"
    exit 1
fi
for n in "${NAMES[@]}"; do
    check "$n: listed once, config and entrypoint" listed_once "$n"
    check "$n: /nanoinit is dist/nanoinit-$n" same_binary "$LISTING" "$n"
done
check "index lists no other platform" nothing_else
check "binaries differ between platforms" distinct
check "recipe: ARG TARGETARCH + COPY release file" recipe_targetarch
check "recipe: COPY --from= the multi-arch image" recipe_copy_from
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
