#!/usr/bin/env bash
# The platforms nanoinit is released for, one row each:
#   name   Docker's ${TARGETARCH}${TARGETVARIANT}; the binary is dist/nanoinit-<name>
#   target the Rust target it is built for
#   qemu   the qemu-user binary that runs it here ("-": runs natively)
# Source it for the PLATFORMS array, or run it to print the rows.
PLATFORMS=(
    # name  target                      qemu
    "amd64  x86_64-unknown-linux-musl   -"
    "arm64  aarch64-unknown-linux-musl  qemu-aarch64-static"
)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    printf '%s\n' "${PLATFORMS[@]}"
fi
