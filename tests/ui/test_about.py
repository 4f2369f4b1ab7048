"""The About box: version, every source with its date, the licence and the data folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cst_directory import __version__
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.presenting import long_date, source_summaries

from .conftest import RecordingOpener, WindowFactory


def test_about_names_the_version_sources_dates_licence_and_data_folder(
        qtbot: QtBot, make_window: WindowFactory, directory: BuiltinDirectory, data_dir: Path) -> None:
    window = make_window()
    menu_titles = [action.text() for action in window.menuBar().actions()]
    assert "&Help" in menu_titles
    window.about_action.trigger()
    dialog = window.about_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)

    assert __version__ in dialog.title.text()
    sources = dialog.sources.text()
    summaries = source_summaries(directory)
    assert summaries
    for summary in summaries:
        assert long_date(summary.as_of) in sources
        for name in summary.entry_names:
            assert name.replace("&", "&amp;") in sources
    assert "MIT" in dialog.licence.text()
    assert str(data_dir) in dialog.data_label.text()


def test_every_built_in_entry_is_credited_to_exactly_one_source(directory: BuiltinDirectory) -> None:
    credited = [name for summary in source_summaries(directory) for name in summary.entry_names]
    assert sorted(credited) == sorted(entry.name for entry in directory.entries)
    dates = [summary.as_of for summary in source_summaries(directory)]
    assert dates == sorted(dates, reverse=True)


def test_open_data_folder_asks_the_desktop_to_open_it(qtbot: QtBot, make_window: WindowFactory,
                                                       opener: RecordingOpener, data_dir: Path) -> None:
    window = make_window()
    window.show_about()
    dialog = window.about_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.open_folder_button, Qt.MouseButton.LeftButton)
    assert opener.urls == [data_dir.as_uri()]


def test_escape_closes_about_and_the_search_still_works(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.show_about()
    dialog = window.about_dialog
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClicks(window.search_field, "salford")
    current = window.current_entry()
    assert current is not None and current.id == "cst-emergency-south"
