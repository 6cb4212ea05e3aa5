#!/usr/bin/env python3
"""Every fundgap figure quoted in README.md and scenarios/README.md, made again.

Usage:
  python3 scripts/docs-examples.py [--check]   # default: exit 1 listing each drifted figure
  python3 scripts/docs-examples.py --write     # rewrite the Markdown (and output/examples/*.png)

Two markers, both HTML comments (invisible on GitHub):

1. A quoted output block: the comment, then a fenced block on the next line.

     <!-- fundgap-example: compare scenarios/revenue-models.toml --trials 50000 | lines=1-6 -->
     ```
     $ fundgap compare scenarios/revenue-models.toml --trials 50000
     ...
     ```

   The block is replaced whole by the command's standard output (standard
   error and timing lines are left out), after a `$ fundgap ...` prompt line
   when the block's first line is one. Options after `|`, separated by
   spaces:
     lines=1-3,...,8,12-14   output lines to keep (1-based; `...` writes a
                             literal "..." line, the README's elision)
     grep=TEXT               keep only output lines containing TEXT (after lines=)
     cut=N                   cut each line at N characters and end it with " ..."
     head=N                  the first N kept lines
     prompt=no               no `$ fundgap ...` line

2. A figure in prose or a table cell:

     <!-- fig: run scenarios/daejeon-challenge.toml --trials 50000 :: horizon.csv service=portfolio p_any_gap :: pct1 -->77.6%<!-- /fig -->

   `COMMAND :: SOURCE :: FORMAT`. SOURCE is a file the command wrote then
   either `key=value` filters (CSV: the one row matching all of them) and a
   column, or a dotted JSON path (`summary.json portfolio.p_any_gap`; list
   items by index, or by `[id=x]`); `stdout /REGEX/` takes the regex's first
   group from standard output. FORMAT: pct0, pct1, pct2 (a share as a
   percent; cpct0: 1 - x as a percent), int (rounded, thousands separated), num1/num2/num3, year,
   eok0/eok1 (million KRW shown in 억 원: /100), sgn3 (signed, U+2212 minus), raw, rawm (raw with U+2212 minus).
   A trailing ` /REGEX/` on a CSV or JSON source takes its first group of the value.
   CSV filters are `key=value`, `key!=value` or `key~=REGEX` (a full match).
   Over the matching rows of a CSV, instead of the one row's value:
     count FILE filters...          how many rows match
     min|max FILE filters... COLUMN the smallest or largest value
     range FILE filters... COLUMN   (smallest, largest): pct0/pct1 write "45–48%", or "15%" when equal
     maxdiff FILE filters... A B    the largest |A - B| over the rows (pts1: in percentage points)
   COMMAND may be several commands joined by ` & ` (or `@names`): the figure
   is the sum of each one's value (a count over five sites' scorecards).

   A long command can be named once per file and used as `@name`:
     <!-- fundgap-define: daejeon = run scenarios/daejeon-challenge.toml --trials 50000 -->
     <!-- fig: @daejeon :: horizon.csv service=portfolio p_any_gap :: pct1 -->77.6%<!-- /fig -->

Commands are fundgap's arguments (a leading `fundgap` is allowed). Each is
run once per distinct command line, from the repository's root, with the
release binary ($CARGO_TARGET_DIR or target/, built if missing), `--out` in
a temporary directory and `--quiet`-free stdout captured. Use only
deterministic commands: a fixed --trials (or the scenario's) and seed. The
budget year (--from) moves plan.csv; do not quote it without --from.

To add a quoted example: write the marker and an empty fenced block (or an
empty `<!-- fig ... --><!-- /fig -->`), run with --write, read the diff.
CI (.ci/run) runs --check after `cargo test`.
"""
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = ["README.md", "scenarios/README.md"]
# Charts README.md shows, refreshed by --write from the baseline's run.
EXAMPLE_PNGS = ["gap-probability", "fan-portfolio", "gap-npv", "survival", "funding-mix", "funding-needed"]
PNG_COMMAND = "run"  # the README block's command: one run serves both

BLOCK_RE = re.compile(r"<!-- fundgap-example: (.*?) -->\n(```[^\n]*\n)(.*?)(^```)", re.S | re.M)
DEFINE_RE = re.compile(r"<!-- fundgap-define: (\w[\w-]*) = (.*?) -->")
FIG_RE = re.compile(r"<!-- fig: (.*?) -->(.*?)<!-- /fig -->", re.S)
TIMING_RE = re.compile(r"\b(took|in) \d+(\.\d+)? ?(s|ms|seconds)\b")
# Subcommands that take --out (where the outputs go).
OUT_COMMANDS = {"run", "stress", "compare", "evaluate", "sensitivity", "discover", "backtest"}


def binary():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    exe = os.path.join(target, "release", "fundgap")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return exe


