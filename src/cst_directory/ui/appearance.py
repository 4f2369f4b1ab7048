"""How the window looks: colours that stay readable in the system's palette, and the large-text,
high-contrast mode for desktops that offer none."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from cst_directory.domain.contrast import MINIMUM_TEXT_CONTRAST, contrast_ratio

LARGE_TEXT_KEY = "view/large_text_high_contrast"
# Large enough to read from arm's length on a laptop; the row layout is tested at double size.
LARGE_TEXT_SCALE = 1.6
FOCUS_COLOUR = "#1a1aa6"

# The banner keeps CST's red whatever the palette: white on it is 7.3:1.
BANNER_RED = "#b00020"
# Tried in order against the window's background; the first that reaches 4.5:1 is used. The first of each
# suits light palettes, the second dark ones; failing both, the palette's own text colour is used.
_DONE = ("#146c31", "#7ddc9b")
_CAUTION = ("#8a4b00", "#ffc266")
_FAILURE = ("#a01010", "#ff8a80")
_WARNING_BARS = (("#fff4d6", "#5a3b00"), ("#4a3800", "#ffe6a8"))


def _rgb(colour: QColor) -> tuple[int, int, int]:
    return colour.red(), colour.green(), colour.blue()


def readable_on(background: QColor, candidates: tuple[str, ...], fallback: QColor) -> str:
    """The first candidate colour readable on background, else fallback."""
    for name in candidates:
        if contrast_ratio(_rgb(QColor(name)), _rgb(background)) >= MINIMUM_TEXT_CONTRAST:
            return name
    return fallback.name()


class Tints:
    """The status colours worked out for one palette: done, caution, failure and the warning bar."""

    def __init__(self, palette: QPalette) -> None:
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        self.done = readable_on(window, _DONE, text)
        self.caution = readable_on(window, _CAUTION, text)
        self.failure = readable_on(window, _FAILURE, text)
        dark = window.lightnessF() < 0.5
        self.bar_background, self.bar_text = _WARNING_BARS[1] if dark else _WARNING_BARS[0]


def readable_selection(palette: QPalette, group: QPalette.ColorGroup = QPalette.ColorGroup.Active) -> QColor:
    """The palette's selection colour, darkened (or lightened) until its text reads at 4.5:1 on it: some
    styles' light blue selection leaves white text at 3.7:1."""
    text = palette.color(group, QPalette.ColorRole.HighlightedText)
    colour = QColor(palette.color(group, QPalette.ColorRole.Highlight))
    lighten = text.lightnessF() < 0.5
    for _ in range(20):
        if contrast_ratio(_rgb(text), _rgb(colour)) >= MINIMUM_TEXT_CONTRAST:
            return colour
        colour = colour.lighter(115) if lighten else colour.darker(115)
    # lighter() cannot lift black: the plainest readable selection is the opposite of its text.
    return QColor("white") if lighten else QColor("black")


# WCAG 2.2's focus appearance asks 3:1 of the indicator against what surrounds it.
FOCUS_CONTRAST = 3.0


def focus_colour(palette: QPalette) -> QColor:
    """The ring's colour: the readable selection colour where it stands out 3:1 from both the button and
    the window, else the button's text colour, which does by design."""
    ring = readable_selection(palette)
    around = (palette.color(QPalette.ColorRole.Button), palette.color(QPalette.ColorRole.Window))
    if all(contrast_ratio(_rgb(ring), _rgb(colour)) >= FOCUS_CONTRAST for colour in around):
        return ring
    return palette.color(QPalette.ColorRole.ButtonText)


def with_readable_selection(palette: QPalette) -> QPalette:
    """A copy of palette whose selection colours all pass readable_selection."""
    fixed = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        fixed.setColor(group, QPalette.ColorRole.Highlight, readable_selection(palette, group))
    return fixed


