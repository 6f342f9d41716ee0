#!/usr/bin/env python3
"""Greedy search over `#[inline…]` hints to shrink nanoinit on x86_64 and aarch64.

Usage:  scripts/inline-search.py [--tree T] [--target-dir D] [--passes N] [--order size|source]
                  [--budget B] [--aarch64-weight W] [--only REGEX] [--dry-list]

It edits src/ in --tree (the repository by default) and leaves the best tree
there: run it in a clean checkout and commit what it leaves. About 20 minutes
for a full pass set on 2 cores.

Search space: every non-test `fn` with a body in src/*.rs and src/bin/nanoinit/*.rs and src/bin/nanoinit/sys/*.rs
(free fns, methods, trait impls), except `const fn`, `#[unsafe(naked)]` fns,
the `#[panic_handler]`, fns under `#[cfg(test)]` (mods or items) and body-less
declarations (extern blocks, required trait items). Each fn's hint is one of
  none | #[inline] | #[inline(always)] | #[inline(never)].

Objective: x86_64 + W*aarch64 bytes (W = 2 by default), sizes of the binaries
after scripts/sstrip.py; a build that fails (compile error, or the no-panic link
check) or a binary above the budget (the Makefile's BUDGET) scores infinity.

Greedy: for each fn in turn, build every alternative hint from the incumbent and
keep the best one if it strictly lowers the objective; repeat passes until a pass
changes nothing (or --passes). Results are memoised by source content.

`git describe --dirty` goes into the binary; so that the incumbent and every
candidate carry the same version string, a marker line is appended to
--dirty-file (README.md) for the run (making the tree dirty from the start) and
removed at the end. Every edited file is restored on failure or interruption.

Output: progress in the log (stdout), the accepted changes, a final re-measure,
and --patch (best.patch): `git diff` of the best tree against HEAD.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time

HINTS = [None, "inline", "inline(always)", "inline(never)"]
INLINE_RE = re.compile(r"#\[\s*inline\s*(\(\s*(always|never)\s*\))?\s*\]")
FN_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<quals>(?:pub(?:\s*\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?"
    r"(?:async\s+)?(?:unsafe\s+)?(?:extern\s+(?:\"[^\"]*\"\s+)?)?)fn\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
)
INF = float("inf")


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- source model

def mask_code(text):
    """Same length as text, with comments, strings and char literals blanked
    (newlines kept), so braces and keywords can be found by plain scanning."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a, b):
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif c == "r" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")) \
                and re.match(r'r#*"', text[i:i + 10]):
            m = re.match(r'r(#*)"', text[i:])
            close = '"' + m.group(1)
            j = text.find(close, i + len(m.group(0)))
            j = n if j < 0 else j + len(close)
            blank(i, j)
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(i, j + 1)
            i = j + 1
        elif c == "'":
            if i + 1 < n and text[i + 1] == "\\":
                j = i + 2
                while j < n and text[j] != "'":
                    j += 2 if text[j] == "\\" else 1
                blank(i, j + 1)
                i = j + 1
            elif i + 2 < n and text[i + 2] == "'":
                blank(i, i + 3)
                i += 3
            else:
                i += 1  # lifetime
        else:
            i += 1
    return "".join(out)


def attr_block(lines, fn_idx):
    """Index of the first line of the attribute/doc-comment block above fn_idx."""
    k = fn_idx
    while k > 0:
        s = lines[k - 1].strip()
        if s.startswith("#[") or s.startswith("//"):
            k -= 1
        else:
            break
    return k


def find_fns(path):
    """[(name, occurrence, line_idx)] for the candidate fns of one file, and a
    list of skipped ones with the reason."""
    text = open(path).read()
    masked = mask_code(text)
    lines, mlines = text.split("\n"), masked.split("\n")
    # Offsets of line starts, for brace matching.
    starts, off = [], 0
    for ln in lines:
        starts.append(off)
        off += len(ln) + 1

    def block_end(line_idx):
        """Line index of the brace closing the first `{` at/after line_idx
        (None if a `;` at depth 0 comes first: no body)."""
        i, depth, paren = starts[line_idx], 0, 0
        while i < len(masked):
            c = masked[i]
            if c in "([":
                paren += 1
            elif c in ")]":
                paren -= 1
            elif c == ";" and depth == 0 and paren == 0:
                return None
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return masked.count("\n", 0, i)
            i += 1
        return None

    # Ranges excluded as test code: items whose attributes say cfg(...test...).
    excluded = []
    for i, ml in enumerate(mlines):
        if re.match(r"\s*#\[cfg\([^\]]*\btest\b", lines[i]) and "not(test" not in lines[i]:
            j = i + 1
            while j < len(lines) and lines[j].strip().startswith(("#[", "//")):
                j += 1
            end = block_end(j) if j < len(lines) else None
            excluded.append((i, end if end is not None else j))

    found, skipped, seen = [], [], {}
    for i, ml in enumerate(mlines):
        m = FN_RE.match(ml)
        if not m:
            continue
        name = m.group("name")
        occ = seen.get(name, 0)
        seen[name] = occ + 1
        attrs = "\n".join(lines[attr_block(lines, i):i])
        why = None
        if any(a <= i <= b for a, b in excluded):
            why = "test code"
        elif re.search(r"\bconst\b", m.group("quals")):
            why = "const fn"
        elif "naked" in attrs:
            why = "naked"
        elif "panic_handler" in attrs:
            why = "panic_handler"
        elif block_end(i) is None:
            why = "no body"
        (skipped if why else found).append((name, occ, i, why))
    return found, skipped


