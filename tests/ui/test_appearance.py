"""Colours measured from what is drawn: list text, the notice, the confirmation, the banner and the warning
bar reach 4.5:1 against their background in a light, a dark and a high-contrast palette and in the built-in
large-text mode, which the View menu turns on and the settings remember."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from cst_directory.domain.contrast import MINIMUM_TEXT_CONTRAST, contrast_ratio
from cst_directory.ui.appearance import LARGE_TEXT_KEY, LARGE_TEXT_SCALE, Tints, high_contrast_palette
from cst_directory.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory


def dark_palette() -> QPalette:
    """A dark palette as a desktop's dark theme gives one."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#3a3a3a",
        QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#a0a0a0",
    }
    for role, name in colours.items():
        palette.setColor(role, QColor(name))
    return palette


PALETTES = {"light": None, "dark": dark_palette, "high-contrast": high_contrast_palette}


def measured_contrast(image: QImage, rect: QRect | None = None) -> float:
    """The contrast of the drawn text against its background: the commonest colour is the background,
    the pixel furthest from it is the text's core (antialiased edges lie between the two)."""
    area = rect if rect is not None else image.rect()
    counts: Counter[tuple[int, int, int]] = Counter()
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1):
            colour = image.pixelColor(x, y)
            counts[(colour.red(), colour.green(), colour.blue())] += 1
    background = counts.most_common(1)[0][0]
    return max(contrast_ratio(pixel, background) for pixel in counts)


def grab(widget: QWidget) -> QImage:
    return widget.grab().toImage()


@pytest.fixture(params=list(PALETTES))
def palette_name(request: pytest.FixtureRequest) -> Iterator[str]:
    make = PALETTES[request.param]
    if make is not None:
        QGuiApplication.setPalette(make())
    yield request.param
    QGuiApplication.setPalette(QPalette())


def shown_with_notice_and_confirmation(window: MainWindow, qtbot: QtBot) -> None:
    # A place search: the notice says whose lines are listed first.
    window.set_query("manchester")
    qtbot.waitUntil(lambda: bool(window.entries_shown()))
    window.copy_current()
    window.add_warning("Your contacts file was damaged. It was kept aside and a new one started.")
    qtbot.waitUntil(lambda: bool(window.confirmation.text()) and window.warning.isVisible())
    QApplication.processEvents()


def text_labels(window: MainWindow) -> dict[str, QLabel]:
    labels = {"confirmation": window.confirmation, "banner": window.banner}
    if window.notice.isVisible() and window.notice.text():
        labels["notice"] = window.notice
    if window.warning.isVisible() and window.warning.text():
        labels["warning bar"] = window.warning
    return labels


def contrast_problems(window: MainWindow) -> list[str]:
    problems: list[str] = []
    for name, label in text_labels(window).items():
        ratio = measured_contrast(grab(label))
        if ratio < MINIMUM_TEXT_CONTRAST:
            problems.append(f"{name}: {ratio:.2f}:1")
    viewport = window.list_view.viewport()
    image = grab(viewport)
    ratio_scale = image.width() / max(viewport.width(), 1)
    for row in range(min(window.model.rowCount(), 4)):
        shown = window.list_view.visualRect(window.model.index(row, 0))
        if not shown.isValid() or shown.bottom() > viewport.height():
            continue
        scaled = QRect(QPoint(round(shown.left() * ratio_scale), round(shown.top() * ratio_scale)),
                       QPoint(round(shown.right() * ratio_scale), round(shown.bottom() * ratio_scale)))
        ratio = measured_contrast(image, scaled.intersected(image.rect()))
        if ratio < MINIMUM_TEXT_CONTRAST:
            problems.append(f"list row {row}: {ratio:.2f}:1")
    return problems


def test_the_measure_catches_text_too_faint_to_read(qtbot: QtBot) -> None:
    faint = QLabel("Copied 0800 032 3263")
    faint.setStyleSheet("background: white; color: #aaaaaa; font-weight: bold;")
    plain = QLabel("Copied 0800 032 3263")
    plain.setStyleSheet("background: white; color: black; font-weight: bold;")
    for label in (faint, plain):
        qtbot.addWidget(label)
        label.show()
    assert measured_contrast(grab(faint)) < MINIMUM_TEXT_CONTRAST
    assert measured_contrast(grab(plain)) > 15


def test_text_reaches_4_5_to_1_in_every_palette(make_window: WindowFactory, qtbot: QtBot,
                                                 palette_name: str) -> None:
    window = make_window()
    shown_with_notice_and_confirmation(window, qtbot)
    assert {"confirmation", "banner", "warning bar"} <= set(text_labels(window))
    assert contrast_problems(window) == [], palette_name


