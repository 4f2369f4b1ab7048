"""The printable card drawn with Qt: the wallet card (85.6 x 54 mm, front and back) and the A4 poster, as PDF
bytes in memory or on a printer. Lengths are given in points and fonts in points, so the card comes out
the same size on every device whatever its resolution."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)

from cst_directory import APP_NAME
from cst_directory.domain.card import EMERGENCY_LINE, WALLET_SIDES, Card, CardFit, CardLine, fit_lines

# Points per inch: the unit every length below is written in.
POINTS = 72.0
# The PDF's own resolution: fine enough that text and rules are placed to a hundredth of a millimetre.
PDF_DPI = 1200
WALLET_MM = (85.6, 54.0)
BAND = QColor("#b00020")
NOTE = QColor("#7a4100")
RULE = QColor("#9a9a9a")
_FAMILIES = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"]
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)


class CardFormat(enum.Enum):
    """What is printed: the card for a wallet or the poster for a wall."""

    WALLET = "wallet"
    POSTER = "poster"


class CardPrintError(RuntimeError):
    """The device could not be painted on (a printer that went away, say)."""


@dataclass(frozen=True, slots=True)
class _Style:
    """Sizes, in points, of one format."""

    title: str
    margin: float
    title_pt: float
    date_pt: float
    band_number_pt: float
    band_text_pt: float
    band_name_pt: float
    name_pt: float
    number_pt: float
    note_pt: float
    gap: float
    """Between rows, and around the 999 line's text inside its band."""
    max_sides: int | None


_STYLES = {
    CardFormat.WALLET: _Style(title="CST Directory", margin=7.0, title_pt=7.5, date_pt=6.0,
                              band_number_pt=17.0, band_text_pt=8.0, band_name_pt=6.0, name_pt=6.5,
                              number_pt=8.5, note_pt=5.8, gap=2.4, max_sides=WALLET_SIDES),
    CardFormat.POSTER: _Style(title="CST Directory: numbers to keep", margin=42.0, title_pt=22.0,
                              date_pt=12.0, band_number_pt=60.0, band_text_pt=18.0, band_name_pt=14.0,
                              name_pt=16.0, number_pt=25.0, note_pt=12.0, gap=11.0, max_sides=None),
}


@dataclass(frozen=True, slots=True)
class CardPdf:
    """A card rendered as a PDF, and how its lines fitted."""

    data: bytes
    fit: CardFit


def page_size(card_format: CardFormat) -> QPageSize:
    if card_format is CardFormat.POSTER:
        return QPageSize(QPageSize.PageSizeId.A4)
    return QPageSize(QSizeF(*WALLET_MM), QPageSize.Unit.Millimeter, "Wallet card",
                     QPageSize.SizeMatchPolicy.ExactMatch)


def card_pdf(card: Card, card_format: CardFormat) -> CardPdf:
    """The card as PDF bytes, made in memory: what fits, with fit saying what did not."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _pdf_writer(buffer, card_format)
    fit = paint_card(card, card_format, writer)
    buffer.close()
    return CardPdf(bytes(data.data()), fit)


def measure_card(card: Card, card_format: CardFormat) -> CardFit:
    """Which lines would fit, measured against a PDF's page without drawing anything."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _pdf_writer(buffer, card_format)
    return _Sheet(writer, _STYLES[card_format]).fit(card)