def fn_line(lines, name, occ):
    """Line index of the occ-th `fn name` declaration (code only)."""
    masked = mask_code("\n".join(lines)).split("\n")
    k = 0
    for i, ml in enumerate(masked):
        m = FN_RE.match(ml)
        if m and m.group("name") == name:
            if k == occ:
                return i
            k += 1
    raise KeyError(f"fn {name}#{occ} not found")


def get_hint(lines, i):
    for ln in lines[attr_block(lines, i):i]:
        if ln.strip().startswith("#["):
            m = INLINE_RE.search(ln)
            if m:
                return "inline" + (m.group(1) or "").replace(" ", "")
    return None


def set_hint(text, name, occ, hint):
    """text with fn name#occ carrying exactly `hint` (None: no inline attribute)."""
    lines = text.split("\n")
    i = fn_line(lines, name, occ)
    indent = re.match(r"[ \t]*", lines[i]).group(0)
    out_attrs = []
    for ln in lines[attr_block(lines, i):i]:
        if ln.strip().startswith("#[") and INLINE_RE.search(ln):
            rest = INLINE_RE.sub("", ln)
            if rest.strip():
                out_attrs.append(rest.rstrip())
        else:
            out_attrs.append(ln)
    if hint:
        out_attrs.append(f"{indent}#[{hint}]")
    a = attr_block(lines, i)
    lines[a:i] = out_attrs
    return "\n".join(lines)


# ---------------------------------------------------------------- measuring

class Builder:
    def __init__(self, tree, target_dir, budget, weight):
        self.tree, self.td, self.budget, self.weight = tree, target_dir, budget, weight
        self.cache, self.builds, self.build_time = {}, 0, 0.0

    def sources(self):
        return sorted(glob.glob(os.path.join(self.tree, "src/**/*.rs"), recursive=True))

    def key(self):
        h = hashlib.sha256()
        for p in self.sources():
            h.update(p.encode())
            h.update(open(p, "rb").read())
        return h.hexdigest()

    def measure(self):
        """(x86, aarch64, objective) for the tree as it is on disk."""
        k = self.key()
        if k in self.cache:
            return self.cache[k]
        t0 = time.time()
        sizes = []
        for t in ("x86_64", "aarch64"):
            env = dict(os.environ, CARGO_TARGET_DIR=self.td)
            try:
                r = subprocess.run(["cargo", "build", "-q", "--release", "--target", f"{t}-unknown-linux-musl"],
                                   cwd=self.tree, env=env, capture_output=True, text=True, timeout=600)
            except subprocess.TimeoutExpired:
                sizes.append(INF)
                break
            if r.returncode != 0:
                tail = r.stderr.strip().splitlines()[-3:]
                why = "panic path" if "nanoinit_release_build_has_a_panic_path" in r.stderr else "build error"
                log(f"    {t}: {why}: {' | '.join(tail)[:300]}")
                sizes.append(INF)
                break
            out = os.path.join(self.td, f"{t}.bin")
            subprocess.run([sys.executable, "scripts/sstrip.py",
                            os.path.join(self.td, f"{t}-unknown-linux-musl/release/nanoinit"), out],
                           cwd=self.tree, check=True)
            sizes.append(os.path.getsize(out))
            if sizes[-1] > self.budget:
                sizes[-1] = INF
                break
        while len(sizes) < 2:
            sizes.append(INF)
        x, a = sizes
        obj = INF if INF in (x, a) else x + self.weight * a
        self.builds += 1
        self.build_time += time.time() - t0
        self.cache[k] = (x, a, obj)
        return self.cache[k]