def test_the_confirmation_follows_a_palette_changed_while_open(make_window: WindowFactory,
                                                               qtbot: QtBot) -> None:
    window = make_window()
    light = Tints(window.palette()).done
    QGuiApplication.setPalette(dark_palette())
    try:
        qtbot.waitUntil(lambda: Tints(window.palette()).done != light)
        assert Tints(window.palette()).done in window.styleSheet()
        assert light not in window.styleSheet()
        shown_with_notice_and_confirmation(window, qtbot)
        assert contrast_problems(window) == []
    finally:
        QGuiApplication.setPalette(QPalette())


@pytest.fixture
def large_text_off_afterwards(qtbot: QtBot) -> Iterator[None]:
    font = QGuiApplication.font()
    yield
    QGuiApplication.setPalette(QPalette())
    QGuiApplication.setFont(font)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet("")


def test_large_text_mode_from_the_view_menu_is_readable_and_remembered(
        make_window: WindowFactory, qtbot: QtBot, settings_path: Path,
        large_text_off_afterwards: None) -> None:
    window = make_window()
    size = QGuiApplication.font().pointSizeF()
    view_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&View")
    assert isinstance(view_menu, QMenu)
    assert window.large_text_action in view_menu.actions()
    number_size = window.detail.number_label.font().pointSizeF()
    window.large_text_action.trigger()
    assert QGuiApplication.font().pointSizeF() == pytest.approx(size * LARGE_TEXT_SCALE)
    # The pane's own larger fonts follow the mode too, switched on while the window is open.
    assert window.detail.number_label.font().pointSizeF() == pytest.approx(number_size * LARGE_TEXT_SCALE)
    assert QGuiApplication.palette().color(QPalette.ColorRole.Base) == QColor("white")
    shown_with_notice_and_confirmation(window, qtbot)
    assert contrast_problems(window) == []
    window.close()

    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert str(settings.value(LARGE_TEXT_KEY)).lower() == "true"
    again = make_window()
    assert again.large_text_action.isChecked()
    # Restored at start, the font reaches every widget, not only those polished later.
    for widget in (again.list_view, again.banner, again.add_button, again.menuBar(), again.notice):
        assert widget.font().pointSizeF() == pytest.approx(size * LARGE_TEXT_SCALE), widget

    again.large_text_action.trigger()
    assert QGuiApplication.font().pointSizeF() == pytest.approx(size)
    reread = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert str(reread.value(LARGE_TEXT_KEY)).lower() == "false"


def test_a_damaged_setting_leaves_the_mode_off(make_window: WindowFactory, settings_path: Path) -> None:
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue(LARGE_TEXT_KEY, "purple")
    settings.sync()
    size = QGuiApplication.font().pointSizeF()
    window = make_window()
    assert not window.large_text_action.isChecked()
    assert QGuiApplication.font().pointSizeF() == size


def focus_change_contrast(widget: QWidget, qtbot: QtBot) -> float:
    """How strongly the focused control's pixels differ from its unfocused ones: the focus indicator's
    contrast against what was there before (WCAG 2.2 asks 3:1 of it)."""
    window = widget.window()
    window.activateWindow()
    widget.clearFocus()
    QApplication.processEvents()
    before = grab(widget)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    # What pressing Tab sets: styles show focus frames once the keyboard is in use, not after a click.
    window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
    QApplication.processEvents()
    after = grab(widget)
    assert before.size() == after.size()
    # The strongest change that a ring of pixels round the control makes: a stray pixel or two that
    # changed strongly would not be seen as a focus mark, so the ratio is the one a full edge reaches.
    changes: list[float] = []
    for y in range(after.height()):
        for x in range(after.width()):
            old, new = before.pixelColor(x, y), after.pixelColor(x, y)
            if old != new:
                changes.append(contrast_ratio((old.red(), old.green(), old.blue()),
                                              (new.red(), new.green(), new.blue())))
    edge = after.width() + after.height()
    changes.sort(reverse=True)
    return changes[edge - 1] if len(changes) >= edge else 1.0


def test_the_focused_control_is_marked_in_every_palette(make_window: WindowFactory, qtbot: QtBot,
                                                        palette_name: str) -> None:
    window = make_window()
    widgets = {"Which number?": window.guide_button, "Add contact": window.add_button,
               "region": window.region_choice, "Copy": window.detail.copy_button,
               "search": window.search_field}
    faint = {name: round(focus_change_contrast(widget, qtbot), 2) for name, widget in widgets.items()}
    assert {name: ratio for name, ratio in faint.items() if ratio < 3} == {}, palette_name


def test_the_focused_control_is_marked_in_the_large_text_mode(make_window: WindowFactory, qtbot: QtBot,
                                                              large_text_off_afterwards: None) -> None:
    window = make_window()
    window.large_text_action.trigger()
    for widget in (window.guide_button, window.add_button, window.detail.copy_button):
        assert focus_change_contrast(widget, qtbot) >= 3, widget
