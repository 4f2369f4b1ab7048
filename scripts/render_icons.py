#!/usr/bin/env python3
"""Renders the app icon's PNG sizes, the Windows .ico and the macOS .icns from the two SVG sources.

The scalable icon is drawn for 48 px and up; packaging/icons/small.svg, redrawn on a 16 px grid, for 32 px
and below, where the scalable one's rim and waves would blur into the navy. Qt's own SVG renderer draws
both, so the PNGs look like what the app shows when it loads the SVG itself.

    python scripts/render_icons.py           write every PNG, the .ico and the .icns (unchanged files stay)
    python scripts/render_icons.py --check   render in memory only; exit 1 if a committed file is stale

Needs no display: without QT_QPA_PLATFORM set, it runs on Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import functools
import os
import struct
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_ID = "uk.org.cstdirectory.CstDirectory"

MAIN_SVG = Path("resources/icons/hicolor/scalable/apps") / f"{APP_ID}.svg"
SMALL_SVG = Path("packaging/icons/small.svg")
ICO_FILE = Path("packaging/windows/cst-directory.ico")
ICNS_FILE = Path("packaging/macos/cst-directory.icns")

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_MAX = 32
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Apple's type codes for PNG payloads; ic10 is the 512 pt icon at 2x.
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
              ("ic10", 1024))

# Another Qt release may antialias edges a little differently; a stale icon differs by far more than this.
CHANNEL_TOLERANCE = 8
DIFFERING_SHARE = 0.005

ICO_HEADER = struct.Struct("<HHH")
ICO_ENTRY = struct.Struct("<BBBBHHII")
ICNS_HEADER = struct.Struct(">4sI")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class IconError(Exception):
    """Why the icons could not be rendered or are stale; printed as one sentence."""


@dataclass(frozen=True)
class Output:
    """One file the script produces: a PNG, or a container holding one PNG per size."""

    path: Path
    container: Literal["png", "ico", "icns"]
    # Each image's key inside the file (the ICNS type code, or the size as text) and its pixel size.
    images: tuple[tuple[str, int], ...]


def png_path(size: int) -> Path:
    return Path(f"resources/icons/hicolor/{size}x{size}/apps/{APP_ID}.png")


def source_for(size: int) -> Path:
    return SMALL_SVG if size <= SMALL_MAX else MAIN_SVG


@functools.cache
def gui_app() -> QGuiApplication:
    """The running QGuiApplication, started on the offscreen platform unless one is configured.

    Cached, which also keeps a started application referenced until the script ends.
    """
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(["render_icons"])


class Renderer:
    """Renders each size once per run, since the .ico and the .icns reuse the PNG sizes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[int, QImage] = {}

    def image(self, size: int) -> QImage:
        if size not in self._cache:
            self._cache[size] = render_svg(self.root / source_for(size), size)
        return self._cache[size]

    def png(self, size: int) -> bytes:
        return encode_png(self.image(size))


