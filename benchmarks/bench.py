"""Every performance figure of CST Directory against a baseline measured in the same run, as one table.

    python benchmarks/bench.py [--sizes 0,1000] [--rounds N] [--budget S] [--fresh]

Baseline and app runs alternate, round by round, and each figure is the median over the rounds, so that
whatever else the machine is doing falls on both alike. Each target is printed beside its figure with
"pass" or "miss"; a miss is a finding, not a failure: the exit status is 0 unless a measurement could not
be made at all. Progress goes to stderr, the table (Markdown) to stdout.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from contact_data import (
    SURNAME_QUERY,
    Template,
    drafts,
    folded_texts,
    prune,
    store_contacts,
    template,
    validated,
)
from launch_timing import Finished, Launcher

import cst_directory
from cst_directory.domain.contacts import ValidContact
from cst_directory.domain.entries import Entry
from cst_directory.domain.import_preview import preview_import
from cst_directory.domain.text import fold
from cst_directory.storage.contact_files import FileFormat, read_import_file, write_export_file
from cst_directory.storage.contact_rows import make_personal
from cst_directory.storage.contact_store import ContactStore
from cst_directory.storage.directory_file import load_directory
from cst_directory.storage.resources import resources_dir

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
FIRST_PAINT = HERE / "first_paint.py"
PROBE = HERE / "window_probe.py"
SIZES = (0, 1_000, 10_000, 100_000)
CHANGE_SIZES = (1_000, 10_000, 100_000)
LOOKUP_SIZES = (0, 10_000)
LARGE = 100_000
BATCH = 10_000
QUERIES = ("manchester", "0161 7", SURNAME_QUERY)
LOOKUP_QUERY = "manchester"
ROUNDS = 5
LARGE_ROUNDS = 3
CHANGE_ROUNDS = 2
CHANGES_PER_WINDOW = 3
# A cell (one figure at one size) starts no further round once its rounds have run this long, so that a
# slow build still finishes in minutes; the rounds column says where that happened.
BUDGET_S = 40.0
CHILD_TIMEOUT_S = 900.0
MB = 1e6
_T = TypeVar("_T")
_U = TypeVar("_U")


# The target for importing or exporting 10,000 contacts, either way and in either format.
IMPORT_LIMIT_S = 2.0


class BenchError(RuntimeError):
    """A measurement could not be made (a child failed): reported in the table instead of a figure."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    figure: str
    size: int | None
    baseline: str
    value: str
    versus: str = "-"
    target: str = "-"
    result: str = "-"
    rounds: str = "-"


@dataclass(slots=True)
class Rounds:
    """How many rounds a cell ran, and whether its budget cut it short."""

    done: int
    planned: int

    def __str__(self) -> str:
        return f"{self.done}*" if self.done < self.planned else str(self.done)


@dataclass(slots=True)
class Notes:
    """What the figures cannot say themselves, printed under the table."""

    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def interleave(planned: int, budget: float, baseline: Callable[[], _T], subject: Callable[[], _U]
               ) -> tuple[list[_T], list[_U], Rounds]:
    """Baseline and subject in alternating order (AB BA AB ...), until planned rounds or the budget."""
    firsts: list[_T] = []
    seconds: list[_U] = []
    start = time.monotonic()
    for number in range(planned):
        if number % 2 == 0:
            firsts.append(baseline())
            seconds.append(subject())
        else:
            seconds.append(subject())
            firsts.append(baseline())
        if time.monotonic() - start > budget:
            break
    return firsts, seconds, Rounds(len(firsts), planned)