def paint_card(card: Card, card_format: CardFormat, device: QPagedPaintDevice) -> CardFit:
    """Draw the card on a PDF writer or a printer, one page a side; the lines that do not fit are left
    off and counted in the fit returned."""
    style = _STYLES[card_format]
    device.setPageLayout(QPageLayout(page_size(card_format), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    sheet = _Sheet(device, style)
    fit = sheet.fit(card)
    painter = QPainter()
    if not painter.begin(device):
        raise CardPrintError("the page could not be drawn on")
    try:
        for number, side in enumerate(fit.sides):
            if number and not device.newPage():
                raise CardPrintError("a second page could not be started")
            sheet.paint_side(painter, card, side)
    finally:
        painter.end()
    return fit


def _pdf_writer(buffer: QBuffer, card_format: CardFormat) -> QPdfWriter:
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setCreator(APP_NAME)
    writer.setTitle(f"{APP_NAME}: {'poster' if card_format is CardFormat.POSTER else 'wallet card'}")
    writer.setPageLayout(QPageLayout(page_size(card_format), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    return writer


def _font(points: float, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(points)
    font.setBold(bold)
    font.setItalic(italic)
    # "fi" drawn as one glyph is read back by PDF readers and screen readers as the ligature character:
    # "call 999 ﬁrst" would not be found by a search for "first".
    font.setFeature(QFont.Tag("liga"), 0)
    return font


class _Sheet:
    """Measures and draws the sides of one card on one device, in its own units."""

    def __init__(self, device: QPagedPaintDevice, style: _Style) -> None:
        self._device = device
        self._style = style
        self._unit = device.logicalDpiY() / POINTS
        full = device.pageLayout().fullRectPoints()
        margin = style.margin
        self._area = QRectF(self._pt(margin), self._pt(margin), self._pt(full.width() - 2 * margin),
                            self._pt(full.height() - 2 * margin))
        self.title_font = _font(style.title_pt, bold=True)
        self.date_font = _font(style.date_pt)
        self.band_number_font = _font(style.band_number_pt, bold=True)
        self.band_text_font = _font(style.band_text_pt, bold=True)
        self.band_name_font = _font(style.band_name_pt)
        self.name_font = _font(style.name_pt)
        self.number_font = _font(style.number_pt, bold=True)
        self.note_font = _font(style.note_pt, italic=True)
        self._number_width = 0.0

    def _pt(self, points: float) -> float:
        return points * self._unit

    def _metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self._device)

    def _layout(self, font: QFont, text: str, width: float) -> QTextLayout:
        layout = QTextLayout(text, font, self._device)
        option = QTextOption(Qt.AlignmentFlag.AlignLeft)
        # Between words, and inside a word only when it is wider than the column on its own.
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        return layout

    def _height(self, font: QFont, text: str, width: float) -> float:
        if not text:
            return 0.0
        return self._layout(font, text, width).boundingRect().height()

    def _draw(self, painter: QPainter, font: QFont, text: str, at: QPointF, width: float, *,
              right: bool = False) -> float:
        """Draw text wrapped to width with its top left at at, or its lines' right ends at width from it;
        the height it took."""
        if not text:
            return 0.0
        layout = self._layout(font, text, width)
        if right:
            for number in range(layout.lineCount()):
                line = layout.lineAt(number)
                line.setPosition(QPointF(width - line.naturalTextWidth(), line.position().y()))
        layout.draw(painter, at)
        return layout.boundingRect().height()

    # Measuring.

    def fit(self, card: Card) -> CardFit:
        numbers = [line.number for line in card.lines if not line.emergency]
        widest = max((self._metrics(self.number_font).horizontalAdvance(n) for n in numbers), default=0.0)
        # A long international number wraps rather than squeezing the names to nothing.
        self._number_width = min(widest, self._area.width() * 0.5)
        heights = [self._line_height(line) for line in card.lines]
        room = self._area.height() - self._heading_height(card)
        return fit_lines(heights, room, room, self._style.max_sides)

    def _date_below(self, card: Card) -> bool:
        """Whether the printed date goes under the title, the two not fitting side by side."""
        title = self._metrics(self.title_font).horizontalAdvance(self._style.title)
        date = self._metrics(self.date_font).horizontalAdvance(card.printed)
        wanted = title + date + self._pt(self._style.gap * 2)
        return wanted > self._area.width()

    def _heading_height(self, card: Card) -> float:
        title, date = self._metrics(self.title_font).height(), self._metrics(self.date_font).height()
        lines = title + date if self._date_below(card) else max(title, date)
        return lines + self._pt(self._style.gap)

    def _line_height(self, line: CardLine) -> float:
        if line.emergency:
            return self._band_height(line) + self._pt(self._style.gap)
        return self._row_height(line)

    def _name_width(self) -> float:
        return self._area.width() - self._number_width - self._pt(self._style.gap * 2)

    def _name_drop(self) -> float:
        return max(0.0, self._metrics(self.number_font).ascent() - self._metrics(self.name_font).ascent())

    def _row_height(self, line: CardLine) -> float:
        width = self._name_width()
        text = (self._name_drop() + self._height(self.name_font, line.name, width)
                + self._height(self.note_font, line.note, width))
        number = self._height(self.number_font, line.number, self._number_width)
        return max(text, number) + self._pt(self._style.gap) * 2

    def _band_number_width(self) -> float:
        return self._metrics(self.band_number_font).horizontalAdvance("999")

    def _band_text_width(self) -> float:
        return self._area.width() - self._band_number_width() - self._pt(self._style.gap * 6)

    def _band_texts(self, line: CardLine) -> list[tuple[QFont, str]]:
        return [(self.band_text_font, EMERGENCY_LINE), (self.band_name_font, line.name),
                (self.band_name_font, line.note)]

    def _band_height(self, line: CardLine) -> float:
        width = self._band_text_width()
        text = sum(self._height(font, words, width) for font, words in self._band_texts(line))
        number = self._metrics(self.band_number_font).height()
        return max(text, number) + self._pt(self._style.gap) * 2

    # Drawing.

    def paint_side(self, painter: QPainter, card: Card, side: Sequence[int]) -> None:
        area = self._area
        painter.setPen(QColor("black"))
        painter.setFont(self.title_font)
        painter.drawText(area, _LEFT, self._style.title)
        painter.setFont(self.date_font)
        if self._date_below(card):
            below = area.adjusted(0, self._metrics(self.title_font).height(), 0, 0)
            painter.drawText(below, _LEFT, card.printed)
        else:
            painter.drawText(area, _RIGHT, card.printed)
        top = area.top() + self._heading_height(card)
        for position, index in enumerate(side):
            line = card.lines[index]
            if line.emergency:
                top += self._paint_band(painter, line, top)
                continue
            # A rule between two rows; the 999 band needs none.
            after_row = position > 0 and not card.lines[side[position - 1]].emergency
            self._paint_row(painter, line, top, rule=after_row)
            top += self._row_height(line)

    def _paint_band(self, painter: QPainter, line: CardLine, top: float) -> float:
        area, gap = self._area, self._pt(self._style.gap)
        height = self._band_height(line)
        band = QRectF(area.left(), top, area.width(), height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BAND)
        painter.drawRoundedRect(band, gap, gap)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QColor("white"))
        painter.setFont(self.band_number_font)
        number_box = QRectF(band.left() + gap * 2, band.top(), self._band_number_width(), height)
        painter.drawText(number_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         line.number)
        width = self._band_text_width()
        texts = self._band_texts(line)
        block = sum(self._height(font, words, width) for font, words in texts)
        y = band.top() + (height - block) / 2
        x = number_box.right() + gap * 2
        for font, words in texts:
            y += self._draw(painter, font, words, QPointF(x, y), width)
        return height + gap

    def _paint_row(self, painter: QPainter, line: CardLine, top: float, *, rule: bool) -> None:
        area, gap = self._area, self._pt(self._style.gap)
        if rule:
            pen = QPen(RULE)
            pen.setWidthF(self._pt(0.4))
            painter.setPen(pen)
            painter.drawLine(QPointF(area.left(), top), QPointF(area.right(), top))
        width = self._name_width()
        y = top + gap
        # The name's first line stands on the same baseline as the larger number beside it.
        lower = self._name_drop()
        painter.setPen(QColor("black"))
        name_height = self._draw(painter, self.name_font, line.name, QPointF(area.left(), y + lower), width)
        self._draw(painter, self.number_font, line.number, QPointF(area.right() - self._number_width, y),
                   self._number_width, right=True)
        painter.setPen(NOTE)
        self._draw(painter, self.note_font, line.note, QPointF(area.left(), y + lower + name_height), width)