def render_svg(svg: Path, size: int) -> QImage:
    """The SVG drawn to fill a transparent size x size image, antialiased."""
    try:
        data = svg.read_bytes()
    except OSError as error:
        raise IconError(f"cannot read {svg}: {error.strerror}") from None
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        raise IconError(f"Qt cannot draw {svg}; check that it is well-formed SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
    finally:
        painter.end()
    return image


def encode_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    # Quality 0 asks Qt for the strongest zlib level: the pixels stay exact, the files get smaller.
    writer.setQuality(0)
    if not writer.write(image):
        raise IconError(f"Qt could not encode a PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def decode_png(data: bytes) -> QImage | None:
    """The image in data if it is a readable PNG; Qt would also take other formats, which no entry may be."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    image = QImage.fromData(data)
    return None if image.isNull() else image


def ico_bytes(pngs: Sequence[tuple[int, bytes]]) -> bytes:
    """An ICO container with PNG-compressed entries, which Windows reads since Vista."""
    header = ICO_HEADER.pack(0, 1, len(pngs))
    offset = ICO_HEADER.size + ICO_ENTRY.size * len(pngs)
    entries = []
    for size, png in pngs:
        # The directory has one byte per dimension, so 256 is written as 0.
        side = 0 if size == 256 else size
        entries.append(ICO_ENTRY.pack(side, side, 0, 0, 1, 32, len(png), offset))
        offset += len(png)
    return header + b"".join(entries) + b"".join(png for _, png in pngs)


def read_ico(data: bytes) -> dict[int, bytes]:
    """The entries of an ICO file by pixel size; raises IconError if the file is not a well-formed ICO."""
    if len(data) < ICO_HEADER.size:
        raise IconError("the .ico file is too short to be an icon")
    reserved, kind, count = ICO_HEADER.unpack_from(data)
    if reserved != 0 or kind != 1:
        raise IconError("the .ico file does not start with an icon header")
    entries: dict[int, bytes] = {}
    for index in range(count):
        at = ICO_HEADER.size + index * ICO_ENTRY.size
        if at + ICO_ENTRY.size > len(data):
            raise IconError("the .ico file's directory is cut short")
        width, _height, _colours, _, _planes, _bits, length, offset = ICO_ENTRY.unpack_from(data, at)
        if offset + length > len(data):
            raise IconError("an image in the .ico file runs past its end")
        entries[width or 256] = data[offset:offset + length]
    return entries


def icns_bytes(entries: Sequence[tuple[str, bytes]]) -> bytes:
    body = b"".join(ICNS_HEADER.pack(kind.encode("ascii"), ICNS_HEADER.size + len(png)) + png
                    for kind, png in entries)
    return ICNS_HEADER.pack(b"icns", ICNS_HEADER.size + len(body)) + body


def read_icns(data: bytes) -> dict[str, bytes]:
    """The entries of an ICNS file by type code; raises IconError if the file is not a well-formed ICNS."""
    if len(data) < ICNS_HEADER.size:
        raise IconError("the .icns file is too short to be an icon")
    magic, total = ICNS_HEADER.unpack_from(data)
    if magic != b"icns" or total != len(data):
        raise IconError("the .icns file's header does not match its contents")
    entries: dict[str, bytes] = {}
    at = ICNS_HEADER.size
    while at < total:
        if at + ICNS_HEADER.size > total:
            raise IconError("an entry header in the .icns file is cut short")
        kind, length = ICNS_HEADER.unpack_from(data, at)
        if length < ICNS_HEADER.size or at + length > total:
            raise IconError("an entry in the .icns file has an impossible length")
        entries[kind.decode("latin-1")] = data[at + ICNS_HEADER.size:at + length]
        at += length
    return entries


def outputs() -> Iterator[Output]:
    for size in PNG_SIZES:
        yield Output(png_path(size), "png", ((str(size), size),))
    yield Output(ICO_FILE, "ico", tuple((str(size), size) for size in ICO_SIZES))
    yield Output(ICNS_FILE, "icns", ICNS_TYPES)


def build(output: Output, renderer: Renderer) -> bytes:
    if output.container == "ico":
        return ico_bytes([(size, renderer.png(size)) for _, size in output.images])
    if output.container == "icns":
        return icns_bytes([(kind, renderer.png(size)) for kind, size in output.images])
    (_, size), = output.images
    return renderer.png(size)


def embedded_pngs(output: Output, data: bytes) -> dict[str, bytes]:
    if output.container == "ico":
        return {str(size): png for size, png in read_ico(data).items()}
    if output.container == "icns":
        return read_icns(data)
    (key, _), = output.images
    return {key: data}


def differing_pixels(expected: QImage, actual: QImage) -> int:
    """How many pixels differ by more than CHANNEL_TOLERANCE in some channel, compared premultiplied."""
    # Premultiplied, so that the colour of nearly transparent pixels, which PNG stores imprecisely, counts
    # only as much as it shows.
    form = QImage.Format.Format_ARGB32_Premultiplied
    left = expected.convertToFormat(form)
    right = actual.convertToFormat(form)
    width = left.width()
    row_bytes = width * 4
    left_bits = bytes(left.constBits())
    right_bits = bytes(right.constBits())
    stride_left = left.bytesPerLine()
    stride_right = right.bytesPerLine()
    count = 0
    for y in range(left.height()):
        a = left_bits[y * stride_left:y * stride_left + row_bytes]
        b = right_bits[y * stride_right:y * stride_right + row_bytes]
        if a == b:
            continue
        for x in range(0, row_bytes, 4):
            if any(abs(a[x + c] - b[x + c]) > CHANNEL_TOLERANCE for c in range(4)):
                count += 1
    return count


def stale_reason(output: Output, data: bytes, renderer: Renderer) -> str | None:
    """Why the committed file does not match the SVGs, or None if it does."""
    try:
        pngs = embedded_pngs(output, data)
    except IconError as error:
        return str(error)
    for key, size in output.images:
        where = str(output.path) if output.container == "png" else f"the {size} px image in {output.path}"
        if key not in pngs:
            return f"{where} is missing"
        image = decode_png(pngs[key])
        if image is None:
            return f"{where} is not a readable PNG"
        if image.width() != size or image.height() != size:
            return f"{where} is {image.width()}x{image.height()} px instead of {size}x{size}"
        if not image.hasAlphaChannel():
            return f"{where} has no alpha channel"
        differing = differing_pixels(renderer.image(size), image)
        if differing > DIFFERING_SHARE * size * size:
            return f"{where} differs from {source_for(size)} in {differing} of {size * size} pixels"
    if len(pngs) != len(output.images):
        return f"{output.path} holds more images than the {len(output.images)} expected"
    return None


def check(root: Path) -> list[str]:
    """A sentence for every committed file that is missing or out of date."""
    renderer = Renderer(root)
    problems = []
    for output in outputs():
        try:
            data = (root / output.path).read_bytes()
        except FileNotFoundError:
            problems.append(f"{output.path} is missing")
            continue
        except OSError as error:
            problems.append(f"cannot read {output.path}: {error.strerror}")
            continue
        reason = stale_reason(output, data, renderer)
        if reason is not None:
            problems.append(reason)
    return problems


def write(root: Path) -> list[Path]:
    """Writes every output whose bytes change; returns those paths."""
    renderer = Renderer(root)
    written = []
    for output in outputs():
        target = root / output.path
        data = build(output, renderer)
        # Leaving identical files untouched keeps their times, so builds that depend on them do not rerun.
        if target.is_file() and target.read_bytes() == data:
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as error:
            raise IconError(f"cannot write {output.path}: {error.strerror}") from None
        written.append(output.path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render CST Directory's icon PNGs, .ico and .icns from the two SVG sources.")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a committed file differs from what the SVGs give")
    parser.add_argument("--root", type=Path, default=REPO_ROOT,
                        help="the source tree to read the SVGs from and write into "
                             "(default: the one holding this script)")
    args = parser.parse_args(argv)
    root: Path = args.root
    gui_app()
    try:
        if args.check:
            problems = check(root)
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                print(f"render_icons: {problems[0]}{more}; run scripts/render_icons.py to update the icons.",
                      file=sys.stderr)
                return 1
            return 0
        for path in write(root):
            print(f"wrote {path}")
    except IconError as error:
        print(f"render_icons: {error}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
