"""How one entry is drawn in the list: name and region on the left, the number large on the right, badges."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from cst_directory.ui.entry_model import BADGES_ROLE, NUMBER_ROLE, REGION_ROLE

_Index = QModelIndex | QPersistentModelIndex
PADDING = 8
BADGE_GAP = 6
_BADGE_COLOURS = {
    "24 hours": QColor("#1b7f3b"),
    "Freephone": QColor("#1d5fa8"),
    "Free": QColor("#1d5fa8"),
    "Unverified": QColor("#b35c00"),
}
_DEFAULT_BADGE = QColor("#555555")


class EntryDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(480, metrics.height() * 3 + PADDING * 3)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        rect: QRect = option.rect.adjusted(PADDING, PADDING // 2, -PADDING, -PADDING // 2)
        base_font: QFont = option.font

        number_font = QFont(base_font)
        number_font.setPointSizeF(base_font.pointSizeF() * 1.35)
        number_font.setBold(True)
        number = str(index.data(NUMBER_ROLE) or "")
        number_width = QFontMetrics(number_font).horizontalAdvance(number) + PADDING
        painter.setFont(number_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, number)

        text_rect = rect.adjusted(0, 0, -number_width - PADDING, 0)
        line = QFontMetrics(base_font).height()
        name_font = QFont(base_font)
        name_font.setBold(True)
        painter.setFont(name_font)
        name = QFontMetrics(name_font).elidedText(str(index.data() or ""), Qt.TextElideMode.ElideRight,
                                                  text_rect.width())
        painter.drawText(text_rect.adjusted(0, 0, 0, -(text_rect.height() - line)),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, name)

        painter.setFont(base_font)
        region = str(index.data(REGION_ROLE) or "")
        region_top = text_rect.top() + line + 2
        painter.drawText(QRect(text_rect.left(), region_top, text_rect.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, region)
        self._paint_badges(painter, base_font, text_rect.left(), region_top + line + 3, index)
        painter.restore()

    def _paint_badges(self, painter: QPainter, base_font: QFont, left: int, top: int, index: _Index) -> None:
        badge_font = QFont(base_font)
        badge_font.setPointSizeF(base_font.pointSizeF() * 0.85)
        badge_font.setBold(True)
        metrics = QFontMetrics(badge_font)
        painter.setFont(badge_font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = left
        for badge in index.data(BADGES_ROLE) or []:
            width = metrics.horizontalAdvance(badge) + 10
            box = QRect(x, top, width, metrics.height() + 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_BADGE_COLOURS.get(badge, _DEFAULT_BADGE))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
            x += width + BADGE_GAP
