"""The window measured from inside its own process, for the benchmarks; each mode prints one JSON line.

    python benchmarks/window_probe.py keystrokes --home DIR --expect N --query manchester --query ...
    python benchmarks/window_probe.py change --home DIR --expect N --changes 3
    python benchmarks/window_probe.py idle --home DIR --changes 3
    python benchmarks/window_probe.py writer --home DIR

keystrokes and change start the real app in this process through cst_directory.app.main (as the
cst-directory command does) and drive its window once it is up: nothing of the window is built here, so
the figures are the app's own however its window is put together. idle is the baseline for a stall: a
bare window's event loop while another process adds contacts. writer is that other process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QLineEdit, QListView

    from cst_directory.ui.main_window import MainWindow

RESULT_PREFIX = "PROBE "
TICK_MS = 5
# After a change has shown, the stall watch keeps looking this long: the repaint that follows is part
# of the change.
TAIL_S = 0.25
# How long the bare loop is watched after each change: the time the app is given to show one.
IDLE_WATCH_S = 1.0


def wait(ms: int) -> None:
    """Let the event loop run, timers and all, for ms milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def flush(app: QApplication) -> None:
    """Deliver what a change of the search text set off, the list's repaint included."""
    app.processEvents()
    app.sendPostedEvents()
    app.processEvents()


class GapWatch:
    """A timer ticking every 5 ms on the GUI thread: a long gap between two ticks is a stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.on_tick: Callable[[float], None] | None = None
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.ticks.append(time.monotonic())
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.monotonic()
        self.ticks.append(now)
        if self.on_tick is not None:
            self.on_tick(now)

    def longest_gap(self, start: float, end: float) -> float:
        """The longest stretch without a tick that overlaps start..end, in seconds."""
        ticks = self.ticks
        return max((b - a for a, b in itertools.pairwise(ticks) if b > start and a < end),
                   default=0.0)


class Writer:
    """Another process with the same contacts file open, adding one contact each time it is asked."""

    def __init__(self, home: Path) -> None:
        self._proc = subprocess.Popen([sys.executable, __file__, "writer", "--home", str(home)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        if self._line() != "ready":
            raise RuntimeError("the writer process did not open the contacts file")

    def add(self, name: str) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(name + "\n")
        self._proc.stdin.flush()

    def added(self) -> tuple[str, float]:
        """The id of the contact last added and the time.monotonic() just after its commit."""
        entry_id, committed = self._line().split()
        return entry_id, float(committed)

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)

    def _line(self) -> str:
        assert self._proc.stdout is not None
        return self._proc.stdout.readline().strip()


def run_writer(home: Path) -> None:
    from cst_directory.domain.contacts import ContactDraft, validate_contact
    from cst_directory.storage.contact_store import ContactStore

    store = ContactStore(home)
    print("ready", flush=True)
    for count, line in enumerate(sys.stdin):
        contact = validate_contact(ContactDraft(name=line.strip(), number=f"07400 9{count:05d}"))
        entry = store.add(contact)
        print(entry.id, repr(time.monotonic()), flush=True)
    store.close()


class AppSession:
    """The app started in this process as the cst-directory command starts it, with a driver."""

    # drive() runs once the window is up and lists at least the expected contacts; what it returns is
    # the result.

    def __init__(self, home: Path, expect: int, drive: Callable[[MainWindow], dict[str, Any]]) -> None:
        self._home = home
        self._expect = expect
        self._drive = drive
        self.result: dict[str, Any] = {}

    def run(self) -> dict[str, Any]:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from cst_directory.app import main

        # main() takes over an application that already exists rather than making its own; having one
        # first lets the driver's timer be queued before main() builds and shows the window.
        QApplication(sys.argv[:1])
        QTimer.singleShot(0, self._when_up)
        code = main(["--home", str(self._home)])
        if code != 0 and "error" not in self.result:
            self.result["error"] = f"the app exited with {code}"
        return self.result

    def _when_up(self) -> None:
        from PySide6.QtWidgets import QApplication

        from cst_directory.ui.main_window import MainWindow

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        try:
            window = next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()),
                          None)
            if window is None:
                raise RuntimeError("the app showed no window")
            view = list_of(window)
            started = time.monotonic()
            # A window may list its contacts after it first paints: the measuring waits for them.
            while view_rows(view) < self._expect:
                if time.monotonic() - started > 600:
                    raise RuntimeError(f"the window listed {view_rows(view)} of {self._expect} contacts")
                wait(10)
            wait(300)
            self.result = self._drive(window)
        except Exception as exc:
            self.result = {"error": f"{type(exc).__name__}: {exc}"}
        app.quit()


def list_of(window: MainWindow) -> QListView:
    from PySide6.QtWidgets import QListView

    view = window.findChild(QListView, "entryList")
    if view is None:
        raise RuntimeError("the window has no list named entryList")
    return view


def search_field_of(window: MainWindow) -> QLineEdit:
    from PySide6.QtWidgets import QLineEdit

    field = window.findChild(QLineEdit, "searchField")
    if field is None:
        raise RuntimeError("the window has no search field named searchField")
    return field


def view_rows(view: QListView) -> int:
    model = view.model()
    return model.rowCount() if model is not None else 0


def type_queries(window: MainWindow, queries: list[str]) -> dict[str, Any]:
    """Each query typed one character at a time into the window's search field; each key timed from
    the text changing to the list having updated and repainted."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    field, view = search_field_of(window), list_of(window)
    keys: dict[str, list[float]] = {}
    rows: dict[str, int] = {}
    deferred: list[str] = []
    for query in queries:
        field.setText("")
        flush(app)
        wait(100)
        times = keys[query] = []
        for length in range(1, len(query) + 1):
            start = time.perf_counter()
            field.setText(query[:length])
            flush(app)
            times.append(time.perf_counter() - start)
        rows[query] = view_rows(view)
        # A window that searched later than the key (a debounce, a thread) would look fast here while
        # the list still showed the previous query: that is reported rather than timed as done.
        wait(300)
        if view_rows(view) != rows[query]:
            deferred.append(query)
    return {"keys": keys, "rows": rows, "deferred": deferred}