def window_style(palette: QPalette) -> str:
    """The main window's style sheet for this palette."""
    tints = Tints(palette)
    return f"""
#bannerRow {{ background: {BANNER_RED}; }}
#emergencyBanner {{ background: {BANNER_RED}; color: white; font-weight: bold; padding: 10px 14px; }}
#notice {{ padding: 4px 2px; }}
#notice[warning="true"] {{ color: {tints.caution}; font-weight: bold; }}
#confirmation {{ color: {tints.done}; font-weight: bold; padding: 4px 2px; }}
#confirmation[warning="true"] {{ color: {tints.caution}; }}
#warning {{ background: {tints.bar_background}; color: {tints.bar_text}; padding: 6px 14px; }}
"""


def high_contrast_palette() -> QPalette:
    """Black on white, with a dark blue selection: every text colour in it is at least 12:1."""
    palette = QPalette()
    black, white, blue = QColor("black"), QColor("white"), QColor(FOCUS_COLOUR)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase,
                 QPalette.ColorRole.Button, QPalette.ColorRole.ToolTipBase, QPalette.ColorRole.Light,
                 QPalette.ColorRole.Midlight):
        palette.setColor(role, white)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.ToolTipText, QPalette.ColorRole.Dark,
                 QPalette.ColorRole.Shadow, QPalette.ColorRole.Mid):
        palette.setColor(role, black)
    palette.setColor(QPalette.ColorRole.Highlight, blue)
    palette.setColor(QPalette.ColorRole.HighlightedText, white)
    palette.setColor(QPalette.ColorRole.Link, blue)
    # Greyed-out text and a field's hint must still be read, yet not pass for typed text: dark grey on
    # white is 7:1.
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#595959"))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#595959"))
    return palette


# Thick outlines so the focused control is found at a glance; buttons get a border of their own because a
# style sheet that styles them drops the style's focus frame.
HIGH_CONTRAST_STYLE = f"""
QPushButton, QToolButton, QComboBox {{ border: 2px solid black; border-radius: 3px; padding: 4px 10px;
    background: white; color: black; }}
QPushButton:focus, QToolButton:focus, QComboBox:focus, QLineEdit:focus, QListView:focus,
QTreeView:focus, QTextEdit:focus, QPlainTextEdit:focus, QCheckBox:focus, QRadioButton:focus {{
    border: 3px solid {FOCUS_COLOUR}; }}
QPushButton:focus {{ background: #e6e6ff; }}
QLineEdit, QListView, QTreeView, QTextEdit, QPlainTextEdit {{ border: 2px solid black; }}
"""


class Appearance(QObject):
    """Owns the large-text, high-contrast mode: whether it is on, remembered, and applied to the app."""

    changed = Signal()

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._on = False
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        self._app = app

    @property
    def large_text(self) -> bool:
        return self._on

    def restore(self) -> None:
        """Apply the mode if it was on when the app last ran."""
        saved = self._settings.value(LARGE_TEXT_KEY, False)
        # An ini file gives the string back; a hand-edited one can hold anything.
        if saved is True or (isinstance(saved, str) and saved.lower() == "true"):
            self.set_large_text(True)

    def set_large_text(self, on: bool) -> None:
        self._settings.setValue(LARGE_TEXT_KEY, on)
        if on == self._on:
            return
        self._on = on
        # The desktop's own font, whatever was set before: the mode scales from it and returns to it.
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        if on:
            size = font.pointSizeF()
            if size > 0:
                font.setPointSizeF(size * LARGE_TEXT_SCALE)
            else:
                font.setPixelSize(round(font.pixelSize() * LARGE_TEXT_SCALE))
            QGuiApplication.setPalette(high_contrast_palette())
        else:
            # A palette that sets nothing hands every colour back to the desktop, later changes included.
            QGuiApplication.setPalette(QPalette())
        QGuiApplication.setFont(font)
        if isinstance(self._app, QApplication):
            self._app.setStyleSheet(HIGH_CONTRAST_STYLE if on else "")
        self.changed.emit()
