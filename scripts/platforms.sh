#!/usr/bin/env bash
# The platforms nanoinit is built, tested and released for: the one list every
# script and make target reads. One row each:
#   name     Docker's ${TARGETARCH}${TARGETVARIANT}; the binary is dist/nanoinit-<name>
#            (scripts/lib/containers.sh derives the OCI platform from it)
#   target   the Rust target it is built for (the gnu ones link no libc: build.rs)
#   qemu     the qemu-user binary that runs it here ("-": none needed)
#   native   "yes" when this host also runs it directly (386: IA32 emulation),
#            which is where scripts/test-cross.sh tests its subreaper mode
#   machine  what `readelf -h` says on its Machine: line (a regex)
#   ceiling  the size the build holds it to, in bytes: the budget. A platform
#            that cannot fit it gets a ceiling just above its measured size,
#            which scripts/size.sh reports loudly on every build; none has one.
#
# ppc64le is the tightest fit: its code is ~1.2x amd64's (fixed 4-byte
# instructions, 8-byte TOC address pairs, ELFv2 prologues that save and restore
# r14-r31 one by one, and 12 bytes of zeros LLVM writes after every function,
# an empty traceback table). Six LLVM options in .cargo/config.toml, each
# measured and explained there, take about 940 bytes off it.
# Source it for PLATFORMS, PLATFORMS_BUDGET and the helpers below, or run it to
# print the rows.
PLATFORMS_BUDGET=16384
PLATFORMS=(
    # name   target                         qemu                 native  machine    ceiling
    "amd64   x86_64-unknown-linux-musl      -                    yes     X86-64     16384"
    "arm64   aarch64-unknown-linux-musl     qemu-aarch64-static  no      AArch64    16384"
    "armv7   armv7-unknown-linux-gnueabihf  qemu-arm-static      no      ARM$       16384"
    "386     i686-unknown-linux-musl        qemu-i386-static     yes     80386      16384"
    "riscv64 riscv64gc-unknown-linux-gnu    qemu-riscv64-static  no      RISC-V     16384"
    "ppc64le powerpc64le-unknown-linux-gnu  qemu-ppc64le-static  no      PowerPC64  16384"
    "s390x   s390x-unknown-linux-gnu        qemu-s390x-static    no      S/390      16384"
)

# platform_names: every name, one a line, in table order.
platform_names() {
    local row name
    for row in "${PLATFORMS[@]}"; do
        read -r name _ <<<"$row"
        echo "$name"
    done
}

# platform NAME: sets P_NAME P_TARGET P_QEMU P_NATIVE P_MACHINE P_CEILING;
# fails (status 1) for an unknown name.
platform() {
    local row
    for row in "${PLATFORMS[@]}"; do
        read -r P_NAME P_TARGET P_QEMU P_NATIVE P_MACHINE P_CEILING <<<"$row"
        [[ $P_NAME == "$1" ]] && return 0
    done
    return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    printf '%s\n' "${PLATFORMS[@]}"
fi