def paced(changes: int, budget: float) -> Iterator[int]:
    """0, 1, ... changes - 1, each after a random pause, so that changes fall at every point of the
    window's own timers; none is begun once budget seconds have passed (the first always is)."""
    rng = random.Random()
    began = time.monotonic()
    for count in range(changes):
        if count and time.monotonic() - began > budget:
            return
        wait(rng.randint(200, 1200))
        yield count


def make_changes(window: MainWindow, writer: Writer, changes: int, budget: float, timeout: float
                 ) -> dict[str, Any]:
    """Contacts added by the writer one at a time, each at a random moment against the window's own
    timers; for each, the time from its commit until the window lists it, and the longest stall of the
    GUI thread meanwhile."""
    from PySide6.QtCore import QEventLoop

    view = list_of(window)
    watch = GapWatch()
    watch.start()
    shown: list[float | None] = []
    stalls: list[float] = []
    for count in paced(changes, budget):
        before = view_rows(view)
        loop = QEventLoop()
        seen: list[float] = []
        deadline = time.monotonic() + timeout

        def check(now: float, before: int = before, seen: list[float] = seen, loop: QEventLoop = loop,
                  deadline: float = deadline) -> None:
            if not seen and view_rows(view) == before + 1:
                seen.append(now)
            if (seen and now >= seen[0] + TAIL_S) or now > deadline:
                loop.quit()

        watch.on_tick = check
        writer.add(f"Benchmark Newcontact {count}")
        loop.exec()
        watch.on_tick = None
        entry_id, committed = writer.added()
        end = (seen[0] if seen else time.monotonic()) + TAIL_S
        stalls.append(watch.longest_gap(committed, end))
        listed = bool(seen) and any(entry.id == entry_id for entry in window.entries_shown())
        shown.append(seen[0] - committed if listed else None)
    watch.stop()
    return {"shown": shown, "stalls": stalls, "timeout": timeout}


def run_idle(home: Path, changes: int, budget: float) -> dict[str, Any]:
    from first_paint import bare_window
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    window = bare_window()
    window.show()
    writer = Writer(home)
    result: dict[str, Any] = {}

    def drive() -> None:
        try:
            wait(300)
            watch = GapWatch()
            watch.start()
            stalls: list[float] = []
            for count in paced(changes, budget):
                writer.add(f"Benchmark Newcontact {count}")
                wait(int(IDLE_WATCH_S * 1000))
                _entry_id, committed = writer.added()
                stalls.append(watch.longest_gap(committed, committed + IDLE_WATCH_S))
            watch.stop()
            result["stalls"] = stalls
        except Exception as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"
        app.quit()

    QTimer.singleShot(0, drive)
    app.exec()
    writer.close()
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("mode", choices=("keystrokes", "change", "idle", "writer"))
    parser.add_argument("--home", type=Path, required=True, metavar="DIR")
    parser.add_argument("--expect", type=int, default=0, metavar="N",
                        help="wait until the window lists at least N rows")
    parser.add_argument("--query", action="append", default=[], help="a query to type, key by key")
    parser.add_argument("--changes", type=int, default=3, metavar="N", help="contacts to add, one at a time")
    parser.add_argument("--budget", type=float, default=60.0, metavar="S",
                        help="add no further contact once this many seconds have passed")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="S",
                        help="give up on a contact showing after this long")
    return parser


def main() -> None:
    args = build_parser().parse_args()
    if args.mode == "writer":
        run_writer(args.home)
        return
    result: dict[str, Any]
    if args.mode == "keystrokes":
        queries = list(args.query)
        result = AppSession(args.home, args.expect, lambda window: type_queries(window, queries)).run()
    elif args.mode == "change":
        writer = Writer(args.home)
        result = AppSession(args.home, args.expect, lambda window: make_changes(
            window, writer, args.changes, args.budget, args.timeout)).run()
        writer.close()
    else:
        result = run_idle(args.home, args.changes, args.budget)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    # What the interpreter and Qt do at exit is measured by nobody and can take seconds with a large list.
    os._exit(0)


if __name__ == "__main__":
    main()
