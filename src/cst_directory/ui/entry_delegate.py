"""How one entry is drawn in the list, and how wide the list must be so that its number is always whole.

A row is laid out by a pure function of its rectangle, its fonts and its texts (lay_out_row), so that tests
check the very rectangles paint() draws in. Wide rows put the name, the region and the badges on the left
and the number on the right; narrower rows stack the number on its own line under the name. Either way the
number gets its full width first and everything else is elided into what is left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from cst_directory.ui.entry_model import BADGES_ROLE, NUMBER_ROLE, REGION_ROLE

_Index = QModelIndex | QPersistentModelIndex
PADDING = 8
BADGE_GAP = 6
BADGE_PADDING = 5
LINE_GAP = 2
ELLIPSIS = "…"
# The widest form a listed number realistically takes: an international number with an extension. The list
# is never narrower than this needs; a wider number still shows whole, in a smaller font.
WIDEST_NUMBER = "+353 21 234 5678 ext. 12345"
# Beside the number a name column narrower than this many average characters tells rows apart too poorly:
# below it the number moves to a line of its own.
MIN_NAME_CHARS = 16
_NUMBER_SCALE = 1.35
_BADGE_SCALE = 0.85
_TEXT_FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
_BADGE_COLOURS = {
    "24 hours": QColor("#1b7f3b"),
    "Freephone": QColor("#1d5fa8"),
    "Free": QColor("#1d5fa8"),
    "Unverified": QColor("#b35c00"),
}
_DEFAULT_BADGE = QColor("#555555")


def _scaled(base: QFont, factor: float, *, bold: bool) -> QFont:
    font = QFont(base)
    # A font set in pixels reports no point size: scale whichever unit it was given in.
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    elif base.pixelSize() > 0:
        font.setPixelSize(max(1, round(base.pixelSize() * factor)))
    font.setBold(bold)
    return font


def text_width(font: QFont, text: str) -> int:
    """Whole pixels text needs in font: rounding the advance down would clip its last glyph."""
    return math.ceil(QFontMetricsF(font).horizontalAdvance(text))


class RowText(NamedTuple):
    """What one row shows, read from the model once per paint."""

    name: str
    region: str
    number: str
    badges: tuple[str, ...]


def row_text(index: _Index) -> RowText:
    return RowText(str(index.data() or ""), str(index.data(REGION_ROLE) or ""),
                   str(index.data(NUMBER_ROLE) or ""), tuple(index.data(BADGES_ROLE) or ()))


@dataclass(frozen=True)
class RowFonts:
    """The fonts a row is drawn in, derived from the list's font, with the measures the layout needs."""

    name: QFont
    text: QFont
    number: QFont
    badge: QFont
    name_height: int
    text_height: int
    number_height: int
    badge_height: int
    widest_number: int
    min_name_width: int

    @classmethod
    def for_font(cls, base: QFont) -> RowFonts:
        name = _scaled(base, 1.0, bold=True)
        number = _scaled(base, _NUMBER_SCALE, bold=True)
        badge = _scaled(base, _BADGE_SCALE, bold=True)
        return cls(name=name, text=QFont(base), number=number, badge=badge,
                   name_height=QFontMetrics(name).height(), text_height=QFontMetrics(base).height(),
                   number_height=QFontMetrics(number).height(),
                   badge_height=QFontMetrics(badge).height() + 2,
                   widest_number=text_width(number, WIDEST_NUMBER),
                   min_name_width=QFontMetrics(name).averageCharWidth() * MIN_NAME_CHARS)

    @property
    def minimum_row_width(self) -> int:
        """The narrowest row in which the widest number fits on its own line."""
        return self.widest_number + 2 * PADDING

    def stacked(self, row_width: int) -> bool:
        """Whether rows this wide put the number on a line of its own: the same for every row, so that
        rows keep one height (the list relies on uniform item sizes)."""
        beside = self.widest_number + 2 * PADDING + self.min_name_width
        return row_width - 2 * PADDING < beside

    def row_height(self, stacked: bool) -> int:
        lines = self.name_height + LINE_GAP + self.text_height + LINE_GAP + 1 + self.badge_height
        if stacked:
            lines += self.number_height + LINE_GAP
        else:
            lines = max(lines, self.number_height)
        return lines + 2 * PADDING