def p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile: with 25 keys, the second slowest."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def seconds_text(value: float) -> str:
    if value < 0.001:
        return f"{value * 1e6:.0f} us"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def ratio_text(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base > 0 else "-"


def verdict(ok: bool) -> str:
    return "pass" if ok else "miss"


class Bench:
    """The benchmark run: templates, scratch folders, the child processes and the rows they give."""

    def __init__(self, args: argparse.Namespace, scratch: Path) -> None:
        self.sizes: tuple[int, ...] = args.sizes
        self.rounds: int = args.rounds
        self.budget: float = args.budget
        self.scratch = scratch
        self.cache: Path = args.cache
        self.fresh: bool = args.fresh
        self.env = {key: value for key, value in os.environ.items() if key != "CST_DIRECTORY_HOME"}
        self.env.setdefault("QT_QPA_PLATFORM", "offscreen")
        self.launcher = Launcher()
        self.templates: dict[int, Template] = {}
        self.notes = Notes()
        self.rows: list[Row] = []
        self._bare_peaks: dict[int, float] = {}
        self._homes = 0
        directory = load_directory(resources_dir())
        self.builtin_texts = [entry.search_text for entry in directory.entries]

    # Plumbing.

    def say(self, text: str) -> None:
        print(f"bench: {text}", file=sys.stderr, flush=True)

    def planned(self, size: int, rounds: int | None = None) -> int:
        wanted = rounds if rounds is not None else self.rounds
        return min(wanted, LARGE_ROUNDS) if size >= LARGE else wanted

    def home(self, size: int) -> Path:
        """A fresh copy of the seeded data folder for size."""
        self._homes += 1
        return self.templates[size].copy_to(self.scratch / f"home-{self._homes}")

    def child(self, command: list[str]) -> Finished:
        done = self.launcher.run(command, self.env, timeout=CHILD_TIMEOUT_S)
        if done.returncode != 0:
            raise BenchError(f"{Path(command[1]).name} {' '.join(command[2:3])} exited with "
                             f"{done.returncode}: {done.stderr.strip()[-800:]}")
        return done

    def probe(self, mode: str, home: Path, *extra: str) -> tuple[dict[str, Any], Finished]:
        done = self.child([sys.executable, str(PROBE), mode, "--home", str(home), *extra])
        lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
        if not lines:
            raise BenchError(f"the {mode} probe printed no result: {done.stderr.strip()[-800:]}")
        result: dict[str, Any] = json.loads(lines[-1].removeprefix("PROBE "))
        if "error" in result:
            raise BenchError(f"the {mode} probe failed: {result['error']}")
        return result, done

    def cell(self, name: str, size: int | None, measure: Callable[[], list[Row]]) -> None:
        where = f" at {size:,} contacts" if size is not None else ""
        self.say(f"{name}{where}")
        try:
            self.rows.extend(measure())
        except (BenchError, OSError, sqlite3.Error, ValueError, KeyError) as exc:
            self.notes.errors.append(f"{name}{where}: {exc}")
            self.rows.append(Row(name, size, "error", "error", result="error"))

    def run(self) -> None:
        self.seed()
        # Once each untimed, so that no timed launch pays for reading Python and Qt from disk.
        self.child([sys.executable, str(FIRST_PAINT), "bare"])
        self.child([sys.executable, str(FIRST_PAINT), "app", "--home", str(self.home(self.sizes[0]))])
        for size in self.sizes:
            self.cell("start-up", size, partial(self.startup, size))
        for size in self.sizes:
            self.cell("keystrokes and peak memory", size, partial(self.keystrokes, size))
        for size in [s for s in self.sizes if s in CHANGE_SIZES]:
            self.cell("a change made elsewhere", size, partial(self.change_elsewhere, size))
        for size in [s for s in self.sizes if s in LOOKUP_SIZES]:
            self.cell("cstdir lookup", size, partial(self.lookup, size))
        self.cell("batch add", None, self.batch_add)
        self.cell("import and export", None, self.import_export)

    # Seeding.

    def seed(self) -> None:
        prune(self.cache)
        for size in self.sizes:
            self.say(f"contacts file with {size:,} contacts" if size else "empty contacts file")
            self.templates[size] = template(size, self.cache, reuse=not self.fresh)
        largest = self.templates[max(self.templates)]
        if largest.size:
            how = "kept from an earlier run" if largest.reused else "seeded in this run"
            self.notes.lines.append(
                f"Contact files seeded once per size through {largest.method} (all {largest.size:,} in "
                f"{seconds_text(largest.seconds)}, {how}), opened once untimed, and copied afresh for every "
                "run.")

    # The figures.

    def startup(self, size: int) -> list[Row]:
        def bare() -> Finished:
            return self.child([sys.executable, str(FIRST_PAINT), "bare"])

        def app() -> Finished:
            home = self.home(size)
            return self.child([sys.executable, str(FIRST_PAINT), "app", "--home", str(home)])

        def listed() -> Finished:
            home = self.home(size)
            return self.child([sys.executable, str(FIRST_PAINT), "app-listed", "--home", str(home)])

        bares, apps, rounds = interleave(self.planned(size), self.budget, bare, app)
        base = statistics.median(run.marked() for run in bares)
        value = statistics.median(run.marked() for run in apps)
        self._bare_peaks[size] = statistics.median(run.peak_bytes for run in bares)
        target, result = "-", "-"
        limit = {0: 1.3, 10_000: 1.5}.get(size)
        if limit is not None:
            target, result = f"<= {limit}x", verdict(value / base <= limit)
        rows = [Row("start-up to first paint, vs a bare window with a four-row list", size,
                    seconds_text(base), seconds_text(value), ratio_text(value, base), target, result,
                    str(rounds))]
        if size:
            # The contacts are read after first paint: how long until they are listed too, so that the
            # first figure does not hide the read.
            bares, lists, rounds = interleave(self.planned(size), self.budget, bare, listed)
            base = statistics.median(run.marked() for run in bares)
            value = statistics.median(run.marked() for run in lists)
            rows.append(Row("start-up until every contact is listed, vs the same bare window", size,
                            seconds_text(base), seconds_text(value), ratio_text(value, base), "-", "-",
                            str(rounds)))
        return rows

    def keystrokes(self, size: int) -> list[Row]:
        texts = self.builtin_texts + folded_texts(drafts(size))
        queries = list(QUERIES)

        def plain_filter() -> list[float]:
            times: list[float] = []
            for query in queries:
                for length in range(1, len(query) + 1):
                    start = time.perf_counter()
                    wanted = fold(query[:length])
                    hits = [i for i, text in enumerate(texts) if wanted in text]
                    times.append(time.perf_counter() - start)
                    del hits
            return times

        def window() -> tuple[dict[str, Any], Finished]:
            home = self.home(size)
            args = [arg for query in queries for arg in ("--query", query)]
            return self.probe("keystrokes", home, "--expect", str(size), *args)

        filters, windows, rounds = interleave(self.planned(size), self.budget, plain_filter, window)
        keys = [[t for query in queries for t in result["keys"][query]] for result, _ in windows]
        base_median = statistics.median(statistics.median(times) for times in filters)
        base_p95 = statistics.median(p95(times) for times in filters)
        median = statistics.median(statistics.median(times) for times in keys)
        slow = statistics.median(p95(times) for times in keys)
        rows_shown = windows[-1][0]["rows"]
        shown = ", ".join(f"{rows_shown[q]:,} for \"{q}\"" for q in queries)
        self.notes.lines.append(f"Keystrokes at {size:,} contacts: the window listed {shown}.")
        deferred = sorted({q for result, _ in windows for q in result["deferred"]})
        if deferred:
            self.notes.lines.append(
                f"At {size:,} contacts the list changed after the last key of {', '.join(deferred)}: the "
                "window searches later than the key, so these keystroke figures understate the wait.")
        peak = statistics.median(done.peak_bytes for _, done in windows)
        bare_peak = self._bare_peaks.get(size) or statistics.median(self._bare_peaks.values() or [0.0])
        target, result = "-", "-"
        if size == LARGE:
            target, result = "< 16 ms", verdict(slow < 0.016)
        memory_target, memory_result = "-", "-"
        if size == LARGE:
            memory_target, memory_result = "<= +40 MB", verdict(peak - bare_peak <= 40 * MB)
        return [
            Row("keystroke median, vs a plain Python filter over folded strings", size,
                seconds_text(base_median), seconds_text(median), ratio_text(median, base_median),
                rounds=str(rounds)),
            Row("keystroke p95, vs the same filter", size, seconds_text(base_p95), seconds_text(slow),
                ratio_text(slow, base_p95), target, result, str(rounds)),
            Row("peak memory, vs the bare window", size, f"{bare_peak / MB:.0f} MB", f"{peak / MB:.0f} MB",
                f"{(peak - bare_peak) / MB:+.0f} MB", memory_target, memory_result, str(rounds)),
        ]

    def change_elsewhere(self, size: int) -> list[Row]:
        timeout = 120.0 if size >= LARGE else 60.0
        per_window = str(self.budget / 2)

        def idle() -> dict[str, Any]:
            return self.probe("idle", self.home(size), "--changes", str(CHANGES_PER_WINDOW),
                              "--budget", per_window)[0]

        def window() -> dict[str, Any]:
            return self.probe("change", self.home(size), "--expect", str(size), "--changes",
                              str(CHANGES_PER_WINDOW), "--budget", per_window, "--timeout", str(timeout))[0]

        planned = self.planned(size, min(self.rounds, CHANGE_ROUNDS))
        idles, windows, rounds = interleave(planned, self.budget, idle, window)
        base_stalls = [stall for result in idles for stall in result["stalls"]]
        stalls = [stall for result in windows for stall in result["stalls"]]
        shown = [latency for result in windows for latency in result["shown"]]
        missing = sum(1 for latency in shown if latency is None)
        if missing:
            value = f"{missing} of {len(shown)} not shown in {timeout:.0f} s"
            ok = False
        else:
            latency = statistics.median(shown)
            value, ok = seconds_text(latency), latency <= 1.0
        count = f"{rounds} ({len(shown)} change{'' if len(shown) == 1 else 's'})"
        stall = statistics.median(stalls)
        stall_text = f"{seconds_text(stall)} (worst {seconds_text(max(stalls))})"
        base_text = f"{seconds_text(statistics.median(base_stalls))} (worst {seconds_text(max(base_stalls))})"
        big = size >= LARGE
        return [
            Row("change made elsewhere, until the window lists it", size, "-", value, "-",
                "<= 1 s" if big else "-", verdict(ok) if big else "-", count),
            Row("longest GUI-thread stall meanwhile, vs a bare window's loop", size, base_text, stall_text,
                ratio_text(stall, statistics.median(base_stalls)), "<= 50 ms" if big else "-",
                verdict(stall <= 0.05) if big else "-", count),
        ]

    def lookup(self, size: int) -> list[Row]:
        home = self.home(size)
        cstdir = Path(sys.executable).parent / "cstdir"
        command = ([str(cstdir)] if cstdir.exists() else [sys.executable, "-m", "cst_directory.cli"])
        command += ["--home", str(home), "lookup", LOOKUP_QUERY]
        importing = [sys.executable, "-c", "import phonenumbers"]
        # Once each untimed: the first run of either pays for reading files the others find cached.
        printed = self.launcher.run(command, self.env).stdout.count("\n")
        self.launcher.run(importing, self.env)

        def baseline() -> float:
            return self.child(importing).seconds

        def subject() -> float:
            done = self.launcher.run(command, self.env, timeout=CHILD_TIMEOUT_S)
            # 1 is "nothing matched", still a lookup done.
            if done.returncode not in (0, 1):
                raise BenchError(f"cstdir lookup exited with {done.returncode}: {done.stderr.strip()[-800:]}")
            return done.seconds

        bases, values, rounds = interleave(self.planned(size), self.budget, baseline, subject)
        base, value = statistics.median(bases), statistics.median(values)
        self.notes.lines.append(f"cstdir lookup {LOOKUP_QUERY} at {size:,} contacts printed {printed:,} "
                                "lines.")
        target, result = "-", "-"
        if size == 10_000:
            target, result = "<= 3x", verdict(value / base <= 3)
        return [Row(f"cstdir lookup {LOOKUP_QUERY}, vs python -c \"import phonenumbers\"", size,
                    seconds_text(base), seconds_text(value), ratio_text(value, base), target, result,
                    str(rounds))]

    def batch_add(self) -> list[Row]:
        contacts = validated(drafts(BATCH, seed=11))
        method: list[str] = []

        def baseline() -> float:
            return plain_sqlite_insert(self.scratch / f"plain-{uuid.uuid4().hex}.db", contacts)

        def subject() -> float:
            folder = self.scratch / f"batch-{uuid.uuid4().hex}"
            folder.mkdir(mode=0o700)
            store = ContactStore(folder)
            try:
                start = time.perf_counter()
                method.append(store_contacts(store, contacts))
                return time.perf_counter() - start
            finally:
                store.close()
                shutil.rmtree(folder, ignore_errors=True)

        bases, values, rounds = interleave(self.rounds, self.budget, baseline, subject)
        base, value = statistics.median(bases), statistics.median(values)
        figure = f"adding {BATCH:,} contacts to an empty file in one batch ({method[0]}), vs sqlite3"
        return [Row(figure, BATCH, seconds_text(base), seconds_text(value), ratio_text(value, base),
                    rounds=str(rounds))]


    def import_export(self) -> list[Row]:
        """Importing a file of BATCH contacts into an empty store (read, preview, batch add) and exporting
        them, each format against the same rows written by the csv module alone."""
        contacts = validated(drafts(BATCH, seed=13))
        entries = [make_personal(f"p-{i:012x}", contact, False) for i, contact in enumerate(contacts)]
        rows: list[Row] = []
        for file_format in FileFormat:
            source = self.scratch / f"import-{uuid.uuid4().hex}{file_format.suffix}"
            write_export_file(source, entries, file_format=file_format)

            def baseline() -> float:
                return plain_csv_write(self.scratch / f"plain-{uuid.uuid4().hex}.csv", entries)

            def importing(source: Path = source, file_format: FileFormat = file_format) -> float:
                folder = self.scratch / f"import-{uuid.uuid4().hex}"
                folder.mkdir(mode=0o700)
                store = ContactStore(folder)
                try:
                    start = time.perf_counter()
                    read = read_import_file(source, file_format=file_format)
                    preview = preview_import(read, store.contacts())
                    store.add_many(preview.to_add)
                    elapsed = time.perf_counter() - start
                    if len(preview.to_add) != BATCH:
                        raise BenchError(f"the {file_format.value} import added {len(preview.to_add):,} of "
                                         f"{BATCH:,}")
                    return elapsed
                finally:
                    store.close()
                    shutil.rmtree(folder, ignore_errors=True)

            def exporting(file_format: FileFormat = file_format) -> float:
                target = self.scratch / f"export-{uuid.uuid4().hex}{file_format.suffix}"
                start = time.perf_counter()
                write_export_file(target, entries, file_format=file_format)
                elapsed = time.perf_counter() - start
                target.unlink()
                return elapsed

            for verb, subject in (("importing", importing), ("exporting", exporting)):
                bases, values, rounds = interleave(self.rounds, self.budget, baseline, subject)
                base, value = statistics.median(bases), statistics.median(values)
                figure = f"{verb} {BATCH:,} contacts as {file_format.value}, vs the csv module writing them"
                rows.append(Row(figure, BATCH, seconds_text(base), seconds_text(value),
                                ratio_text(value, base), f"< {IMPORT_LIMIT_S:.0f} s",
                                verdict(value < IMPORT_LIMIT_S), str(rounds)))
            source.unlink()
        return rows


def plain_csv_write(path: Path, entries: Sequence[Entry]) -> float:
    """The same names and numbers written by the csv module alone: the least a file of them costs."""
    start = time.perf_counter()
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows((e.name, e.number.display, e.notes) for e in entries)
    elapsed = time.perf_counter() - start
    path.unlink()
    return elapsed


def plain_sqlite_insert(path: Path, contacts: Sequence[ValidContact]) -> float:
    """The same rows written by sqlite3 alone in one transaction, as durably as the store writes
    (WAL, synchronous=FULL): the floor any batch add sits on."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE contacts (id TEXT PRIMARY KEY, name TEXT NOT NULL, number TEXT NOT NULL,"
                     " extension TEXT, verified INTEGER NOT NULL, region TEXT, notes TEXT NOT NULL,"
                     " created TEXT NOT NULL, updated TEXT NOT NULL)")
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        start = time.perf_counter()
        rows = [(f"p-{uuid.uuid4().hex[:12]}", c.name, c.number.e164 or c.number.dial, c.number.extension,
                 int(c.number.verified), c.region, c.notes, now, now) for c in contacts]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def describe_code(label: str | None) -> str:
    """Which code was measured: the commit of this checkout, and whether the imported package is it."""
    if label:
        return label
    package = Path(cst_directory.__file__).resolve().parent
    if package.is_relative_to(REPO_ROOT / "src"):
        source = "this checkout's src/"
    elif "site-packages" in package.parts:
        source = "the installed package"
    else:
        return f"cst_directory {cst_directory.__version__} from outside this checkout"

    def git(*args: str) -> str:
        result = subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True, text=True,
                                check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "no git commit"
    dirty = " with uncommitted changes" if git("status", "--porcelain", "--", "src", "resources") else ""
    return f"commit {commit}{dirty} ({source})"


def print_table(rows: Sequence[Row]) -> None:
    header = ("figure", "contacts", "baseline", "CST Directory", "vs baseline", "target", "result", "rounds")
    cells = [header] + [(r.figure, f"{r.size:,}" if r.size is not None else "-", r.baseline, r.value,
                         r.versus, r.target, r.result, r.rounds) for r in rows]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header))]

    def line(values: Sequence[str]) -> str:
        padded = (value.ljust(width) for value, width in zip(values, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    print(line(header))
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for values in cells[1:]:
        print(line(values))


def sizes(text: str) -> tuple[int, ...]:
    try:
        chosen = tuple(sorted({int(part) for part in text.replace(",", " ").split()}))
    except ValueError:
        raise argparse.ArgumentTypeError("give sizes as whole numbers, such as \"0,1000,10000\"") from None
    if not chosen or min(chosen) < 0:
        raise argparse.ArgumentTypeError("give at least one size, none below 0")
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=sizes, default=SIZES, metavar="N,N,...",
                        help="contact counts to measure at (default: 0,1000,10000,100000)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, metavar="N",
                        help=f"rounds per figure (default {ROUNDS}; at most {LARGE_ROUNDS} at {LARGE:,})")
    parser.add_argument("--budget", type=float, default=BUDGET_S, metavar="S",
                        help=f"start no further round of a figure after S seconds (default {BUDGET_S:.0f})")
    parser.add_argument("--cache", type=Path, default=REPO_ROOT / "build" / "bench-contacts", metavar="DIR",
                        help="where seeded contact files are kept between runs "
                             "(default build/bench-contacts)")
    parser.add_argument("--fresh", action="store_true", help="seed the contact files again")
    parser.add_argument("--label", metavar="TEXT", help="what is measured, instead of this checkout's commit")
    return parser


def main() -> int:
    args = build_parser().parse_args()
    if args.rounds < 1:
        print("--rounds must be at least 1.", file=sys.stderr)
        return 2
    began = time.monotonic()
    started = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="cst-bench-") as scratch:
        bench = Bench(args, Path(scratch))
        try:
            bench.run()
        finally:
            bench.launcher.close()

    import PySide6

    platform_name = bench.env["QT_QPA_PLATFORM"]
    minutes = (time.monotonic() - began) / 60
    print(f"CST Directory {cst_directory.__version__}, {describe_code(args.label)}; measured "
          f"{started:%Y-%m-%d %H:%M} UTC in {minutes:.1f} min on {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, Qt platform {platform_name}.")
    print()
    print_table(bench.rows)
    print()
    notes = [
        "Each figure is the median over its rounds, baseline and app run alternately in the same run; "
        f"{LARGE_ROUNDS} rounds at most at {LARGE:,} contacts, and a round count marked * is one cut short "
        f"when the figure had taken {args.budget:.0f} s.",
        "Start-up: from starting the process to the end of the event loop that first painted the window "
        "(the app through cst_directory.app.main with --exit-after-show, as cst-directory starts it); "
        "the contacts are read on another thread after that, and the second start-up figure runs until "
        "they are listed.",
        f"Keystrokes: {', '.join(repr(q) for q in QUERIES)} typed one key at a time into the window's search "
        "field, each key timed until the list has updated and repainted; the filter does `query in text` "
        "over the same number of folded strings.",
        "Peak memory: ru_maxrss of the child process; the bare window at its first paint, the app over its "
        "start-up, its full list and the typed queries.",
        f"Change made elsewhere: another process adds a contact ({CHANGES_PER_WINDOW} a window, at random "
        "moments), timed from its commit until the window lists it; the stall is the longest gap between "
        "ticks of a 5 ms timer on the GUI thread from that commit until 250 ms after the contact showed "
        "(median, worst in brackets); the baseline is a bare window's loop for 1 s after each commit.",
        f"Batch: {BATCH:,} validated contacts stored into an empty file, against sqlite3 alone writing the "
        "same rows in one transaction, WAL and synchronous=FULL as the store writes.",
        *bench.notes.lines,
    ]
    for note in notes:
        print(f"- {note}")
    for error in bench.notes.errors:
        print(f"- Not measured: {error}")
    return 1 if bench.notes.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