class Runner:
    def __init__(self, exe, tmp):
        self.exe, self.tmp, self.cache = exe, tmp, {}

    def run(self, command):
        args = []
        for a in shlex.split(command):  # scenarios/backtest/*.toml, as a shell would
            args += sorted(glob.glob(a, root_dir=ROOT)) if "*" in a else [a]
        if args and args[0] == "fundgap":
            args = args[1:]
        key = " ".join(args)
        if key in self.cache:
            return self.cache[key]
        out = os.path.join(self.tmp, hashlib.sha1(key.encode()).hexdigest()[:12])
        full = list(args)
        if args and args[0] in OUT_COMMANDS and "--out" not in args:
            full += ["--out", out]
        else:
            out = None
        p = subprocess.run([self.exe] + full, cwd=ROOT, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"docs-examples: `fundgap {key}` failed ({p.returncode}):\n{p.stderr}")
        stdout = [l for l in p.stdout.splitlines() if not TIMING_RE.search(l)]
        self.cache[key] = (stdout, out)
        return self.cache[key]


def split_options(spec):
    if " | " in spec:
        command, opts = spec.split(" | ", 1)
        return command.strip(), dict(o.split("=", 1) for o in opts.split())
    return spec.strip(), {}


def select_lines(lines, spec):
    kept = []
    for part in spec.split(","):
        if part == "...":
            kept.append("...")
        elif "-" in part:
            a, b = part.split("-")
            kept += lines[int(a) - 1 : int(b)]
        else:
            kept.append(lines[int(part) - 1])
    return kept


def render_block(runner, spec, old):
    command, opts = split_options(spec)
    lines, _ = runner.run(command)
    if "lines" in opts:
        lines = select_lines(lines, opts["lines"])
    if "grep" in opts:
        lines = [l for l in lines if opts["grep"] in l or l == "..."]
    if "head" in opts:
        lines = lines[: int(opts["head"])]
    if "cut" in opts:
        n = int(opts["cut"])
        lines = [l if len(l) <= n else l[:n].rstrip() + " ..." for l in lines]
    lines = [l.rstrip() for l in lines]
    shown = command if command.startswith("fundgap ") else "fundgap " + command
    prompt = opts.get("prompt", "yes") != "no" and (old.startswith("$ ") or not old.strip())
    if prompt:
        lines = ["$ " + shown] + lines
    return "\n".join(lines) + "\n"


def json_get(doc, path):
    for part in path.split("."):
        m = re.fullmatch(r"\[(\w+)=(.*)\]", part)
        if m:
            doc = next(x for x in doc if str(x.get(m.group(1))) == m.group(2))
        elif isinstance(doc, list):
            doc = doc[int(part)]
        else:
            doc = doc[part]
    return doc


AGGREGATES = {"count", "min", "max", "range", "maxdiff"}


def lookup(runner, command, source):
    stdout, out = runner.run(command)
    name = source.split()[0]
    if name in AGGREGATES:
        return aggregate(out, name, shlex.split(source)[1:])
    if name == "stdout":
        pattern = source.split(None, 1)[1].strip()[1:-1]
        for l in stdout:
            m = re.search(pattern, l)
            if m:
                return m.group(1)
        raise KeyError(f"no stdout line matches /{pattern}/")
    pattern = None
    m = re.search(r" /(.+)/$", source)
    if m:  # a regex's first group of the value: `evaluation.csv entity=x criterion=y reason /(\d+%)/`
        pattern, source = m.group(1), source[: m.start()]
    value = lookup_file(out, shlex.split(source))
    if pattern is None:
        return value
    m = re.search(pattern, str(value))
    if not m:
        raise KeyError(f"/{pattern}/ does not match {value!r}")
    return m.group(1)


def csv_rows(out, name, filters):
    """The rows of the CSV `name` matching every `key=value`, `key!=value`, `key~=REGEX`."""
    import csv

    def test(row, f):
        m = re.fullmatch(r"([\w.]+)(=|!=|~=)(.*)", f)
        if not m:
            raise ValueError(f"a CSV filter is key=value, key!=value or key~=regex: {f}")
        key, op, want = m.groups()
        have = row.get(key)
        if have is None:
            raise KeyError(f"{name} has no column {key}")
        if op == "=":
            return have == want
        if op == "!=":
            return have != want
        return re.fullmatch(want, have) is not None

    with open(os.path.join(out, name), newline="") as f:
        return [r for r in csv.DictReader(f) if all(test(r, t) for t in filters)]


def aggregate(out, op, tokens):
    name, rest = tokens[0], tokens[1:]
    if op == "count":
        return len(csv_rows(out, name, rest))
    columns = 2 if op == "maxdiff" else 1
    rows = csv_rows(out, name, rest[:-columns])
    if not rows:
        raise KeyError(f"no rows of {name} match {rest[:-columns]}")
    if op == "maxdiff":
        a, b = rest[-2:]
        return max(abs(float(r[a]) - float(r[b])) for r in rows)
    values = [float(r[rest[-1]]) for r in rows]
    return {"min": min(values), "max": max(values), "range": (min(values), max(values))}[op]


