"""Launch timing shared by the benchmarks: commands timed alike, interleaved, and reported as medians; a
child's own peak memory and the moment it reports."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def sample_launches(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """Wall times of each command, run in turn, so that machine noise falls on all of them alike."""
    for command in commands.values():  # warm the file cache so the first sample is not an outlier
        timed(command, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(timed(command, env))
    return samples


def report_medians(samples: dict[str, list[float]], width: int) -> dict[str, float]:
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, median in medians.items():
        values = samples[name]
        print(f"{name:<{width}} median {median * 1000:7.1f} ms over {len(values)} launches "
              f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})")
    return medians


@dataclass(frozen=True, slots=True)
class Finished:
    """A child process that ran to its end: what it printed, how long it took, and its peak memory."""

    stdout: str
    stderr: str
    returncode: int
    seconds: float
    """From just before it was started to its exit."""
    started: float
    """time.monotonic() just before it was started, to compare with times the child itself reports."""
    peak_bytes: int
    """Its largest resident set (ru_maxrss), the child alone."""

    def marked(self) -> float:
        """Seconds from the start to the time.monotonic() the child printed last on a line of its own:
        the moment it chose to report (its first paint), not its exit."""
        for line in reversed(self.stdout.splitlines()):
            with contextlib.suppress(ValueError):
                return float(line) - self.started
        raise ValueError(f"the child reported no time; it said: {self.stderr.strip()[-500:]}")


def run_child(command: list[str], env: dict[str, str], *, timeout: float = 600.0) -> Finished:
    """Run a command to its end and measure it. Waited for with wait4, so that its own rusage is known
    rather than the largest of every child so far; its output goes through files, so a chatty child
    never blocks on a full pipe. Its peak memory is only its own if this process is small: see
    Launcher."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in kibibytes on Linux and in bytes on macOS.
        scale = 1 if sys.platform == "darwin" else 1024
        return Finished(out.read(), err.read(), proc.returncode, seconds, started, usage.ru_maxrss * scale)


class Launcher:
    """A small process of its own that starts the measured children and reports on them."""

    # Linux counts in a process's ru_maxrss whatever was resident in the process it was forked from when
    # it started its program, so a child started by a benchmark holding 100,000 contacts would report the
    # benchmark's memory as its own. Started from this small process, a child's peak is its own.

    def __init__(self) -> None:
        self._proc = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, bufsize=1)

    def run(self, command: list[str], env: dict[str, str], *, timeout: float = 600.0) -> Finished:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps({"command": command, "env": env, "timeout": timeout}) + "\n")
        self._proc.stdin.flush()
        answer = self._proc.stdout.readline()
        if not answer:
            raise OSError("the launcher process ended")
        return Finished(**json.loads(answer))

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)


def _serve() -> None:
    for line in sys.stdin:
        asked = json.loads(line)
        done = run_child(asked["command"], asked["env"], timeout=asked["timeout"])
        print(json.dumps(dataclasses.asdict(done)), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    _serve()
