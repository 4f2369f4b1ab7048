"""A number in the list is never cut: the real window's list at widths from 400 to 1,000 px, at scale 1 and
2, checked against the delegate's own row layout and against the pixels it drew.

Run as a module (``python -m tests.ui.test_row_layout WIDTH...``) it builds the window in this process and
prints what it found as JSON: the scale-2 test runs it that way, since QT_SCALE_FACTOR is read only when
the QApplication starts.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QApplication, QListView, QStyleOptionViewItem

from cst_directory.domain.entries import Entry
from cst_directory.domain.phone import parse_number
from cst_directory.ui.entry_delegate import RowFonts, RowText, lay_out_row, row_text
from cst_directory.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory

WIDTHS = (400, 500, 600, 700, 800, 900, 1000)
HEIGHT = 500
LONG_NAME = "CST Manchester & northern regions 24/7 line, as published in 2015; not confirmed since"
LONG_BADGE = "Source from 2015: check cst.org.uk"
# An international number with an extension: the widest form a listed number takes.
WIDE_NUMBER = "+353 21 234 5678 ext. 12345"
REPO_ROOT = Path(__file__).resolve().parents[2]
SUBPROCESS_TIMEOUT = 120


def crowded(entries: Sequence[Entry]) -> list[Entry]:
    """The shipped entries with every other one given a long name, several badges and the widest number."""
    wide = parse_number(WIDE_NUMBER, allow_unverified=True)
    crowded_rows = []
    for position, entry in enumerate(entries):
        if position % 2:
            crowded_rows.append(entry)
            continue
        crowded_rows.append(replace(entry, name=LONG_NAME, availability="24 hours", cost=LONG_BADGE,
                                    number=wide if position % 4 == 0 else entry.number))
    return crowded_rows


def settle(window: MainWindow) -> None:
    """Let queued re-layouts and paints run, as the event loop does between a resize and what is seen."""
    for _ in range(5):
        QApplication.processEvents()


def visible_rows(view: QListView) -> Iterator[QModelIndex]:
    model = view.model()
    area = view.viewport().rect()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if view.visualRect(index).intersects(area):
            yield index


def ink_columns(image: QImage, background: QColor) -> tuple[int, int] | None:
    """First and last pixel column of image that holds anything but background."""
    first = last = -1
    for x in range(image.width()):
        for y in range(image.height()):
            pixel = image.pixelColor(x, y)
            if (abs(pixel.red() - background.red()) + abs(pixel.green() - background.green())
                    + abs(pixel.blue() - background.blue())) > 90:
                if first < 0:
                    first = x
                last = x
                break
    return None if first < 0 else (first, last)


def background_of(image: QImage) -> QColor:
    """The commonest colour along the image's top and bottom edges: what the text is drawn on."""
    counts: dict[int, int] = {}
    for x in range(image.width()):
        for y in (0, image.height() - 1):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    return QColor.fromRgb(max(counts, key=lambda rgb: counts[rgb]))


