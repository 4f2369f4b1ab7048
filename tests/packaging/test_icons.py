"""The app icon: every PNG size, the .ico and the .icns exist, show the design legibly, and are up to date
with the SVG sources; the SVGs stay within what Qt's SVG Tiny renderer and librsvg both draw."""

from __future__ import annotations

import importlib.util
import struct
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

import cst_directory

ROOT = Path(__file__).resolve().parents[2]
SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_ENTRIES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
                ("ic10", 1024))
MAIN_SVG = ROOT / "resources/icons/hicolor/scalable/apps" / f"{cst_directory.APP_ID}.svg"
SMALL_SVG = ROOT / "packaging/icons/small.svg"
ICO = ROOT / "packaging/windows/cst-directory.ico"
ICNS = ROOT / "packaging/macos/cst-directory.icns"

OPAQUE = 250
# WCAG's ratio for small text at level AAA: the white handset must stand out from the navy at 16 px.
MIN_CONTRAST_16 = 7.0


def _load_render_script() -> ModuleType:
    path = ROOT / "scripts" / "render_icons.py"
    spec = importlib.util.spec_from_file_location("render_icons", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


render_icons = _load_render_script()


@pytest.fixture(autouse=True)
def _application(qapp: QApplication) -> None:
    """Decoding and rendering images needs a Qt application; pytest-qt's is shared by the whole session."""


def _png_path(size: int) -> Path:
    return ROOT / f"resources/icons/hicolor/{size}x{size}/apps/{cst_directory.APP_ID}.png"


def _decode(data: bytes) -> QImage:
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    image = QImage.fromData(data)
    assert not image.isNull(), "Qt cannot decode the PNG"
    return image


def _rgba(image: QImage) -> Iterator[tuple[int, int, int, int]]:
    """Pixels as unpremultiplied (red, green, blue, alpha), row by row."""
    converted = image.convertToFormat(QImage.Format.Format_RGBA8888)
    bits = bytes(converted.constBits())
    stride = converted.bytesPerLine()
    for y in range(converted.height()):
        row = bits[y * stride:y * stride + converted.width() * 4]
        for x in range(0, len(row), 4):
            yield row[x], row[x + 1], row[x + 2], row[x + 3]


def _luminance(red: int, green: int, blue: int) -> float:
    """Relative luminance as WCAG defines it, from 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _opaque_luminances(image: QImage) -> list[float]:
    return [_luminance(r, g, b) for r, g, b, a in _rgba(image) if a >= OPAQUE]


def test_script_uses_the_apps_id() -> None:
    assert render_icons.APP_ID == cst_directory.APP_ID


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_has_its_size_and_an_alpha_channel(size: int) -> None:
    image = _decode(_png_path(size).read_bytes())
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    corners = [image.pixelColor(x, y).alpha() for x in (0, size - 1) for y in (0, size - 1)]
    assert max(corners) < 32, f"the {size} px icon has an opaque background instead of a shape"


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_is_not_blank(size: int) -> None:
    pixels = list(_rgba(_decode(_png_path(size).read_bytes())))
    opaque = [(r, g, b) for r, g, b, a in pixels if a >= OPAQUE]
    share = len(opaque) / len(pixels)
    assert 0.4 <= share <= 0.9, f"{share:.0%} of the {size} px icon is opaque"
    assert len(set(opaque)) >= 2, f"the {size} px icon is a single colour"


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_keeps_light_handset_on_dark_shield(size: int) -> None:
    luminances = _opaque_luminances(_decode(_png_path(size).read_bytes()))
    light = sum(1 for value in luminances if value > 0.5) / len(luminances)
    dark = sum(1 for value in luminances if value < 0.1) / len(luminances)
    assert light >= 0.15, f"only {light:.0%} of the {size} px icon is light"
    assert dark >= 0.4, f"only {dark:.0%} of the {size} px icon is dark"


def test_16_px_icon_has_strong_contrast() -> None:
    luminances = _opaque_luminances(_decode(_png_path(16).read_bytes()))
    contrast = (max(luminances) + 0.05) / (min(luminances) + 0.05)
    assert contrast >= MIN_CONTRAST_16


def test_16_px_icon_draws_the_handset_inside_the_shield() -> None:
    image = _decode(_png_path(16).read_bytes())
    # The middle of the shield, inside its rim: the handset must be there, and so must navy around it.
    colours = [image.pixelColor(x, y) for x in range(4, 12) for y in range(3, 11)]
    inner = [_luminance(colour.red(), colour.green(), colour.blue()) for colour in colours]
    assert sum(1 for value in inner if value > 0.5) >= 12
    assert sum(1 for value in inner if value < 0.1) >= 12


def test_ico_lists_every_size_as_png() -> None:
    data = ICO.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    end = 6 + 16 * count
    for index, size in enumerate(ICO_SIZES):
        width, height, colours, zero, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index)
        # One byte per dimension: 0 stands for 256.
        assert (width or 256, height or 256) == (size, size)
        assert (colours, zero, planes, bits) == (0, 0, 1, 32)
        assert offset == end, "the images are not stored back to back in directory order"
        end = offset + length
        image = _decode(data[offset:end])
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    assert end == len(data)


def test_icns_holds_every_type_as_png() -> None:
    data = ICNS.read_bytes()
    magic, total = struct.unpack_from(">4sI", data)
    assert magic == b"icns"
    assert total == len(data)
    at = 8
    for kind, size in ICNS_ENTRIES:
        code, length = struct.unpack_from(">4sI", data, at)
        assert code.decode("ascii") == kind
        image = _decode(data[at + 8:at + length])
        assert (image.width(), image.height()) == (size, size), kind
        assert image.hasAlphaChannel()
        at += length
    assert at == len(data)


@pytest.mark.parametrize("svg", [MAIN_SVG, SMALL_SVG], ids=["scalable", "small"])
def test_svg_stays_within_what_every_renderer_draws(svg: Path) -> None:
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("version") == "1.1"
    _, _, width, height = (float(part) for part in root.get("viewBox", "").split())
    assert width == height, "the icon's canvas is not square"
    forbidden = {"text", "tspan", "textPath", "filter", "image", "foreignObject", "script", "style"}
    for element in root.iter():
        name = element.tag.removeprefix(SVG_NS)
        assert name not in forbidden, f"{svg.name} has a <{name}> element"
        assert not name.startswith("fe"), f"{svg.name} has a filter primitive <{name}>"
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            assert local != "filter", f"{svg.name} applies a filter"
            if local == "href":
                assert value.startswith("#"), f"{svg.name} refers to {value}"
            if "url(" in value:
                assert "url(#" in value, f"{svg.name} refers to {value}"


@pytest.mark.parametrize("svg", [MAIN_SVG, SMALL_SVG], ids=["scalable", "small"])
def test_qt_loads_the_svg(svg: Path) -> None:
    # A property Qt cannot draw would also show up as a Qt warning, which fails the test run.
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    assert renderer.viewBoxF().width() == renderer.viewBoxF().height()


def test_committed_icons_match_the_svgs() -> None:
    assert render_icons.check(ROOT) == []


def _copy_sources(root: Path) -> None:
    for svg in (MAIN_SVG, SMALL_SVG):
        target = root / svg.relative_to(ROOT)
        target.parent.mkdir(parents=True)
        target.write_bytes(svg.read_bytes())


def test_script_writes_every_icon_into_an_empty_tree(tmp_path: Path) -> None:
    _copy_sources(tmp_path)
    assert render_icons.main(["--root", str(tmp_path)]) == 0
    for size in PNG_SIZES:
        written = tmp_path / _png_path(size).relative_to(ROOT)
        assert written.read_bytes() == _png_path(size).read_bytes()
    assert (tmp_path / ICO.relative_to(ROOT)).read_bytes() == ICO.read_bytes()
    assert (tmp_path / ICNS.relative_to(ROOT)).read_bytes() == ICNS.read_bytes()
    assert render_icons.main(["--check", "--root", str(tmp_path)]) == 0


def test_check_reports_a_stale_png_in_one_sentence(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _copy_sources(tmp_path)
    assert render_icons.main(["--root", str(tmp_path)]) == 0
    capsys.readouterr()
    # The small design blown up: a well-formed 64 px icon, but not what the SVGs give at that size.
    stale = tmp_path / _png_path(64).relative_to(ROOT)
    assert _decode(_png_path(32).read_bytes()).scaled(64, 64).save(str(stale))

    assert render_icons.main(["--check", "--root", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.rstrip().endswith(".")
    assert "64x64" in err


def test_check_reports_a_missing_container(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _copy_sources(tmp_path)
    assert render_icons.main(["--root", str(tmp_path)]) == 0
    (tmp_path / ICNS.relative_to(ROOT)).unlink()
    capsys.readouterr()
    assert render_icons.main(["--check", "--root", str(tmp_path)]) == 1
    assert "cst-directory.icns is missing" in capsys.readouterr().err