def fn_sizes(tree, target_dir):
    """{fn name: bytes} summed over both targets, from unstripped builds (nm -S)."""
    sizes = {}
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(target_dir, "nm"), CARGO_PROFILE_RELEASE_STRIP="false")
    for t in ("x86_64", "aarch64"):
        r = subprocess.run(["cargo", "build", "-q", "--release", "--target", f"{t}-unknown-linux-musl"],
                           cwd=tree, env=env, capture_output=True, text=True)
        if r.returncode:
            log(f"nm build for {t} failed; ordering without it")
            continue
        binp = os.path.join(target_dir, "nm", f"{t}-unknown-linux-musl/release/nanoinit")
        nm = subprocess.run(["nm", "-S", "--size-sort", binp], capture_output=True, text=True).stdout
        for ln in nm.splitlines():
            parts = ln.split()
            if len(parts) != 4 or parts[2].lower() not in "tw":
                continue
            sym = parts[3]
            m = re.match(r"_ZN(.*)17h[0-9a-f]{16}E$", sym)
            if m:  # legacy mangling: length-prefixed segments, last one is the fn
                segs, s = [], m.group(1)
                while s and s[0].isdigit():
                    n = int(re.match(r"\d+", s).group(0))
                    s = s[len(str(n)):]
                    segs.append(s[:n])
                    s = s[n:]
                name = segs[-1] if segs else sym
            else:
                name = sym
            sizes[name] = sizes.get(name, 0) + int(parts[1], 16)
    return sizes


# ---------------------------------------------------------------- main