def lookup_file(out, tokens):
    name = tokens[0]
    path = os.path.join(out, name)
    if name.endswith(".json"):
        with open(path) as f:
            return json_get(json.load(f), tokens[1])
    rows = csv_rows(out, name, tokens[1:-1])
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} rows of {name} match {tokens[1:-1]}")
    return rows[0][tokens[-1]]


def fmt(value, how):
    if how == "raw":
        return str(value)
    if how == "rawm":  # as written, with U+2212 for a minus sign
        return str(value).replace("-", "\u2212")
    if isinstance(value, tuple):  # a range: "45–48%", or one figure when both ends show the same
        lo, hi = (fmt(v, how) for v in value)
        return lo if lo == hi else lo.rstrip("%") + "\u2013" + hi
    if value in ("", None):
        return "—"
    x = float(str(value).replace(",", ""))
    if how.startswith("cpct"):  # the complement, 1 - x, as a percent
        return f"{(1 - x) * 100:.{int(how[4:])}f}%"
    if how.startswith("pct"):
        return f"{x * 100:.{int(how[3:])}f}%"
    if how == "int":
        return f"{round(x):,}"
    if how == "year":
        return str(int(x))
    if how.startswith("sgn"):
        return f"{x:+.{int(how[3:])}f}".replace("-", "\u2212")
    if how.startswith("eok"):
        return f"{x / 100:,.{int(how[3:])}f}"
    if how.startswith("pts"):  # a difference of shares, in percentage points
        return f"{x * 100:.{int(how[3:])}f}"
    if how.startswith("num"):
        return f"{x:,.{int(how[3:])}f}"
    raise ValueError(f"unknown format {how}")


def render_fig(runner, spec, defines):
    parts = [p.strip() for p in spec.split(" :: ")]
    if len(parts) != 3:
        raise ValueError(f"a fig marker is `COMMAND :: SOURCE :: FORMAT`: {spec}")
    def expand(spec):  # a name may stand for several commands, or names, too
        out = []
        for c in (c.strip() for c in spec.split(" & ")):
            out += expand(defines[c[1:]]) if c.startswith("@") else [c]
        return out

    commands = expand(parts[0])
    values = [lookup(runner, c, parts[1]) for c in commands]
    if len(values) == 1:
        return fmt(values[0], parts[2])
    return fmt(sum(float(v) for v in values), parts[2])


def process(runner, text, drift, fname):
    pairs = DEFINE_RE.findall(text)
    defines = dict(pairs)
    if len(defines) != len(pairs):
        sys.exit(f"docs-examples: {fname}: a fundgap-define name is used twice")
    def block(m):
        new = render_block(runner, m.group(1), m.group(3))
        if new != m.group(3):
            drift.append(f"{fname}: block `{m.group(1)}`\n  expected:\n{indent(new)}\n  found:\n{indent(m.group(3))}")
        return f"<!-- fundgap-example: {m.group(1)} -->\n{m.group(2)}{new}{m.group(4)}"

    text = BLOCK_RE.sub(block, text)

    def fig(m):
        try:
            new = render_fig(runner, m.group(1), defines)
        except (KeyError, IndexError, StopIteration, ValueError) as e:
            sys.exit(f"docs-examples: {fname}: `{m.group(1)}`: {e!r}")
        if new != m.group(2):
            drift.append(f"{fname}: figure `{m.group(1)}`: expected {new}, found {m.group(2)}")
        return f"<!-- fig: {m.group(1)} -->{new}<!-- /fig -->"

    return FIG_RE.sub(fig, text)


def indent(s):
    return "\n".join("    " + l for l in s.rstrip("\n").splitlines())


def main():
    mode = "--write" if "--write" in sys.argv[1:] else "--check"
    exe = binary()
    drift, markers = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        runner = Runner(exe, tmp)
        for fname in FILES:
            path = os.path.join(ROOT, fname)
            with open(path) as f:
                text = f.read()
            markers += len(BLOCK_RE.findall(text)) + len(FIG_RE.findall(text))
            new = process(runner, text, drift, fname)
            if mode == "--write" and new != text:
                with open(path, "w") as f:
                    f.write(new)
        if mode == "--write":
            _, out = runner.run(PNG_COMMAND)
            for name in EXAMPLE_PNGS:
                shutil.copy(os.path.join(out, name + ".png"), os.path.join(ROOT, "output/examples", name + ".png"))
    print(f"docs-examples: {markers} markers, {len(runner.cache)} commands run")
    if drift:
        print(("rewrote" if mode == "--write" else "drifted") + f" ({len(drift)}):")
        print("\n".join(drift))
        if mode == "--check":
            print("run `python3 scripts/docs-examples.py --write` and read the diff")
            sys.exit(1)


if __name__ == "__main__":
    main()
