# The platforms nanoinit is built and tested for: the one list every script
# and make target reads (source this file; it defines data and two helpers).
#
# Columns:
#   name     Docker's ${TARGETARCH}${TARGETVARIANT}: dist/nanoinit-<name>
#   target   the Rust target (gnu ones link no libc: see build.rs)
#   runner   how scripts/test-cross.sh runs the binary: "native", a qemu-user
#            binary, or both (comma-separated): 386 runs natively here too
#            (IA32 emulation), which is where its subreaper mode is tested
#   oci      the OCI platform (os/architecture[/variant]) of its image manifest
#   machine  what `readelf -h` says on its Machine: line (a regex)
#   ceiling  the size the build holds it to, in bytes: the budget, 16384, on
#            every platform. A platform that cannot fit would get a ceiling
#            just above its measured size here, and scripts/size.sh says so
#            loudly on every build. None needs one today.
PLATFORMS_BUDGET=16384
PLATFORMS_TABLE="
amd64    x86_64-unknown-linux-musl      native                   linux/amd64    X86-64     16384
arm64    aarch64-unknown-linux-musl     qemu-aarch64-static      linux/arm64    AArch64    16384
armv7    armv7-unknown-linux-gnueabihf  qemu-arm-static          linux/arm/v7   ARM$       16384
386      i686-unknown-linux-musl        qemu-i386-static,native  linux/386      80386      16384
riscv64  riscv64gc-unknown-linux-gnu    qemu-riscv64-static      linux/riscv64  RISC-V     16384
ppc64le  powerpc64le-unknown-linux-gnu  qemu-ppc64le-static      linux/ppc64le  PowerPC64  16384
s390x    s390x-unknown-linux-gnu        qemu-s390x-static        linux/s390x    S/390      16384
"

# platform_names: every name, in table order.
platform_names() {
    awk 'NF { print $1 }' <<<"$PLATFORMS_TABLE"
}

# platform NAME: sets P_NAME P_TARGET P_RUNNER P_OCI P_MACHINE P_CEILING;
# fails (status 1) for an unknown name.
platform() {
    local line
    line=$(awk -v n="$1" '$1 == n' <<<"$PLATFORMS_TABLE")
    [[ -n $line ]] || return 1
    read -r P_NAME P_TARGET P_RUNNER P_OCI P_MACHINE P_CEILING <<<"$line"
}
