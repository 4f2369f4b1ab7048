"""The PyInstaller bundle against the pip-installed app: size on disk, and start-up time launched alike.

    python benchmarks/bench_bundle.py --bundle dist/bundle/cst-directory --installed .venv/bin/cst-directory

Prints the bundle's size (and its tarball's, when there is one), the size of what pip installed for the app
(its distribution and its dependencies', not Python itself), then the median wall time of
`cst-directory --exit-after-show` for each over several launches, interleaved, and their ratio. Build the
bundle first (make package).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from launch_timing import report_medians, sample_launches

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
MIB = 2**20
# Run by the installed app's Python: the bytes and files of the cst-directory distribution and of everything
# it requires, recursively (extras left out, other markers not evaluated).
INSTALLED_SIZE = """
import re
from importlib import metadata
seen, pending, size, files = set(), ["cst-directory"], 0, 0
while pending:
    name = re.sub(r"[-_.]+", "-", pending.pop()).lower()
    if name in seen:
        continue
    seen.add(name)
    dist = metadata.distribution(name)
    for entry in dist.files or []:
        path = dist.locate_file(entry)
        if path.is_file():
            size += path.stat().st_size
            files += 1
    for requirement in dist.requires or []:
        if "extra ==" not in requirement:
            pending.append(re.match(r"[A-Za-z0-9._-]+", requirement).group())
print(size, files, " ".join(sorted(seen)))
"""


def folder_size(folder: Path) -> tuple[int, int, int]:
    """Bytes in regular files, bytes allocated on disk (what du counts) and the number of files; symbolic
    links are not followed."""
    size = allocated = files = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            stat = os.lstat(os.path.join(root, name))
            allocated += stat.st_blocks * 512
            if not os.path.islink(os.path.join(root, name)):
                size += stat.st_size
                files += 1
    return size, allocated, files


def installed_size(installed: Path) -> str:
    python = installed.parent / "python"
    if not python.exists():
        return f"(no {python} to ask)"
    result = subprocess.run([str(python), "-c", INSTALLED_SIZE], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return f"(could not measure: {result.stderr.strip().splitlines()[-1:]})"
    size, files, names = result.stdout.split(maxsplit=2)
    return f"{int(size) / MIB:7.1f} MiB in {files} files ({names.strip()}; Python itself not counted)"


def default_tarball() -> Path | None:
    tarballs = (REPO_ROOT / "dist").glob("cst-directory-*-linux-*.tar.gz")
    return max(tarballs, key=lambda path: path.stat().st_mtime, default=None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bundle", type=Path, required=True, metavar="PATH",
                        help="the bundle's folder (dist/bundle/cst-directory) or its executable")
    parser.add_argument("--installed", type=Path, required=True, metavar="PATH",
                        help="the pip-installed cst-directory script (.venv/bin/cst-directory)")
    parser.add_argument("--runs", type=int, default=RUNS, metavar="N",
                        help=f"launches of each (default {RUNS})")
    parser.add_argument("--tarball", type=Path, metavar="PATH",
                        help="the release tarball (default: the newest dist/cst-directory-*-linux-*.tar.gz)")
    return parser


def main() -> int:
    args = build_parser().parse_args()
    bundle_exe = args.bundle / "cst-directory" if args.bundle.is_dir() else args.bundle
    for program in (bundle_exe, args.installed):
        if not os.access(program, os.X_OK):
            print(f"{program} is not an executable: build the bundle (make package) and install the app "
                  "(make install) first.", file=sys.stderr)
            return 2
    if args.runs < 1:
        print("--runs must be at least 1.", file=sys.stderr)
        return 2

    size, allocated, files = folder_size(bundle_exe.parent)
    print(f"bundle     {size / MIB:7.1f} MiB in {files} files "
          f"({allocated / MIB:.1f} MiB on disk, as du counts)")
    tarball = args.tarball or default_tarball()
    if tarball is not None and tarball.is_file():
        print(f"tarball    {tarball.stat().st_size / MIB:7.1f} MiB ({tarball.name})")
    else:
        print("tarball    none found")
    print(f"installed  {installed_size(args.installed)}")

    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as bundle_home, tempfile.TemporaryDirectory() as installed_home:
        commands = {
            "bundle": [str(bundle_exe), "--home", bundle_home, "--exit-after-show"],
            "installed": [str(args.installed), "--home", installed_home, "--exit-after-show"],
        }
        samples = sample_launches(commands, env, args.runs)
    medians = report_medians(samples, 10)
    ratio = medians["bundle"] / medians["installed"]
    print(f"bundle / installed: {ratio:.2f}x  (platform {env['QT_QPA_PLATFORM']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
