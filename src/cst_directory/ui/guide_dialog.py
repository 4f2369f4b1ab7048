"""The "Which number do I call?" dialog: the guidance as one keyboard list, each number copied with Enter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, Qt, QUrl
from PySide6.QtGui import QBrush, QDesktopServices, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.guidance import (
    REPORT_ADDRESS,
    REPORT_TEMPLATE,
    Step,
    StepKind,
    guidance,
    no_mail_sentence,
    report_mailto,
)
from cst_directory.ui.appearance import Tints

CopyText = Callable[[str], None]
UrlOpener = Callable[[QUrl], bool]

_STEP_ROLE = Qt.ItemDataRole.UserRole


def _style(tints: Tints) -> str:
    return (f"#guideConfirmation {{ color: {tints.done}; font-weight: bold; padding: 4px 2px; }}\n"
            f'#guideConfirmation[warning="true"] {{ color: {tints.caution}; }}\n')


_COPIED = (StepKind.CALL, StepKind.DIAL, StepKind.WEB)


class GuideDialog(QDialog):
    """Shows which number to call in each situation; Enter copies a number or starts a report email."""

    def __init__(self, directory: BuiltinDirectory, *, copy: CopyText,
                 open_url: UrlOpener = QDesktopServices.openUrl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Which number do I call?"))
        self.setStyleSheet(_style(Tints(self.palette())))
        self._copy = copy
        self._open_url = open_url

        intro = QLabel(self.tr("In an emergency, call 999 first. Choose a number and press Enter to copy "
                               "it; press Enter on the email address to write a report to CST."))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)

        self.steps = QListWidget()
        self.steps.setObjectName("guideList")
        self.steps.setAccessibleName(self.tr("Which number do I call?"))
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.setWordWrap(True)
        self._fill(directory)

        self.confirmation = QLabel()
        self.confirmation.setObjectName("guideConfirmation")
        self.confirmation.setTextFormat(Qt.TextFormat.PlainText)
        self.confirmation.setWordWrap(True)
        self.confirmation.setAccessibleName(self.tr("What was done"))

        self.report_button = QPushButton(self.tr("Write a &report to CST…"))
        self.report_button.setAccessibleName(self.tr("Write a report to CST"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.report_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        for button in (close, self.report_button):
            # The list's Enter must copy, not fall through to a default button that closes the dialog.
            button.setAutoDefault(False)
            button.setDefault(False)
        self.report_button.clicked.connect(self.write_report)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.confirmation)
        layout.addWidget(buttons)
        self.resize(640, 560)

        self.steps.activated.connect(self._chosen)
        self.steps.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The dialog is kept once opened: its colours follow a palette changed later, as the window's do.
        if event.type() == QEvent.Type.PaletteChange:
            style = _style(Tints(self.palette()))
            if style != self.styleSheet():
                self.setStyleSheet(style)

    def _fill(self, directory: BuiltinDirectory) -> None:
        heading_font = QFont(self.steps.font())
        heading_font.setBold(True)
        # Headings are drawn in the ordinary text colour, although disabled so that arrows step over them.
        text_brush = QBrush(self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText))
        first: QListWidgetItem | None = None
        for situation in guidance(directory):
            heading = QListWidgetItem(situation.title)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            heading.setFont(heading_font)
            heading.setForeground(text_brush)
            self.steps.addItem(heading)
            for step in situation.steps:
                item = QListWidgetItem(f"{step.shown}    {step.text}" if step.shown else step.text)
                item.setData(_STEP_ROLE, step)
                # Arrowing skips the headings, so each row says which situation it belongs to.
                item.setData(Qt.ItemDataRole.AccessibleTextRole,
                             f"{situation.title}: {step.text} {step.shown}".rstrip())
                self.steps.addItem(item)
                first = first or item
        if first is not None:
            self.steps.setCurrentItem(first)

    def step_rows(self) -> list[tuple[int, Step]]:
        """Every row that is a step, with its row number, in the order shown."""
        rows = []
        for row in range(self.steps.count()):
            step = self.steps.item(row).data(_STEP_ROLE)
            if isinstance(step, Step):
                rows.append((row, step))
        return rows

    def _chosen(self, index: QModelIndex) -> None:
        step = index.data(_STEP_ROLE)
        if not isinstance(step, Step):
            return
        if step.kind in _COPIED:
            self._copy(step.shown)
            self._say(self.tr("Copied %s") % step.shown)
        elif step.kind is StepKind.EMAIL:
            self.write_report()

    def write_report(self) -> None:
        """Open the mail program with the report template; without one, put the template on the clipboard."""
        if self._open_url(QUrl(report_mailto())):
            self._say(self.tr("Your mail program should open with the report to %s; fill it in and send "
                              "it.") % REPORT_ADDRESS)
            return
        # Straight to the clipboard, not through the window's copy: it is a letter, not a number to confirm.
        QGuiApplication.clipboard().setText(REPORT_TEMPLATE)
        self._say(no_mail_sentence(), warning=True)

    def _say(self, text: str, *, warning: bool = False) -> None:
        self.confirmation.setProperty("warning", warning)
        self.confirmation.style().polish(self.confirmation)
        self.confirmation.setText(text)
