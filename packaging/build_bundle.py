#!/usr/bin/env python3
"""Builds the CST Directory bundle with PyInstaller and, on Linux, the release tarball.

    python packaging/build_bundle.py                        the bundle, and on Linux the tarball
    python packaging/build_bundle.py --no-tarball           the bundle only
    python packaging/build_bundle.py --print-tarball-path   where the tarball goes; builds nothing

Run it with the Python of an environment holding the app's dependencies and the PyInstaller pinned in
packaging/requirements.txt (`make package` does both). The bundle lands in dist/bundle/cst-directory/ (and on
macOS dist/bundle/CST Directory.app), PyInstaller's work files in build/pyinstaller/, and the tarball in
dist/cst-directory-<version>-linux-<machine>.tar.gz, with one top folder cst-directory-<version>/.

The tarball is reproducible given the same bundle: entries sorted, owned by root, every timestamp set to
SOURCE_DATE_EPOCH, or else to the time of the last git commit.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import io
import os
import platform
import re
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "cst-directory.spec"
REQUIREMENTS = PACKAGING / "requirements.txt"
DIST = ROOT / "dist"
BUNDLE_DIST = DIST / "bundle"
WORK = ROOT / "build" / "pyinstaller"
EXECUTABLE = "cst-directory"
APP_ID = "uk.org.cstdirectory.CstDirectory"
# Copied next to the executable, for install-desktop.sh to find.
LINUX_FILES = ("install-desktop.sh", f"{APP_ID}.desktop", f"{APP_ID}.metainfo.xml")
EXECUTABLE_MODE = 0o755
FILE_MODE = 0o644
MIB = 2**20

# What the spec leaves out, checked in the result so that a PyInstaller or PySide6 upgrade cannot quietly
# bring it back: Qt's translations, and Qt modules the app does not use (QML, Quick, PDF, WebEngine...).
UNWANTED = re.compile(
    r"(^|/)translations/.*\.qm$"
    r"|(^|/)(lib)?Qt6?(Qml|Quick|Pdf|WebEngine|Multimedia|Designer|3D|Charts|Sql|Test|VirtualKeyboard)[^/]*$"
)

README = """\
CST Directory {version} for Linux ({machine})

In an emergency, call 999 first. CST Directory does not call anyone for you.

CST Directory lists the Community Security Trust's (CST) regional offices and 24/7 emergency lines beside
the UK's national emergency and non-emergency numbers, and puts the right number on the clipboard within
seconds. It works offline: it never makes a network connection. This folder is the whole app: Python, Qt
and the rest are inside it, and nothing needs installing.

Start it
  Double-click cst-directory, or run ./cst-directory in a terminal. ./cst-directory manchester opens it
  with a search already typed; ./cst-directory --help lists the options.

Add it to your application menu
  Run ./install-desktop.sh. It adds a menu entry and icons for you alone, under ~/.local/share (no root
  needed), that start this copy: move the folder first if you want it elsewhere, then run the script.
  ./install-desktop.sh --uninstall takes them out again.

Where your data is kept
  Your own contacts (contacts.db) and settings (settings.ini) are in ~/.local/share/cst-directory
  (under $XDG_DATA_HOME if you set it), readable by you alone. Replacing or deleting this folder does not
  touch them. ./cst-directory --home DIR keeps everything in DIR instead, for example on a USB stick.

The numbers
  The built-in numbers, each with its source and date, are in _internal/resources/directory.toml. They may
  have changed since: check https://cst.org.uk for current ones.