@dataclass(frozen=True)
class RowLayout:
    """Where each part of a row goes, and the texts as they fit there (elided where they had to be)."""

    stacked: bool
    name_rect: QRect
    name: str
    region_rect: QRect
    region: str
    number_rect: QRect
    number_font: QFont
    badges: tuple[tuple[QRect, str], ...]


def lay_out_row(rect: QRect, fonts: RowFonts, text: RowText) -> RowLayout:
    """Lay one row out in rect: the number whole first, then the name, region and badges in what is left."""
    content = rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
    stacked = fonts.stacked(rect.width())
    number_font = _fitting_number_font(fonts, text.number, content.width())
    number_width = min(text_width(number_font, text.number), content.width())
    number_height = QFontMetrics(number_font).height()
    top = content.top()
    if stacked:
        text_left, column = content.left(), content.width()
        name_rect = QRect(text_left, top, column, fonts.name_height)
        number_rect = QRect(text_left, name_rect.bottom() + 1 + LINE_GAP, number_width, number_height)
        region_top = number_rect.bottom() + 1 + LINE_GAP
    else:
        text_left = content.left()
        column = max(0, content.width() - number_width - 2 * PADDING)
        number_top = content.top() + (content.height() - number_height) // 2
        number_rect = QRect(content.right() + 1 - number_width, number_top, number_width, number_height)
        name_rect = QRect(text_left, top, column, fonts.name_height)
        region_top = name_rect.bottom() + 1 + LINE_GAP
    region_rect = QRect(text_left, region_top, column, fonts.text_height)
    name = QFontMetrics(fonts.name).elidedText(text.name, Qt.TextElideMode.ElideRight, name_rect.width())
    region = QFontMetrics(fonts.text).elidedText(text.region, Qt.TextElideMode.ElideRight,
                                                 region_rect.width())
    badges = _lay_out_badges(fonts, text.badges, text_left, region_rect.bottom() + 1 + LINE_GAP + 1,
                             column)
    return RowLayout(stacked, name_rect, name, region_rect, region, number_rect, number_font, badges)


def _fitting_number_font(fonts: RowFonts, number: str, width: int) -> QFont:
    """The number font, made smaller only if the number would otherwise not fit whole in width."""
    needed = text_width(fonts.number, number)
    if needed <= width or width <= 0:
        return fonts.number
    font = fonts.number
    factor = width / needed
    # Glyph sizes do not scale exactly with the font size: shrink until it fits, a step or two at most.
    for _ in range(8):
        font = _scaled(fonts.number, factor, bold=True)
        if text_width(font, number) <= width:
            break
        factor *= 0.95
    return font


def _lay_out_badges(fonts: RowFonts, badges: tuple[str, ...], left: int, top: int,
                    width: int) -> tuple[tuple[QRect, str], ...]:
    """Badges in one line within width; those that do not fit give way to an ellipsis, never overflow."""
    metrics = QFontMetrics(fonts.badge)
    right = left + width
    more_width = metrics.horizontalAdvance(ELLIPSIS) + 2 * BADGE_PADDING
    placed: list[tuple[QRect, str]] = []
    x = left
    for position, badge in enumerate(badges):
        whole = text_width(fonts.badge, badge) + 2 * BADGE_PADDING
        last = position == len(badges) - 1
        if x + whole + (0 if last else BADGE_GAP + more_width) <= right:
            placed.append((QRect(x, top, whole, fonts.badge_height), badge))
            x += whole + BADGE_GAP
            continue
        # Elide this one into the room left; its ellipsis also says that any later badges are hidden.
        room = min(right - x, whole - 1) - 2 * BADGE_PADDING
        shown = metrics.elidedText(badge, Qt.TextElideMode.ElideRight, room)
        if not shown or shown == ELLIPSIS or not shown.endswith(ELLIPSIS):
            shown = ELLIPSIS
        box_width = text_width(fonts.badge, shown) + 2 * BADGE_PADDING
        if x + box_width <= right:
            placed.append((QRect(x, top, box_width, fonts.badge_height), shown))
        break
    return tuple(placed)


