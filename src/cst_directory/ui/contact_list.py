"""The contact list's life: the book, the search, the model and selection, undo, changes from elsewhere."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QTimer, Signal

from cst_directory.domain.book import BookChanges, BookSnapshot, ContactBook, DuplicateNumberError
from cst_directory.domain.contacts import ContactDraft, ValidContact
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import StorageError
from cst_directory.domain.search import DirectorySearch, SearchIndex, SearchResult
from cst_directory.ui.entry_model import EntryListModel
from cst_directory.ui.entry_rules import Allowed

if TYPE_CHECKING:
    from cst_directory.ui.contact_dialog import Saver

# Changes made in another window or by cstdir show within this; each check costs the book little.
WATCH_INTERVAL_MS = 1000
# More added at once than this are shown by building the index again from what it holds (without reading
# the book): each entry put in one by one costs an insertion into every listing order.
ADDED_ONE_BY_ONE = 200
# How often the GUI thread looks whether the contacts read in the background have arrived.
READ_POLL_MS = 10
_SELECT = QItemSelectionModel.SelectionFlag.ClearAndSelect


class ContactList(QObject):
    """Owns what the list shows and which entry is selected; every change to either goes through here."""

    result_changed = Signal()
    """The rows shown were worked out again: a new query, region or change of entries."""
    current_changed = Signal(object)
    """The selected entry (or None) is another one, or the same one changed."""
    row_revealed = Signal(QModelIndex)
    """This row was selected to be seen: the view should scroll to it."""
    query_changed = Signal(str)
    """The list changed its own query (to reveal an entry the search hid)."""
    contact_saved = Signal(object)
    contact_removed = Signal(object)
    contact_restored = Signal(object)
    change_failed = Signal(str)
    """A change was refused or could not be stored; the sentence says why."""
    undo_changed = Signal(bool)
    notice_changed = Signal(object)
    """The book's sentences about the contacts as last read (or None)."""
    watch_failed = Signal(object)
    """Why the last check for changes failed, or None once one succeeds."""
    loaded = Signal()
    """The whole book is shown: sent once, when start() has read it."""

    def __init__(self, book: ContactBook, search: DirectorySearch, region_names: dict[str | None, str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self._search = search
        self._index = SearchIndex(())
        self._query = ""
        self._preferred_region: str | None = None
        self._result = SearchResult((), None)
        self._current: Entry | None = None
        self._removed: Entry | None = None
        self.model = EntryListModel(region_names, self)
        self.selection = QItemSelectionModel(self.model, self)
        self.selection.currentChanged.connect(self._current_moved)
        self._preparing: list[Callable[[], object]] = []
        self._prepare = QTimer(self)
        self._prepare.setInterval(0)
        self._prepare.timeout.connect(self._prepare_next)
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self.check_for_changes)
        # The snapshot read on another thread is handed over through a queue the GUI thread polls: the
        # reading thread never touches a Qt object, which the window may have deleted by then.
        self._snapshots: queue.SimpleQueue[BookSnapshot] = queue.SimpleQueue()
        self._collect = QTimer(self)
        self._collect.setInterval(READ_POLL_MS)
        self._collect.timeout.connect(self._collect_snapshot)
        self.is_loaded = False

    # What is shown.

    @property
    def query(self) -> str:
        return self._query

    @property
    def result(self) -> SearchResult:
        return self._result

    @property
    def current(self) -> Entry | None:
        return self._current

    @property
    def allowed(self) -> Allowed:
        return Allowed.for_entry(self._current)

    @property
    def can_undo(self) -> bool:
        return self._removed is not None

    def entries(self) -> tuple[Entry, ...]:
        """Every entry held, shown or not."""
        return self._index.live_entries()

    def known_entries(self) -> tuple[Entry, ...]:
        """Every entry in the directory, for checking new numbers against: while the contacts are still
        being read in the background only the book itself knows them all."""
        return self.entries() if self.is_loaded else self.book.entries()

    def entries_shown(self) -> list[Entry]:
        return list(map(self._index.entries.__getitem__, self._result.rows))

    def start(self, *, in_background: bool = False) -> None:
        """Read the book and begin watching it for changes made elsewhere. In the background, the built-in
        entries are shown at once and the contacts read on another thread join them when read: 999 is in
        the first paint however many contacts there are, and the window answers keys meanwhile."""
        if not in_background:
            self.reload()
            self._loaded_now()
            return
        self.set_entries(self.book.builtin_entries())
        reader = self.book.snapshot_reader()
        snapshots = self._snapshots
        threading.Thread(target=lambda: snapshots.put(reader()), name="read contacts", daemon=True).start()
        self._collect.start()

    def reload(self, select_id: str | None = None) -> None:
        # entries() never fails: whatever the contacts file holds, the built-in numbers come back, and
        # the book's notice says what could not be read.
        self.set_entries(self.book.entries(), select_id)
        self.notice_changed.emit(self.book.notice)

    def set_entries(self, entries: Sequence[Entry], select_id: str | None = None) -> None:
        """Show new entries, keeping the selection on the same entry where it is still shown."""
        keep = select_id or (self._current.id if self._current else None)
        self._index = SearchIndex(entries)
        self._refresh(keep)
        # One step per turn of the event loop, so that a key typed meanwhile waits for one step at most.
        self._preparing = self._search.preparations(self._index, self._preferred_region)
        self._prepare.start()

    def set_query(self, query: str) -> None:
        if query != self._query:
            self._query = query
            self._refresh(None)

    def set_preferred_region(self, region_id: str | None) -> None:
        if region_id != self._preferred_region:
            self._preferred_region = region_id
            self._refresh(None)

    # Which entry is selected.

    def select_row(self, row: int) -> None:
        """Select a row (clamped to the list), the first one for any row of an empty list."""
        count = self.model.rowCount()
        index = self.model.index(min(max(row, 0), count - 1), 0) if count else QModelIndex()
        self.selection.setCurrentIndex(index, _SELECT)
        if index.isValid():
            self.row_revealed.emit(index)
        else:
            self._current_moved(index)

    def move_selection(self, step: int) -> None:
        row = self.selection.currentIndex().row()
        self.select_row(row + step if row >= 0 else 0)

    def select_entry(self, entry_id: str) -> bool:
        """Select the entry if the list shows it."""
        slot = self._index.slot_of(entry_id)
        row = self.model.row_of(slot) if slot is not None else -1
        if row < 0:
            return False
        self.select_row(row)
        return True

    def reveal(self, entry_id: str) -> None:
        """Select the entry, clearing the search if the search hides it."""
        if not self.select_entry(entry_id) and self._query:
            self._query = ""
            self.query_changed.emit("")
            self._refresh(entry_id)

    # Changing the user's own contacts.

    def saver_for_new(self) -> Saver:
        def save(draft: ContactDraft, allow_unverified: bool, allow_duplicate: bool) -> Entry:
            return self.book.add(draft, allow_unverified=allow_unverified, allow_duplicate=allow_duplicate)
        return save

    def saver_for(self, entry: Entry) -> Saver:
        def save(draft: ContactDraft, allow_unverified: bool, allow_duplicate: bool) -> Entry:
            return self.book.edit(entry.id, draft, allow_unverified=allow_unverified,
                                  allow_duplicate=allow_duplicate)
        return save

    def show_saved(self, entry: Entry) -> None:
        """A dialog stored entry: show it as it now is, selected, and say so."""
        self._apply([entry], ())
        self.reveal(entry.id)
        self.contact_saved.emit(entry)

    def add_many(self, contacts: Sequence[ValidContact], allow_duplicates: bool) -> tuple[Entry, ...]:
        """Store the contacts in one transaction through the book (all or none: DuplicateNumberError,
        StorageError); show_added() then shows them."""
        try:
            return self.book.add_many(contacts, allow_duplicates=allow_duplicates)
        except DuplicateNumberError:
            # Stored elsewhere since the list last looked: taken in now, a preview made again sees it.
            self.check_for_changes()
            raise

    def show_added(self, entries: Sequence[Entry]) -> None:
        """A batch stored at once: shown as one change, the first of them selected."""
        if not entries:
            return
        if len(entries) > ADDED_ONE_BY_ONE:
            self.set_entries((*self.entries(), *entries))
        else:
            self._apply(entries, ())
        self.reveal(entries[0].id)

    def remove_current(self) -> None:
        entry = self._current
        if entry is None or not self.allowed.remove:
            return
        removed = self._stored(lambda: self.book.remove(entry.id))
        if removed is not None:
            self._set_removed(removed)
            self._apply((), [removed.id])
            self.contact_removed.emit(removed)

    def undo_remove(self) -> None:
        removed = self._removed
        if removed is None:
            return
        restored = self._stored(lambda: self.book.restore(removed))
        if restored is not None:
            self._set_removed(None)
            self._apply([restored], ())
            self.reveal(restored.id)
            self.contact_restored.emit(restored)

    def toggle_favourite(self) -> None:
        entry = self._current
        if entry is None:
            return
        changed = self._stored(lambda: self.book.set_favourite(entry.id, not entry.favourite))
        if changed is not None:
            self._apply([changed], ())
            self.select_entry(changed.id)

    def check_for_changes(self) -> None:
        try:
            changes = self.book.changes()
        except StorageError as exc:
            self.watch_failed.emit(exc.message)
            return
        self.watch_failed.emit(None)
        if changes is not None:
            self.apply_changes(changes)

    def apply_changes(self, changes: BookChanges) -> None:
        """What another window or process changed: as changes, or as a fresh read when it was too much."""
        if changes.reload:
            self.reload()
            return
        self._apply(changes.changed, changes.removed)
        self.notice_changed.emit(self.book.notice)

    # Internals.

    def _collect_snapshot(self) -> None:
        try:
            snapshot = self._snapshots.get_nowait()
        except queue.Empty:
            return
        self._collect.stop()
        self._adopt(snapshot)

    def _adopt(self, snapshot: BookSnapshot) -> None:
        self.set_entries(self.book.adopt(snapshot))
        self.notice_changed.emit(self.book.notice)
        # Whatever was written after the snapshot was read, in this window or elsewhere, as changes.
        changes = self.book.catch_up()
        if changes is not None:
            self.apply_changes(changes)
        self._loaded_now()

    def _loaded_now(self) -> None:
        self.is_loaded = True
        self._watch.start()
        self.loaded.emit()

    def _stored(self, change: Callable[[], Entry]) -> Entry | None:
        """What the book returned for the change, or None when it refused or could not store it (the
        sentence saying why is sent on)."""
        try:
            return change()
        except (StorageError, LookupError, ValueError) as exc:
            self.change_failed.emit(str(exc))
            return None

    def _prepare_next(self) -> None:
        if self._preparing:
            self._preparing.pop(0)()
        else:
            self._prepare.stop()

    def _set_removed(self, entry: Entry | None) -> None:
        self._removed = entry
        self.undo_changed.emit(entry is not None)

    def _apply(self, changed: Iterable[Entry], removed: Iterable[str]) -> None:
        """Put the changed entries in the index and show the result again as rows inserted, removed or
        moved: the selected entry stays selected wherever it moves, and nothing else is reread."""
        index = self._index
        version = index.version
        slots = [index.put(entry) for entry in changed]
        for entry_id in removed:
            index.remove(entry_id)
        if index.version == version:
            return
        keep = self._current.id if self._current else None
        self._result = self._search.search_in(index, self._query, self._preferred_region)
        if not self.model.update(index.entries, self._result.rows, slots):
            self._select(keep)
        else:
            self._current_moved(self.selection.currentIndex())
        self.result_changed.emit()

    def _refresh(self, keep: str | None) -> None:
        self._result = self._search.search_in(self._index, self._query, self._preferred_region)
        self.model.show(self._index.entries, self._result.rows)
        self.result_changed.emit()
        self._select(keep)

    def _select(self, entry_id: str | None) -> None:
        """The entry, where it is shown, else the first row: typing selects the first match."""
        if entry_id is None or not self.select_entry(entry_id):
            self.select_row(0)

    def _current_moved(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        entry = self.model.entry_at(current.row()) if current.isValid() else None
        # Compared by identity: an edited entry can equal the old one and still have to be shown anew.
        if entry is not self._current:
            self._current = entry
            self.current_changed.emit(entry)