def drawn_ink_width(text: str, font: QFont, size: tuple[int, int], ratio: float) -> int:
    """How wide text's ink is when drawn whole, in device pixels, as a reference for what the list shows."""
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    logical = QRect(0, 0, math.ceil(size[0] / ratio), math.ceil(size[1] / ratio))
    painter.drawText(logical, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    painter.end()
    columns = ink_columns(image, QColor("white"))
    return 0 if columns is None else columns[1] - columns[0] + 1


def row_problems(view: QListView) -> list[str]:
    """Everything wrong with the rows the view shows now: a number cut or out of view, uneven rows."""
    problems: list[str] = []
    viewport = view.viewport()
    area = viewport.rect()
    fonts = RowFonts.for_font(view.font())
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    hint = view.itemDelegate().sizeHint(option, view.model().index(0, 0))
    grabbed = viewport.grab().toImage()
    ratio = grabbed.devicePixelRatio()
    heights = set()
    for index in visible_rows(view):
        text: RowText = row_text(index)
        rect = view.visualRect(index)
        heights.add(rect.height())
        layout = lay_out_row(rect, fonts, text)
        where = f"row {index.row()} ({text.number}) at viewport width {area.width()}"
        number = layout.number_rect
        needed = math.ceil(QFontMetricsF(fonts.number).horizontalAdvance(text.number))
        # A row scrolled half out of view is cut at the top or bottom, as any list's is; never at the side.
        across = number.left() >= area.left() and number.right() <= area.right()
        whole_row = area.contains(rect)
        if not across or (whole_row and not area.contains(number)):
            problems.append(f"{where}: number rect {number.getRect()} is not inside the viewport")
        if number.width() < needed:
            problems.append(f"{where}: number rect is {number.width()} px wide, the number needs {needed}")
        if layout.number_font != fonts.number:
            problems.append(f"{where}: number drawn in a smaller font to fit")
        if rect.width() > area.width():
            problems.append(f"{where}: row is {rect.width()} px wide, wider than the viewport")
        for piece in (layout.name_rect, layout.region_rect, *(box for box, _ in layout.badges)):
            if not rect.contains(piece) and piece.isValid():
                problems.append(f"{where}: {piece.getRect()} spills out of the row {rect.getRect()}")
        if whole_row:
            problems.extend(ink_problems(grabbed, ratio, layout.number_rect & area, text.number,
                                         layout.number_font, where))
    if len(heights) > 1:
        problems.append(f"rows of different heights {sorted(heights)} at viewport width {area.width()}")
    if heights and hint.height() not in heights:
        problems.append(f"rows are {sorted(heights)} px high, the delegate asks for {hint.height()}")
    return problems


def ink_problems(grabbed: QImage, ratio: float, shown: QRect, number: str, font: QFont,
                 where: str) -> list[str]:
    """The number's pixels as drawn, against the same number drawn whole on its own."""
    if shown.isEmpty():
        return [f"{where}: the number is not on screen at all"]
    device = QRect(round(shown.x() * ratio), round(shown.y() * ratio), round(shown.width() * ratio),
                   round(shown.height() * ratio))
    crop = grabbed.copy(device)
    columns = ink_columns(crop, background_of(crop))
    expected = drawn_ink_width(number, font, (device.width() + 8, device.height()), ratio)
    if columns is None:
        return [f"{where}: nothing drawn where the number should be"]
    drawn = columns[1] - columns[0] + 1
    if abs(drawn - expected) > 2 * ratio:
        return [f"{where}: {drawn} device px of the number drawn, {expected} expected"]
    return []


def check_window(window: MainWindow, width: int) -> list[str]:
    """Resize window to width and check every row, scrolling down through the whole list."""
    window.resize(width, HEIGHT)
    settle(window)
    view = window.list_view
    view.scrollToTop()
    settle(window)
    problems = [f"window {width} px asked, {window.width()} given: {p}" for p in row_problems(view)]
    bar = view.verticalScrollBar()
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep())
        settle(window)
        problems.extend(f"window {width} px asked, scrolled: {p}" for p in row_problems(view))
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_every_number_is_whole_with_the_shipped_entries(window: MainWindow, width: int) -> None:
    assert check_window(window, width) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_every_number_is_whole_beside_long_names_and_badges(window: MainWindow, width: int) -> None:
    window.set_entries(crowded(window.contact_list.entries()))
    assert check_window(window, width) == []


@pytest.fixture
def double_text() -> Iterator[QFont]:
    """The application's font at twice its size, as a desktop's 200% text setting gives it."""
    normal = QApplication.font()
    big = QFont(normal)
    big.setPointSizeF(normal.pointSizeF() * 2)
    QApplication.setFont(big)
    yield big
    QApplication.setFont(normal)


@pytest.mark.parametrize("width", (400, 700, 1000))
def test_every_number_is_whole_at_double_text_size(make_window: WindowFactory, double_text: QFont,
                                                   width: int) -> None:
    window = make_window()
    assert window.list_view.font().pointSizeF() == double_text.pointSizeF()
    window.set_entries(crowded(window.contact_list.entries()))
    assert check_window(window, width) == []


