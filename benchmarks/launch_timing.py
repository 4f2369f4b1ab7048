"""Launch timing shared by the benchmarks: commands timed alike, interleaved, and reported as medians."""

from __future__ import annotations

import statistics
import subprocess
import time


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
