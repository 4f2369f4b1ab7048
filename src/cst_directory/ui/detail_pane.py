"""The pane beside the list: everything about the selected entry, and the buttons to copy or call it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cst_directory.domain.entries import Entry
from cst_directory.domain.presenting import long_date
from cst_directory.ui.contact_list import ContactList
from cst_directory.ui.entry_rules import Allowed


class _TallScrollArea(QScrollArea):
    """A scroll area that scrolls only up and down: it is never narrower than what it holds needs."""

    def minimumSizeHint(self) -> QSize:
        held = self.widget()
        least = super().minimumSizeHint()
        if held is None:
            return least
        width = held.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(least.width(), width + 2 * self.frameWidth()), least.height())


class DetailPane(QFrame):
    """Shows the list's selected entry in full, with its copy, call, favourite, edit and delete buttons."""

    copy_requested = Signal(str)
    call_requested = Signal(object)
    """With the entry whose number is to be called."""
    edit_requested = Signal()

    def __init__(self, region_names: dict[str | None, str], checked: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._contacts: ContactList | None = None
        self._checked = checked
        self.setObjectName("detailPane")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._region_names = region_names
        self._entry: Entry | None = None

        self.name_label = QLabel()
        self.name_label.setWordWrap(True)
        self.number_label = QLabel()
        self._size_headings()
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.international_label = QLabel()
        self.region_label = QLabel()
        self.badges_label = QLabel()
        self.notes_label = QLabel()
        self.source_label = QLabel()
        # Every line but the number wraps, so that a long badge or region widens nothing: the pane keeps
        # the width the list leaves it, and scrolls when the window is too short for all of it.
        for label in (self.international_label, self.region_label, self.badges_label, self.notes_label,
                      self.source_label):
            label.setWordWrap(True)
        self.source_label.setObjectName("sourceLabel")
        for label in (self.international_label, self.region_label, self.notes_label, self.source_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # QLabel's default AutoText renders anything that looks like HTML: a contact named
        # "<font size=7>999</font>" would show a large 999 that is not its number.
        for label in self.text_labels():
            label.setTextFormat(Qt.TextFormat.PlainText)

        buttons, own_buttons = self._build_buttons()
        self._lay_out(buttons, own_buttons)
        self.show_entry(None)

    def _size_headings(self) -> None:
        # Set fonts do not follow the application's font: they are worked out again from the pane's own.
        base = self.font()
        for label, scale in ((self.name_label, 1.2), (self.number_label, 2.0)):
            font = QFont(base)
            font.setPointSizeF(base.pointSizeF() * scale)
            font.setBold(True)
            label.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._size_headings()

    def follow(self, contacts: ContactList) -> None:
        """Show the list's selected entry as the list allows, and act on it from the buttons."""
        self._contacts = contacts
        contacts.current_changed.connect(self._show_current)
        self.favourite_button.clicked.connect(contacts.toggle_favourite)
        self.delete_button.clicked.connect(contacts.remove_current)
        self.show_entry(contacts.current, contacts.allowed)

    def _build_buttons(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_international_button = QPushButton(self.tr("Copy &international"))
        self.call_button = QPushButton(self.tr("Ca&ll…"))
        self.call_button.setToolTip(self.tr("Hands the number to your phone app, if this computer has one"))
        self.copy_button.clicked.connect(self._copy)
        self.copy_international_button.clicked.connect(self._copy_international)
        self.call_button.clicked.connect(self._call)
        buttons = QHBoxLayout()
        for button in (self.copy_button, self.copy_international_button, self.call_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.favourite_button = QPushButton(self.tr("☆ Favourite"))
        self.favourite_button.setToolTip(self.tr("Favourites are listed right after 999 (Ctrl+B)"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.edit_button.clicked.connect(self.edit_requested)
        own_buttons = QHBoxLayout()
        for button in (self.favourite_button, self.edit_button, self.delete_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            own_buttons.addWidget(button)
        own_buttons.addStretch(1)

        return buttons, own_buttons

    def _lay_out(self, buttons: QHBoxLayout, own_buttons: QHBoxLayout) -> None:
        # In a scroll area, a window too short for everything shows the top (name and number) whole and
        # scrolls to the rest, where a plain layout would squeeze the labels over each other.
        content = QWidget()
        self.scroll_area = _TallScrollArea()
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)
        # It takes focus so that the keyboard can scroll it: a screen reader then says what it holds.
        self.scroll_area.setAccessibleName(self.tr("Details of the selected entry"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        layout = QVBoxLayout(content)
        for widget in (self.name_label, self.number_label, self.international_label, self.region_label,
                       self.badges_label):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addLayout(own_buttons)
        layout.addSpacing(8)
        layout.addWidget(self.notes_label)
        layout.addSpacing(8)
        layout.addWidget(self.source_label)
        layout.addStretch(1)

    def text_labels(self) -> tuple[QLabel, ...]:
        """Every label that shows something about the entry, all of them plain text."""
        return (self.name_label, self.number_label, self.international_label, self.region_label,
                self.badges_label, self.notes_label, self.source_label)

    @property
    def entry(self) -> Entry | None:
        return self._entry

    def show_entry(self, entry: Entry | None, allowed: Allowed | None = None) -> None:
        """Show entry, its buttons as allowed (by default as the rules allow for it)."""
        self._entry = entry
        allowed = allowed or Allowed.for_entry(entry)
        self.copy_button.setEnabled(allowed.copy)
        self.call_button.setEnabled(allowed.call)
        self.favourite_button.setEnabled(allowed.favourite)
        self.copy_international_button.setEnabled(allowed.copy_international)
        self.edit_button.setVisible(allowed.edit)
        self.delete_button.setVisible(allowed.remove)
        self.favourite_button.setText(self.tr("★ Unfavourite") if allowed.is_favourite
                                      else self.tr("☆ Favourite"))
        if entry is None:
            for label in self.text_labels():
                label.clear()
            self.scroll_area.updateGeometry()
            return
        number = entry.number
        self.name_label.setText(entry.name)
        self.number_label.setText(number.display)
        if number.international:
            self.international_label.setText(self.tr("International: %s") % number.international)
        else:
            self.international_label.setText(self.tr("Short code: dial %s from any UK phone") % number.dial)
        if entry.region is None and not entry.builtin:
            # "National" describes the UK-wide built-in lines; a contact of the user's simply has no region.
            self.region_label.setText(self.tr("Region: none chosen"))
        else:
            self.region_label.setText(self.tr("Region: %s") % self._region_names.get(entry.region, ""))
        badges = " · ".join(entry.badges)
        if not number.verified:
            badges = self.tr("%s: this number is not known to be in use; check it before relying on it.") \
                % badges
        self.badges_label.setText(badges)
        self.notes_label.setText(entry.notes)
        if entry.source:
            # National numbers have no publication date of their own: their date is when they were checked.
            template = self.tr("Source: %s. Checked %s.") if entry.as_of == self._checked \
                else self.tr("Source: %s. Published %s.")
            self.source_label.setText(template % (entry.source, long_date(entry.as_of or "")))
        else:
            self.source_label.setText(self.tr("Your own contact"))
        # The scroll area is not in the labels' layout: tell the window its least width may have changed.
        self.scroll_area.updateGeometry()

    def _show_current(self, entry: Entry | None) -> None:
        self.show_entry(entry, self._contacts.allowed if self._contacts else None)

    def _copy(self) -> None:
        if self._entry is not None:
            self.copy_requested.emit(self._entry.number.display)

    def _copy_international(self) -> None:
        if self._entry is not None and self._entry.number.international:
            self.copy_requested.emit(self._entry.number.international)

    def _call(self) -> None:
        if self._entry is not None:
            self.call_requested.emit(self._entry)