Needs a 64-bit Linux desktop (X11 or Wayland) no older than the system the bundle was built on.
Licence: MIT (see LICENSE). Bundled: Python (PSF licence), Qt and Qt for Python (LGPLv3), phonenumbers
(Apache 2.0) and platformdirs (MIT).
"""


class BuildError(Exception):
    """Why the build stopped; printed as one sentence."""


@dataclass(frozen=True)
class Member:
    """One entry of the tarball: a file or folder on disk, or generated text (data)."""

    name: str
    source: Path | None = None
    data: bytes | None = None
    mode: int | None = None


def package_version() -> str:
    """__version__ from src/cst_directory/__init__.py, read without importing the package (nor Qt)."""
    init = ROOT / "src" / "cst_directory" / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8"), filename=str(init)).body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__version__"
                                                 for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value
    raise BuildError(f"{init} sets no __version__.")


def tarball_path(version: str) -> Path:
    return DIST / f"cst-directory-{version}-linux-{platform.machine()}.tar.gz"


def check_pyinstaller() -> None:
    """Fails if PyInstaller is missing; warns if it is not the pinned version the spec was checked with."""
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", REQUIREMENTS.read_text(encoding="utf-8"), re.MULTILINE)
    for name, pinned in pins:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise BuildError(f"{name} is not installed for {sys.executable}: run {sys.executable} -m pip "
                             f"install -r {display(REQUIREMENTS)}") from None
        if installed != pinned:
            print(f"build_bundle: warning: {name} {installed} is installed; the spec was checked with "
                  f"{pinned}.", file=sys.stderr)


def run_pyinstaller() -> None:
    command = [sys.executable, "-P", "-m", "PyInstaller", str(SPEC), "--distpath", str(BUNDLE_DIST),
               "--workpath", str(WORK), "--noconfirm", "--clean"]
    print("==> " + " ".join(command), flush=True)
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        raise BuildError("PyInstaller failed; its messages are above.")


def check_bundle(bundle: Path) -> None:
    executable = bundle / (EXECUTABLE + (".exe" if sys.platform == "win32" else ""))
    if not executable.is_file():
        raise BuildError(f"PyInstaller reported success but {executable} is missing.")
    unwanted = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*")
                      if UNWANTED.search(path.relative_to(bundle).as_posix()))
    if unwanted:
        raise BuildError(f"the bundle holds files the spec should have left out: {', '.join(unwanted[:5])}"
                         + (f" and {len(unwanted) - 5} more." if len(unwanted) > 5 else "."))


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH, else the time of the last git commit, else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value:
        if not value.isdigit():
            raise BuildError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {value!r}.")
        return int(value)
    try:
        result = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True,
                                text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        result = None
    if result is not None and result.returncode == 0 and result.stdout.strip().isdigit():
        return int(result.stdout.strip())
    print("build_bundle: no SOURCE_DATE_EPOCH and no git commit: the tarball's timestamps are now.",
          file=sys.stderr)
    return int(time.time())


def walk(folder: Path, prefix: str) -> Iterator[Member]:
    yield Member(prefix, source=folder)
    for path in folder.rglob("*"):
        yield Member(f"{prefix}/{path.relative_to(folder).as_posix()}", source=path)


def check_linux_files() -> None:
    missing = [name for name in LINUX_FILES if not (PACKAGING / "linux" / name).is_file()]
    if missing:
        raise BuildError(f"cannot make the tarball: {', '.join(missing)} missing from packaging/linux/.")


def tarball_members(bundle: Path, top: str, version: str) -> list[Member]:
    check_linux_files()
    readme = README.format(version=version, machine=platform.machine()).encode("utf-8")
    members = [
        *walk(bundle, top),
        Member(f"{top}/LICENSE", source=ROOT / "LICENSE"),
        Member(f"{top}/README.txt", data=readme, mode=FILE_MODE),
        *(Member(f"{top}/{name}", source=PACKAGING / "linux" / name,
                 mode=EXECUTABLE_MODE if name.endswith(".sh") else None) for name in LINUX_FILES),
    ]
    return sorted(members, key=lambda member: member.name)


def tar_info(tar: tarfile.TarFile, member: Member, mtime: int) -> tarfile.TarInfo:
    if member.source is not None:
        info = tar.gettarinfo(str(member.source), arcname=member.name)
    else:
        info = tarfile.TarInfo(member.name)
        info.size = len(member.data or b"")
    if member.mode is not None:
        info.mode = member.mode
    info.mtime = mtime
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def write_tarball(members: Sequence[Member], target: Path, mtime: int) -> tuple[int, int]:
    """Writes the tarball, gzip header included, the same way every time. Returns how many regular files it
    holds and their total size."""
    files = unpacked = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with (partial.open("wb") as raw,
              gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=mtime) as compressed,
              tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as tar):
            for member in members:
                info = tar_info(tar, member, mtime)
                if not info.isfile():
                    tar.addfile(info)
                    continue
                files += 1
                unpacked += info.size
                if member.source is None:
                    tar.addfile(info, io.BytesIO(member.data or b""))
                else:
                    with member.source.open("rb") as content:
                        tar.addfile(info, content)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return files, unpacked


def display(path: Path) -> str:
    """The path relative to the current folder when it is inside it, else in full."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Build the CST Directory bundle with PyInstaller and, on "
                                                 "Linux, its release tarball.")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--print-tarball-path", action="store_true",
                        help="print where the Linux tarball goes and exit")
    choice.add_argument("--no-tarball", action="store_true", help="build the bundle only")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        version = package_version()
        target = tarball_path(version)
        if args.print_tarball_path:
            print(display(target))
            return 0
        make_tarball = sys.platform.startswith("linux") and not args.no_tarball
        if make_tarball:  # before the minute PyInstaller takes, not after it
            check_linux_files()
        check_pyinstaller()
        run_pyinstaller()
        bundle = BUNDLE_DIST / EXECUTABLE
        check_bundle(bundle)
        print(f"==> Bundle: {display(bundle)}")
        if sys.platform == "darwin":
            print(f"==> App: {display(BUNDLE_DIST / 'CST Directory.app')}")
        if not make_tarball:
            return 0
        members = tarball_members(bundle, f"cst-directory-{version}", version)
        files, unpacked = write_tarball(members, target, source_date_epoch())
    except BuildError as exc:
        print(f"build_bundle: {exc}", file=sys.stderr)
        return 1
    print(f"==> Tarball: {display(target)}")
    packed = target.stat().st_size
    print(f"    unpacked {unpacked / MIB:.1f} MiB in {files} files, packed {packed / MIB:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
