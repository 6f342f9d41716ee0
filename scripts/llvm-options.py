#!/usr/bin/env python3
"""Measures LLVM code generator options on one platform's binary.

Usage:  scripts/llvm-options.py PLATFORM [OPTION...]

PLATFORM is a name of scripts/platforms.sh (ppc64le, s390x, ...). The script
builds that platform's release binary with the rustflags .cargo/config.toml
gives its target, then once without each `-C llvm-args` option found there and
once with each OPTION added (the CANDIDATES below when none is named), and
prints each binary's size after scripts/sstrip.py beside the baseline's,
smallest first. It changes no file: what to keep goes into .cargo/config.toml
by hand, with the figure in a comment (see that file). About 3 s a build.

How ppc64le came inside the budget: `-disable-ppc-instr-form-prep` and
`-disable-licm-promotion` were found so (-280 and -72 B), and two options of
before, which had come to cost bytes as the code changed, went. An option that
saves less than ~20 B is not worth keeping: any change of the code can flip it.
"""
import os
import subprocess
import sys
import tempfile
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Options that measured something on some platform once; LLVM may rename or
# drop any of them (a build with an unknown one fails and is reported).
CANDIDATES = [
    "-disable-machine-licm", "-enable-ipra", "-disable-lsr", "-disable-constant-hoisting",
    "-disable-licm-promotion", "-hoist-common-insts", "-disable-machine-sink", "-disable-early-taildup",
    "-enable-tail-merge=false", "-tail-merge-size=2", "-enable-gvn-memdep=false",
    "-phi-node-folding-threshold=4", "-simplifycfg-sink-common=false", "-inline-threshold=25",
    # PowerPC only
    "-disable-ppc-instr-form-prep", "-disable-ppc-ctrloops", "-disable-ppc-sco", "-disable-ppc-peephole",
    "-ppc-convert-rr-to-ri=false",
]


def target_of(platform):
    """The Rust target of `platform`, from scripts/platforms.sh."""
    rows = subprocess.run(["bash", os.path.join(ROOT, "scripts/platforms.sh")], capture_output=True, text=True,
                          check=True).stdout.split("\n")
    for row in rows:
        fields = row.split()
        if fields and fields[0] == platform:
            return fields[1]
    sys.exit(f"llvm-options: no platform {platform!r} in scripts/platforms.sh")


def split_flags(target):
    """The target's rustflags without its llvm-args, and its llvm-args options."""
    with open(os.path.join(ROOT, ".cargo/config.toml"), "rb") as f:
        flags = tomllib.load(f).get("target", {}).get(target, {}).get("rustflags", [])
    rest, options = [], []
    i = 0
    while i < len(flags):
        if flags[i] == "-C" and i + 1 < len(flags) and flags[i + 1].startswith("llvm-args="):
            options += flags[i + 1].removeprefix("llvm-args=").split()
            i += 2
        else:
            rest.append(flags[i])
            i += 1
    return rest, options


def size(target, rest, options, work):
    """Bytes of the stripped binary built with `options`; None when it fails."""
    flags = rest + (["-C", "llvm-args=" + " ".join(options)] if options else [])
    # CARGO_ENCODED_RUSTFLAGS replaces the config's rustflags for this build
    # (unit separator between flags: llvm-args holds spaces).
    env = dict(os.environ, CARGO_ENCODED_RUSTFLAGS="\x1f".join(flags))
    env.pop("RUSTFLAGS", None)
    build = subprocess.run(["cargo", "build", "--release", "--locked", "--target", target, "--target-dir", work],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    if build.returncode != 0:
        return None
    out = os.path.join(work, "stripped")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/sstrip.py"),
                    os.path.join(work, target, "release", "nanoinit"), out], check=True)
    return os.path.getsize(out)


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    target = target_of(sys.argv[1])
    rest, current = split_flags(target)
    asked = sys.argv[2:] or [c for c in CANDIDATES if c not in current]
    with tempfile.TemporaryDirectory(prefix="nanoinit-llvm-") as work:
        base = size(target, rest, current, work)
        if base is None:
            sys.exit(f"llvm-options: the build with .cargo/config.toml's flags fails for {target}")
        print(f"{target}: {base} bytes with llvm-args {' '.join(current) or '(none)'}", flush=True)
        results = []
        for opt in current:
            results.append((size(target, rest, [o for o in current if o != opt], work), f"without {opt}"))
        for opt in asked:
            results.append((size(target, rest, current + [opt], work), f"with {opt}"))
        for n, what in sorted(results, key=lambda r: (r[0] is None, r[0] or 0)):
            print(f"  {'build fails' if n is None else f'{n - base:+6d} B'}  {what}")


if __name__ == "__main__":
    main()