def test_a_larger_font_later_widens_the_list(window: MainWindow) -> None:
    before = window.list_view.minimumWidth()
    font = QFont(window.list_view.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    window.list_view.setFont(font)
    settle(window)
    assert window.list_view.minimumWidth() > 1.5 * before
    assert check_window(window, 400) == []


def test_the_splitter_cannot_squeeze_the_numbers(window: MainWindow) -> None:
    window.resize(900, HEIGHT)
    settle(window)
    window.splitter.setSizes([0, 900])
    settle(window)
    assert row_problems(window.list_view) == []


def test_the_layout_never_lets_badges_or_names_cover_or_cut_the_number(window: MainWindow) -> None:
    fonts = RowFonts.for_font(window.list_view.font())
    text = RowText(LONG_NAME, "My contact · Manchester & northern regions", WIDE_NUMBER,
                   ("24 hours", "Freephone", LONG_BADGE, "Unverified"))
    needed = math.ceil(QFontMetricsF(fonts.number).horizontalAdvance(WIDE_NUMBER))
    seen_shapes = set()
    for width in range(fonts.minimum_row_width, 1200, 7):
        rect = QRect(0, 0, width, fonts.row_height(fonts.stacked(width)))
        layout = lay_out_row(rect, fonts, text)
        seen_shapes.add(layout.stacked)
        assert rect.contains(layout.number_rect), width
        assert layout.number_rect.width() >= needed, width
        assert layout.number_font == fonts.number, width
        others = [layout.name_rect, layout.region_rect, *(box for box, _ in layout.badges)]
        for piece in others:
            assert not piece.intersects(layout.number_rect), (width, piece.getRect())
            assert piece.width() == 0 or rect.contains(piece), (width, piece.getRect())
        assert layout.name == text.name or layout.name.endswith("…")
        shown = [badge for _, badge in layout.badges]
        # Whatever does not fit is marked, never silently dropped.
        assert shown == list(text.badges) or shown[-1].endswith("…"), (width, shown)
    assert seen_shapes == {True, False}


def test_a_number_too_wide_for_any_row_is_shrunk_not_cut(window: MainWindow) -> None:
    fonts = RowFonts.for_font(window.list_view.font())
    number = "+353 21 234 5678 ext. 1234567890123456"
    rect = QRect(0, 0, fonts.minimum_row_width, fonts.row_height(True))
    layout = lay_out_row(rect, fonts, RowText("A", "", number, ()))
    assert layout.number_font.pointSizeF() < fonts.number.pointSizeF()
    needed = math.ceil(QFontMetricsF(layout.number_font).horizontalAdvance(number))
    assert needed <= layout.number_rect.width()
    assert rect.contains(layout.number_rect)


def run_in_subprocess(widths: Sequence[int], scale: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": str(scale),
               "CST_DIRECTORY_HOME": home}
        result = subprocess.run([sys.executable, "-m", "tests.ui.test_row_layout", *map(str, widths)],
                                cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                                timeout=SUBPROCESS_TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def test_every_number_is_whole_at_scale_2() -> None:
    answer = run_in_subprocess(WIDTHS, 2)
    assert answer["ratio"] == 2
    assert answer["problems"] == []


def main(argv: Sequence[str]) -> int:
    from cst_directory.domain.search import DirectorySearch
    from cst_directory.storage.contact_book import StoredContactBook
    from cst_directory.storage.contact_store import ContactStore
    from cst_directory.storage.directory_file import load_directory
    from cst_directory.storage.resources import resources_dir

    app = QApplication([])
    directory = load_directory(resources_dir())
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        data.mkdir(mode=0o700)
        book = StoredContactBook(directory, ContactStore(data))
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(directory, DirectorySearch(directory.region_index()), book, settings)
        window.start()
        window.show()
        settle(window)
        problems: list[str] = []
        for width in map(int, argv):
            window.set_entries(book.entries())
            problems.extend(check_window(window, width))
            window.set_entries(crowded(window.contact_list.entries()))
            problems.extend(check_window(window, width))
        print(json.dumps({"ratio": app.devicePixelRatio(), "minimum_width": window.minimumSizeHint().width(),
                          "problems": problems}))
        window.close()
        book.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
