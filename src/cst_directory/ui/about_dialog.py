"""The About box: the app's name and version, where every built-in number comes from and how old it is,
the licence, and where the user's own data is kept."""

from __future__ import annotations

import html
from collections.abc import Callable

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cst_directory import APP_NAME, __version__
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.presenting import long_date, source_summaries

ICON_PX = 64


class AboutDialog(QDialog):
    def __init__(self, directory: BuiltinDirectory, data_folder: str, *,
                 open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About %s") % APP_NAME)
        self._data_folder = data_folder
        self._open_url = open_url

        icon = QLabel()
        icon.setPixmap(QGuiApplication.windowIcon().pixmap(ICON_PX, ICON_PX))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(f"<h2>{html.escape(APP_NAME)} {html.escape(__version__)}</h2>")
        purpose = QLabel(self.tr(
            "The Community Security Trust's offices and 24-hour lines and the UK's national numbers, "
            "kept on this computer and usable without a network. This app does not call anyone: "
            "in an emergency, call 999 first."))
        purpose.setWordWrap(True)

        self.sources = QLabel(self._sources_html(directory))
        self.sources.setObjectName("aboutSources")
        self.sources.setWordWrap(True)
        self.sources.setTextFormat(Qt.TextFormat.RichText)
        self.sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.data_label = QLabel(self.tr("Your own contacts and settings are kept in %s.") % data_folder
                                 if data_folder else "")
        self.data_label.setObjectName("aboutDataFolder")
        self.data_label.setWordWrap(True)
        self.data_label.setTextFormat(Qt.TextFormat.PlainText)
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.licence = QLabel(self.tr(
            "Released under the MIT licence. Built with Qt %s (PySide6 %s), phonenumbers and platformdirs.")
            % (qVersion(), PySide6.__version__))
        self.licence.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_folder_button = QPushButton(self.tr("&Open data folder"))
        self.open_folder_button.setEnabled(bool(data_folder))
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder_button.clicked.connect(self._open_folder)
        buttons.rejected.connect(self.reject)

        text = QVBoxLayout()
        for widget in (self.title, purpose, self.sources, self.data_label, self.licence):
            text.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _sources_html(self, directory: BuiltinDirectory) -> str:
        items = []
        for summary in source_summaries(directory):
            verb = self.tr("checked") if summary.as_of == directory.checked else self.tr("published")
            items.append(f"<li><b>{html.escape(summary.source)}</b>, {verb} {long_date(summary.as_of)}: "
                         f"{html.escape(', '.join(summary.entry_names))}</li>")
        heading = self.tr("Where the built-in numbers come from (data checked %s):") % long_date(
            directory.checked)
        return f"<p>{html.escape(heading)}</p><ul>{''.join(items)}</ul>"

    def _open_folder(self) -> None:
        self._open_url(QUrl.fromLocalFile(self._data_folder))
