"""The add/edit dialog for the user's own contacts: checks as they type, keeps what they typed on failure."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cst_directory.domain.book import DuplicateNumberError
from cst_directory.domain.contacts import ContactDraft, ContactError, validate_contact
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import StorageError
from cst_directory.domain.phone import Problem, format_as_you_type, keypad_digits
from cst_directory.ui.appearance import Tints

Saver = Callable[[ContactDraft, bool, bool], Entry]
"""Stores a draft: (draft, allow_unverified, allow_duplicate) -> the stored entry."""


def _style(tints: Tints) -> str:
    return (f'QLabel[role="reason"] {{ color: {tints.failure}; }}\n'
            f'QLabel[role="failure"] {{ color: {tints.failure}; font-weight: bold; }}\n'
            f"#duplicatePanel {{ background: {tints.bar_background}; color: {tints.bar_text}; "
            "border: 1px solid #d9b44a; border-radius: 4px; }\n")


class ContactDialog(QDialog):
    """Adds or edits one of the user's contacts, saying what is wrong with each field as it is typed."""

    saved = Signal(object)
    """Emitted with the stored Entry."""
    open_entry_requested = Signal(str)

    def __init__(self, save: Saver, regions: list[tuple[str, str]], entry: Entry | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._editing = entry
        self._duplicate: Entry | None = None
        self.setWindowTitle(self.tr("Edit contact") if entry else self.tr("Add contact"))
        self.setStyleSheet(_style(Tints(self.palette())))
        self.setMinimumWidth(460)
        self._build_fields(regions)
        self._build_feedback()
        self._lay_out()
        if entry is not None:
            self._fill(entry)
        self._connect()
        self._touched: set[str] = {"name", "number", "notes"} if entry else set()
        self._revalidate()
        self.name_field.setFocus()

    def _build_fields(self, regions: list[tuple[str, str]]) -> None:

        # Each field sits in a holder with its reason under it, so the form's labels cannot be found as
        # the fields' own labels: the fields are named here, for screen readers.
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText(self.tr("Who is it? e.g. Shul security lead"))
        self.name_field.setAccessibleName(self.tr("Name"))
        self.number_field = QLineEdit()
        self.number_field.setPlaceholderText(self.tr("e.g. 07911 123456 or +33 1 42 68 53 00"))
        self.number_field.setAccessibleName(self.tr("Number"))
        self.number_field.setAccessibleDescription(self.tr(
            "A UK number, a foreign one starting with +, or a short code such as 101; an extension as x12."))
        self.region_choice = QComboBox()
        self.region_choice.setAccessibleName(self.tr("Region"))
        self.region_choice.addItem(self.tr("No region"), None)
        for region_id, name in regions:
            self.region_choice.addItem(name, region_id)
        self.notes_field = QPlainTextEdit()
        self.notes_field.setTabChangesFocus(True)
        self.notes_field.setFixedHeight(80)
        self.notes_field.setAccessibleName(self.tr("Notes"))
        self.name_reason = _reason_label()
        self.number_reason = _reason_label()
        self.notes_reason = _reason_label()
        self.save_anyway = QCheckBox(self.tr("Save it anyway, marked as unverified"))
        self.save_anyway.hide()
        # Letters are never turned into digits unasked: the box names the digits that would be saved, and
        # ticking it saves exactly those.
        self.save_as_read = QCheckBox(self.tr("Save the digits its letters make"))
        self.save_as_read.hide()

    def _build_feedback(self) -> None:
        self.duplicate_panel = QWidget()
        self.duplicate_panel.setObjectName("duplicatePanel")
        self.duplicate_label = QLabel()
        self.duplicate_label.setTextFormat(Qt.TextFormat.PlainText)
        self.duplicate_label.setWordWrap(True)
        self.open_existing_button = QPushButton(self.tr("Open that entry"))
        self.save_duplicate_button = QPushButton(self.tr("Save anyway"))
        panel = QVBoxLayout(self.duplicate_panel)
        panel.addWidget(self.duplicate_label)
        panel_buttons = QHBoxLayout()
        panel_buttons.addWidget(self.open_existing_button)
        panel_buttons.addWidget(self.save_duplicate_button)
        panel_buttons.addStretch(1)
        panel.addLayout(panel_buttons)
        self.duplicate_panel.hide()

        self.failure_label = QLabel()
        self.failure_label.setTextFormat(Qt.TextFormat.PlainText)
        self.failure_label.setProperty("role", "failure")
        self.failure_label.setWordWrap(True)
        self.failure_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save_button is not None
        self.save_button = save_button

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("&Name"), _stacked(self.name_field, self.name_reason))
        form.addRow(self.tr("N&umber"), _stacked(self.number_field, self.number_reason, self.save_as_read,
                                                  self.save_anyway))
        form.addRow(self.tr("&Region"), self.region_choice)
        form.addRow(self.tr("N&otes"), _stacked(self.notes_field, self.notes_reason))
        # The form makes each label the buddy of the holder it was given, which takes no focus: its
        # shortcut (Alt+U) would then do nothing. It is the field's label.
        for row, field in enumerate((self.name_field, self.number_field, self.region_choice,
                                     self.notes_field)):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                label.setBuddy(field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.duplicate_panel)
        layout.addWidget(self.failure_label)
        layout.addWidget(self.buttons)

    def _fill(self, entry: Entry) -> None:
        self.name_field.setText(entry.name)
        self.number_field.setText(entry.number.display)
        self.region_choice.setCurrentIndex(max(self.region_choice.findData(entry.region), 0))
        self.notes_field.setPlainText(entry.notes)
        self.save_anyway.setChecked(not entry.number.verified)

    def _connect(self) -> None:
        self.name_field.textChanged.connect(self._revalidate)
        self.number_field.textEdited.connect(self._format_number)
        self.number_field.textChanged.connect(self._revalidate)
        self.notes_field.textChanged.connect(self._revalidate)
        self.region_choice.currentIndexChanged.connect(self._revalidate)
        self.save_anyway.toggled.connect(self._revalidate)
        self.save_as_read.toggled.connect(self._revalidate)
        # A tick was given for the digits the box showed; once the number changes they are other digits.
        self.number_field.textEdited.connect(lambda: self.save_as_read.setChecked(False))
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self.open_existing_button.clicked.connect(self._open_existing)
        self.save_duplicate_button.clicked.connect(lambda: self.try_save(allow_duplicate=True))
        self.name_field.textEdited.connect(lambda: self._touched.add("name"))
        self.number_field.textEdited.connect(lambda: self._touched.add("number"))
        self.notes_field.textChanged.connect(lambda: self._touched.add("notes"))

    def draft(self) -> ContactDraft:
        """What is to be saved: as typed, except a number with letters once the user chose its digits."""
        number = self.number_field.text()
        if self.save_as_read.isChecked():
            number = keypad_digits(number)
        return ContactDraft(name=self.name_field.text(), number=number,
                            region=self.region_choice.currentData(), notes=self.notes_field.toPlainText())

    def try_save(self, allow_duplicate: bool = False) -> bool:
        """Store the contact; on any failure the dialog stays open with everything as typed."""
        if not self.save_button.isEnabled() and not allow_duplicate:
            return False
        self.failure_label.hide()
        try:
            entry = self._save(self.draft(), self.save_anyway.isChecked(), allow_duplicate)
        except DuplicateNumberError as exc:
            self._duplicate = exc.existing
            self.duplicate_label.setText(self.tr("%s Open it, or save this contact anyway.") % exc)
            self.duplicate_panel.show()
            return False
        except StorageError as exc:
            self._fail(self.tr("Not saved: %s") % exc.message)
            return False
        except (ContactError, LookupError, ValueError) as exc:
            self._fail(self.tr("Not saved: %s") % exc)
            return False
        self.saved.emit(entry)
        self.accept()
        return True

    def _fail(self, text: str) -> None:
        self.failure_label.setText(text)
        self.failure_label.show()

    def _format_number(self, text: str) -> None:
        # Only while typing at the end: regrouping under the cursor mid-edit would move what they type.
        if self.number_field.cursorPosition() != len(text):
            return
        formatted = format_as_you_type(text)
        if formatted != text:
            self.number_field.setText(formatted)
            self.number_field.setCursorPosition(len(formatted))

    def _revalidate(self) -> None:
        self.duplicate_panel.hide()
        reasons = {"name": self.name_reason, "number": self.number_reason, "notes": self.notes_reason}
        for label in reasons.values():
            label.hide()
        unverified = letters = False
        try:
            validate_contact(self.draft(), allow_unverified=self.save_anyway.isChecked())
            valid = True
        except ContactError as exc:
            valid = False
            unverified = exc.problem is Problem.UNVERIFIED
            letters = exc.problem is Problem.LETTERS
            if letters and exc.read_as is not None:
                self.save_as_read.setText(self.tr("Save it as %s") % exc.read_as)
            reason = reasons.get(exc.field)
            if reason is not None and exc.field in self._touched:
                reason.setText(exc.message)
                reason.show()
        self.save_anyway.setVisible(unverified or self.save_anyway.isChecked())
        self.save_as_read.setVisible(letters or self.save_as_read.isChecked())
        self.save_button.setEnabled(valid)

    def _open_existing(self) -> None:
        if self._duplicate is not None:
            self.open_entry_requested.emit(self._duplicate.id)
            self.reject()


def _reason_label() -> QLabel:
    label = QLabel()
    # Reasons can quote what was typed; QLabel would otherwise render it as HTML.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setProperty("role", "reason")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _stacked(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for widget in widgets:
        layout.addWidget(widget)
    return holder