class _ViewWatcher(QObject):
    """Keeps a list at least as wide as its widest number, and re-lays it out when rows change shape."""

    def __init__(self, delegate: EntryDelegate, view: QAbstractItemView) -> None:
        super().__init__(delegate)
        self._delegate = delegate
        self._view = view
        # Held, not asked for again: events still arrive while the view is being destroyed, when calling
        # into it would crash.
        self._viewport = view.viewport()
        view.installEventFilter(self)
        self._viewport.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        view = self._view
        fonts = self._delegate.fonts_for(view.font())
        # Room for the vertical scroll bar as well: it appears whenever the rows outgrow the view.
        scroll_bar = view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(fonts.minimum_row_width + scroll_bar + 2 * view.frameWidth())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize and watched is self._viewport:
            self._delegate.width_changed(self._viewport.width(), self._view.font())
        elif kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and watched is self._view:
            self.fit()
            self._delegate.relayout()
        return False


class EntryDelegate(QStyledItemDelegate):
    """Draws an entry with its number always whole; given its list as parent, keeps the list wide enough."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fonts: dict[str, RowFonts] = {}
        # The row shape the view last asked about: a width that changes it must re-lay out every row.
        self._stacked: bool | None = None
        self._watcher = _ViewWatcher(self, parent) if isinstance(parent, QAbstractItemView) else None

    def fonts_for(self, font: QFont) -> RowFonts:
        key = font.key()
        fonts = self._fonts.get(key)
        if fonts is None:
            fonts = self._fonts[key] = RowFonts.for_font(font)
        return fonts

    def width_changed(self, width: int, font: QFont) -> None:
        if self._stacked is not None and self.fonts_for(font).stacked(width) != self._stacked:
            self.relayout()

    def relayout(self) -> None:
        # The view answers by laying out again and, with uniform item sizes, asking one row its height.
        self.sizeHintChanged.emit(QModelIndex())

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fonts = self.fonts_for(option.font)
        widget = option.widget
        width = widget.viewport().width() if isinstance(widget, QAbstractItemView) else option.rect.width()
        if width <= 0:
            width = fonts.minimum_row_width
        self._stacked = fonts.stacked(width)
        # Never ask for more width than the view has: a wider row would scroll its number out of sight.
        return QSize(min(width, fonts.minimum_row_width), fonts.row_height(self._stacked))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        painter.setClipRect(option.rect, Qt.ClipOperation.IntersectClip)
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        fonts = self.fonts_for(option.font)
        text = row_text(index)
        layout = lay_out_row(option.rect, fonts, text)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        painter.setFont(layout.number_font)
        painter.drawText(layout.number_rect, _TEXT_FLAGS, text.number)
        painter.setFont(fonts.name)
        painter.drawText(layout.name_rect, _TEXT_FLAGS, layout.name)
        painter.setFont(fonts.text)
        painter.drawText(layout.region_rect, _TEXT_FLAGS, layout.region)
        self._paint_badges(painter, fonts, layout)
        painter.restore()

    def _paint_badges(self, painter: QPainter, fonts: RowFonts, layout: RowLayout) -> None:
        painter.setFont(fonts.badge)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for box, badge in layout.badges:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_BADGE_COLOURS.get(badge, _DEFAULT_BADGE))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
