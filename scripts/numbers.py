#!/usr/bin/env python3
"""Every measured number the docs show, written once.

docs/numbers.json holds the figures; this script records them and renders
them into docs/numbers.md and into each marked block of README.md and
docs/*.md:

    <!-- numbers:NAME -->
    (generated; edits here are overwritten)
    <!-- /numbers:NAME -->

NAME is one of: sizes (one line), sizes-table, tests, bench.

    numbers.py sizes --budget N FILE...  record binary sizes (scripts/size.sh calls it)
    numbers.py tests                     count the tests with `cargo test -- --list` (make test)
    numbers.py bench [DIR]               take DIR/report.json and report.md from make bench
    numbers.py render                    re-render from docs/numbers.json
    numbers.py check                     fail when a block differs from its rendering (make check)

A platform is named from the ELF header (Docker's names: amd64, arm64, ...), so
a new dist/nanoinit-* binary appears once its build runs size.sh. A bench row
appears once the bench adds it (Report::summarize in benches/compare/).
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "docs", "numbers.json")
PAGE = os.path.join(ROOT, "docs", "numbers.md")
REPORT = os.path.join(ROOT, "docs", "bench-report.md")
BLOCK = re.compile(r"(<!-- numbers:([a-z-]+) -->\n)(.*?)(<!-- /numbers:\2 -->)", re.S)

# e_machine → Docker platform name (64-bit little-endian unless noted).
MACHINES = {62: "amd64", 183: "arm64", 21: "ppc64le", 22: "s390x", 243: "riscv64", 40: "arm/v7", 3: "386",
            258: "loong64"}
ORDER = ["amd64", "arm64", "arm/v7", "386", "ppc64le", "s390x", "riscv64", "loong64"]


def load():
    try:
        with open(DATA) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def save(data):
    with open(DATA, "w") as f:
        json.dump(data, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


def platform(path):
    """The platform of an ELF file, or None for anything else."""
    with open(path, "rb") as f:
        h = f.read(20)
    if len(h) < 20 or h[:4] != b"\x7fELF":
        return None
    machine = int.from_bytes(h[18:20], "little" if h[5] == 1 else "big")
    name = MACHINES.get(machine, f"machine-{machine}")
    if machine == 21 and h[5] == 2:
        name = "ppc64"
    return name


def n(v):
    return f"{v:,}"


# ---- rendering

def r_sizes(d):
    s = d.get("sizes", {})
    plats = sorted(s.get("platforms", {}).items(), key=lambda kv: (ORDER + [kv[0]]).index(kv[0]))
    if not plats:
        return "(no size recorded yet: `make size`)\n"
    first, rest = plats[0], plats[1:]
    more = "".join(f", {n(v)} on {p}" for p, v in rest)
    return f"**{n(first[1])} bytes** on {first[0]}{more} (budget: {n(s['budget'])} bytes per platform)\n"


def r_sizes_table(d):
    s = d.get("sizes", {})
    plats = sorted(s.get("platforms", {}).items(), key=lambda kv: (ORDER + [kv[0]]).index(kv[0]))
    rows = ["| platform | bytes | of the budget |", "|---|---:|---:|"]
    for p, v in plats:
        rows.append(f"| {p} | {n(v)} | {100 * v / s['budget']:.0f} % |")
    return "\n".join(rows) + f"\n\nBudget: {n(s.get('budget', 0))} bytes for the stripped binary of every platform.\n"


def r_tests(d):
    t = d.get("tests", {})
    rows = ["| target | tests |", "|---|---:|"]
    # Sorted: the JSON is saved with sorted keys, so a rendering from the
    # counts just taken and one from the file read back must agree.
    for name, count in sorted(t.get("targets", {}).items()):
        rows.append(f"| {name} | {count} |")
    rows.append(f"| **all** | **{t.get('total', 0)}** |")
    return "\n".join(rows) + "\n\nCounted by `cargo test -- --list`; a proptest is one test of many cases.\n"


def r_bench(d):
    b = d.get("bench")
    if not b:
        return "(no bench recorded yet: `make bench`)\n"
    inits = b["inits"]
    m = b["meta"]
    out = [f"Measured {m.get('date', '?')[:10]} on {m.get('kernel', '?')}, {m.get('cpu', '?')}; "
           f"best in **bold**, lower is better in every row.", "",
           "| measurement | " + " | ".join(inits) + " |", "|---|" + "---:|" * len(inits)]
    for row in b["rows"]:
        cells = {c["init"]: c for c in row["cells"]}
        vals = [c["value"] for c in row["cells"] if c["value"] is not None]
        best = min(vals) if vals else None
        line = []
        for i in inits:
            c = cells.get(i)
            if c is None:
                line.append("–")
            elif best is not None and c["value"] == best:
                line.append(f"**{c['text']}**")
            else:
                line.append(c["text"])
        out.append(f"| {row['label']} | " + " | ".join(line) + " |")
    return "\n".join(out) + "\n"


RENDER = {"sizes": r_sizes, "sizes-table": r_sizes_table, "tests": r_tests, "bench": r_bench}


def page(d):
    def block(name):
        return f"<!-- numbers:{name} -->\n{RENDER[name](d)}<!-- /numbers:{name} -->\n"

    return (
        "# nanoinit in numbers\n\n"
        "Generated by `scripts/numbers.py` from `docs/numbers.json`; never edit by hand. "
        "`make size` (every build's size check) records the sizes, `make test` the test counts, "
        "`make bench` the comparison.\n\n"
        "## Binary size\n\n" + block("sizes-table") + "\n"
        "## Tests\n\n" + block("tests") + "\n"
        "## Compared with tini, dumb-init and catatonit\n\n" + block("bench") + "\n"
        "The full report of that run: [bench-report.md](bench-report.md); what each column means: "
        "[bench.md](bench.md).\n"
    )


def targets():
    """Files that may hold numbers blocks."""
    files = [os.path.join(ROOT, f) for f in ("README.md", "CONTRIBUTING.md")]
    docs = os.path.join(ROOT, "docs")
    files += sorted(os.path.join(docs, f) for f in os.listdir(docs) if f.endswith(".md"))
    return [f for f in files if os.path.exists(f) and f not in (PAGE, REPORT)]


def rendered(d, text):
    return BLOCK.sub(lambda m: m.group(1) + RENDER[m.group(2)](d) + m.group(4), text)


def render(d, check=False):
    stale = []
    for path, want in [(PAGE, page(d))] + [(p, None) for p in targets()]:
        try:
            with open(path) as f:
                have = f.read()
        except FileNotFoundError:
            have = ""
        new = want if want is not None else rendered(d, have)
        if new != have:
            stale.append(os.path.relpath(path, ROOT))
            if not check:
                with open(path, "w") as f:
                    f.write(new)
    return stale


# ---- recording

def cmd_sizes(a):
    d = load()
    s = d.setdefault("sizes", {})
    s["budget"] = a.budget
    plats = s.setdefault("platforms", {})
    for path in a.files:
        p = platform(path)
        with open(path, "rb") as f:
            dirty = b"-dirty)" in f.read()
        if dirty:
            # build.rs embeds `git describe --dirty` twice: a build of an edited
            # tree is 12 bytes larger than the same code committed.
            print(f"numbers: {path} was built from uncommitted changes; its size is not recorded "
                  "(commit, then make size)")
        elif p:
            plats[p] = os.path.getsize(path)
    save(d)
    render(d)


def cmd_tests(a):
    r = subprocess.run(["cargo", "test", "--release", "--locked", "--", "--list"],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"numbers: cargo test -- --list failed:\n{r.stderr[-2000:]}")
    # stderr names each test binary in order ("Running tests/core.rs (...)");
    # stdout lists its tests, one "NAME: test" line each, in the same order.
    names = [("unit tests (src/)" if m.group(1).startswith("unittests") else m.group(1).split()[0])
             for m in re.finditer(r"^\s+Running (\S+(?: \S+)?) \(", r.stderr, re.M)]
    # Without --format terse each binary ends its list with "N tests, M benchmarks".
    counts = [int(m.group(1)) for m in re.finditer(r"^(\d+) tests?, \d+ benchmarks?$", r.stdout, re.M)]
    if len(counts) != len(names):
        sys.exit(f"numbers: {len(names)} test binaries but {len(counts)} counts")
    d = load()
    d["tests"] = {"targets": dict(zip(names, counts)), "total": sum(counts)}
    save(d)
    render(d)


def cmd_bench(a):
    with open(os.path.join(a.dir, "report.json")) as f:
        rep = json.load(f)
    if rep["meta"].get("quick") == "true":
        print("numbers: a NANOINIT_BENCH_QUICK run is not for publishing; nothing recorded")
        return
    inits = []
    for row in rep["rows"]:
        for c in row["cells"]:
            if c["init"] not in inits:
                inits.append(c["init"])
    d = load()
    d["bench"] = {"meta": rep["meta"], "inits": inits, "rows": rep["rows"]}
    save(d)
    with open(os.path.join(a.dir, "report.md")) as f:
        report = f.read()
    with open(REPORT, "w") as f:
        f.write("<!-- Written by scripts/numbers.py from the last `make bench`; never edit by hand. -->\n" + report)
    render(d)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sizes")
    s.add_argument("--budget", type=int, required=True)
    s.add_argument("files", nargs="+")
    sub.add_parser("tests")
    b = sub.add_parser("bench")
    b.add_argument("dir", nargs="?", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "bench"))
    sub.add_parser("render")
    sub.add_parser("check")
    a = ap.parse_args()
    if a.cmd == "sizes":
        cmd_sizes(a)
    elif a.cmd == "tests":
        cmd_tests(a)
    elif a.cmd == "bench":
        cmd_bench(a)
    elif a.cmd == "render":
        render(load())
    else:
        stale = render(load(), check=True)
        if stale:
            sys.exit("numbers: out of date (run scripts/numbers.py render): " + ", ".join(stale))


if __name__ == "__main__":
    main()