def makefile_budget():
    """The budget: PLATFORMS_BUDGET in scripts/platforms.sh, the one place the
    figure is written (the Makefile's BUDGET reads it from there too)."""
    sh = os.path.join(os.path.dirname(os.path.abspath(__file__)), "platforms.sh")
    with open(sh) as f:
        return int(re.search(r"^PLATFORMS_BUDGET=(\d+)$", f.read(), re.M).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--tree", default=repo)
    ap.add_argument("--target-dir", default=os.path.join(repo, "target", "inline-search"))
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--order", choices=["size", "source"], default="size")
    ap.add_argument("--budget", type=int, default=makefile_budget(), help="bytes, for each binary")
    ap.add_argument("--aarch64-weight", type=float, default=2.0)
    ap.add_argument("--only", help="regex on 'file:fn' limiting the candidates")
    ap.add_argument("--dirty-file", default="README.md", help="tracked file that gets a marker line during the run ('' for none)")
    ap.add_argument("--patch", default="", help="write `git diff -- src` of the best tree here ('' for none)")
    ap.add_argument("--state", default="", help="write the accepted changes here as they happen ('' for none)")
    ap.add_argument("--dry-list", action="store_true", help="list candidates and skipped fns, then exit")
    args = ap.parse_args()
    tree = os.path.abspath(args.tree)
    os.chdir(tree)

    files = sorted(glob.glob("src/*.rs")) + sorted(glob.glob("src/bin/nanoinit/*.rs")) + sorted(glob.glob("src/bin/nanoinit/sys/*.rs"))
    cands = []
    for f in files:
        found, skipped = find_fns(f)
        lines = open(f).read().split("\n")
        for name, occ, i, _ in found:
            cands.append({"file": f, "name": name, "occ": occ, "line": i + 1, "hint": get_hint(lines, i)})
        for name, occ, i, why in skipped:
            if args.dry_list:
                print(f"skip {f}:{i + 1} {name} ({why})")
    if args.only:
        cands = [c for c in cands if re.search(args.only, f"{c['file']}:{c['name']}")]
    if args.dry_list:
        for c in cands:
            print(f"cand {c['file']}:{c['line']} {c['name']}#{c['occ']} hint={c['hint']}")
        print(f"{len(cands)} candidates")
        return

    originals = {f: open(f).read() for f in files}
    marker_orig = None
    if args.dirty_file:
        marker_orig = open(args.dirty_file).read()

    def restore_marker():
        if marker_orig is not None:
            open(args.dirty_file, "w").write(marker_orig)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    bld = Builder(tree, args.target_dir, args.budget, args.aarch64_weight)
    t_start = time.time()
    current = dict(originals)  # incumbent text of each file
    idx = subprocess.run(["git", "rev-parse", "--git-path", "index"], capture_output=True, text=True).stdout.strip()

    def rerun_build_rs():
        # build.rs re-runs (and re-reads `git describe --dirty`) when .git/index changes.
        if idx and os.path.exists(idx):
            os.utime(idx)

    try:
        rerun_build_rs()
        # Baseline as committed (the version string then has no -dirty).
        clean = bld.measure()
        log(f"baseline (clean tree): x86_64={clean[0]} aarch64={clean[1]}")
        if marker_orig is not None:
            open(args.dirty_file, "w").write(marker_orig + "\n<!-- inline-search.py: dirty marker -->\n")
            bld.cache.clear()
            rerun_build_rs()  # the version string says -dirty from here on
        base = bld.measure()
        log(f"baseline (dirty tree, the reference): x86_64={base[0]} aarch64={base[1]} objective={base[2]}")
        if base[2] == INF:
            log("baseline does not build or is over budget; giving up")
            return 1

        if args.order == "size":
            sz = fn_sizes(tree, args.target_dir)
            for c in cands:
                c["size"] = sz.get(c["name"], 0)
            # Big emitted fns first; fns with no symbol of their own (inlined
            # helpers) follow in source order.
            cands.sort(key=lambda c: -c["size"])
        log(f"{len(cands)} candidates: " + ", ".join(f"{c['name']}({c.get('size', '?')})" for c in cands))

        best = base
        accepted = []
        for p in range(1, args.passes + 1):
            improved = 0
            for n, c in enumerate(cands, 1):
                f = c["file"]
                tried = []
                winner = None
                for h in HINTS:
                    if h == c["hint"]:
                        continue
                    text = set_hint(current[f], c["name"], c["occ"], h)
                    if text == current[f]:
                        continue
                    open(f, "w").write(text)
                    try:
                        r = bld.measure()
                    finally:
                        open(f, "w").write(current[f])
                    tried.append(f"{h or 'none'}={r[0]}/{r[1]}")
                    if r[2] < best[2] and (winner is None or r[2] < winner[1][2]):
                        winner = (h, r, text)
                log(f"pass {p} [{n}/{len(cands)}] {f}:{c['name']}#{c['occ']} ({c['hint'] or 'none'}): " + " ".join(tried)
                    + f"  [best {best[0]}/{best[1]}, {bld.builds} builds]")
                if winner:
                    h, r, text = winner
                    saved = (best[0] - r[0], best[1] - r[1])
                    log(f"  ACCEPT {c['name']}: {c['hint'] or 'none'} -> {h or 'none'}: x86_64 {best[0]}->{r[0]} "
                        f"({-saved[0]:+d}), aarch64 {best[1]}->{r[1]} ({-saved[1]:+d})")
                    accepted.append({"pass": p, "file": f, "fn": c["name"], "occ": c["occ"], "from": c["hint"], "to": h,
                                     "x86_64": r[0], "aarch64": r[1], "saved_x86_64": saved[0], "saved_aarch64": saved[1]})
                    current[f] = text
                    open(f, "w").write(text)
                    c["hint"] = h
                    best = r
                    improved += 1
                    if args.state:
                        json.dump({"baseline": base, "accepted": accepted}, open(args.state, "w"), indent=1)
            log(f"pass {p} done: {improved} improvements; best x86_64={best[0]} aarch64={best[1]}")
            if not improved:
                break
        # Leave the best tree, without the marker, and re-measure it as it will be seen.
        for f in files:
            open(f, "w").write(current[f])
        restore_marker()
        marker_orig = None
        bld.cache.clear()
        rerun_build_rs()
        final = bld.measure()
        log(f"final tree re-measured: x86_64={final[0]} aarch64={final[1]} (same dirty version string as the search)")
        if args.patch:
            diff = subprocess.run(["git", "diff", "--", "src"], capture_output=True, text=True).stdout
            open(args.patch, "w").write(diff)
        el = time.time() - t_start
        log(f"SUMMARY baseline clean {clean[0]}/{clean[1]}, baseline dirty {base[0]}/{base[1]} -> final {final[0]}/{final[1]} "
            f"(x86_64 {final[0] - base[0]:+d}, aarch64 {final[1] - base[1]:+d}); {bld.builds} builds, "
            f"{bld.build_time:.0f}s building, {el:.0f}s total")
        for a in accepted:
            log(f"  pass {a['pass']} {a['file']}:{a['fn']}#{a['occ']}: {a['from'] or 'none'} -> {a['to'] or 'none'}: "
                f"x86_64 {-a['saved_x86_64']:+d}, aarch64 {-a['saved_aarch64']:+d}")
        return 0
    except BaseException:
        # Interrupted or crashed: leave the incumbent (never a half-tried candidate).
        for f in files:
            open(f, "w").write(current[f])
        raise
    finally:
        restore_marker()


if __name__ == "__main__":
    sys.exit(main())
