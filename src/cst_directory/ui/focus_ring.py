"""The focus ring: a mark round the focused control that Fusion does not draw, or draws too faintly."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QStyleOptionComplex, QWidget

from cst_directory.ui.appearance import focus_colour

_RINGS_INSTALLED = "cstFocusRings"


class FocusRingStyle(QProxyStyle):
    """The desktop's style with a ring round the focused button, drop-down or text field."""

    # Fusion marks a focused button or drop-down not at all, and a text field at 2.3:1.

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element == QStyle.PrimitiveElement.PE_PanelLineEdit:
            self._ring(option, painter)

    def drawControl(self, element: QStyle.ControlElement, option: QStyleOption, painter: QPainter,
                    widget: QWidget | None = None) -> None:
        super().drawControl(element, option, painter, widget)
        if element == QStyle.ControlElement.CE_PushButton:
            self._ring(option, painter)

    def drawComplexControl(self, control: QStyle.ComplexControl, option: QStyleOptionComplex,
                           painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control == QStyle.ComplexControl.CC_ComboBox:
            self._ring(option, painter)

    @staticmethod
    def _ring(option: QStyleOption, painter: QPainter) -> None:
        # Shown once the keyboard is in use, as styles show focus frames: a click does not draw it.
        wanted = QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_KeyboardFocusChange
        if (option.state & wanted) != wanted:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(focus_colour(option.palette), 2)
        painter.setPen(pen)
        painter.setBrush(QColor(0, 0, 0, 0))
        painter.drawRoundedRect(option.rect.adjusted(1, 1, -1, -1), 3, 3)
        painter.restore()


def use_focus_rings() -> None:
    """Put the focus ring into the application's style, once."""
    app = QApplication.instance()
    # A style sheet wraps the style in one of Qt's own, so the app's mark says whether it is done.
    if isinstance(app, QApplication) and not app.property(_RINGS_INSTALLED):
        app.setStyle(FocusRingStyle(app.style().name()))
        app.setProperty(_RINGS_INSTALLED, True)
