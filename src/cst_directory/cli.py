"""The cstdir command: look up and list the directory from a terminal, with JSON for scripts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cst_directory import __version__
from cst_directory.cli_card import add_card_command, run_card
from cst_directory.cli_files import add_file_commands, run_export, run_import
from cst_directory.domain.book import ContactBook, DuplicateNumberError
from cst_directory.domain.contacts import ContactDraft, ContactError
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import EntryNotFoundError, ReadOnlyEntryError, StorageError
from cst_directory.domain.phone import Problem, keypad_digits
from cst_directory.domain.presenting import (
    emergency_sentence,
    no_match_sentence,
    region_sentence,
    suggestion_sentence,
)
from cst_directory.domain.search import DirectorySearch
from cst_directory.exit_codes import EXIT_NO_MATCH, EXIT_OK, EXIT_STORAGE, EXIT_USAGE
from cst_directory.storage.contact_book import BuiltinOnlyBook, StoredContactBook
from cst_directory.storage.contact_store import ContactStore
from cst_directory.storage.directory_file import DirectoryDataError, load_directory
from cst_directory.storage.paths import DataDirError, data_home
from cst_directory.storage.resources import resources_dir


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One sentence and the usage line, never argparse's bare "error:" with a traceback-like feel.
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message[0].upper()}{message[1:]}. See '{self.prog} --help'.", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


REGION_CHOICES = ("south", "north", "none")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cstdir", description="CST Directory from the command line. In an emergency, "
                                                "call 999 first.")
    parser.add_argument("--home", metavar="DIR", help="keep all user data under DIR")
    parser.add_argument("--version", action="version", version=f"cstdir {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)
    lookup = commands.add_parser("lookup", help="show the lines for a place, postcode, dialling code, "
                                                "number or name")
    lookup.add_argument("query", nargs="+", metavar="QUERY")
    lookup.add_argument("--json", action="store_true", help="print a JSON array")
    listing = commands.add_parser("list", help="show every entry")
    listing.add_argument("--json", action="store_true", help="print a JSON array")

    add = commands.add_parser("add", help="add one of your own contacts")
    add.add_argument("--name", required=True)
    add.add_argument("--number", required=True)
    _contact_options(add)
    edit = commands.add_parser("edit", help="change one of your own contacts")
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--name")
    edit.add_argument("--number")
    _contact_options(edit)
    remove = commands.add_parser("remove", help="delete one of your own contacts")
    remove.add_argument("id", metavar="ID")
    commands.add_parser("guide", help="which number to call, situation by situation")
    add_file_commands(commands)
    add_card_command(commands)
    return parser


def _contact_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", choices=REGION_CHOICES, help="the CST region it belongs to, or none")
    parser.add_argument("--notes")
    parser.add_argument("--allow-unverified", action="store_true",
                        help="save a number that looks possible but is not known to be in use")
    parser.add_argument("--allow-duplicate", action="store_true",
                        help="save a number that is already in the directory")
    parser.add_argument("--allow-letters", action="store_true",
                        help="save a number typed with letters (0800 CALL CST) as its keypad digits")
    parser.add_argument("--json", action="store_true", help="print the stored entry as a JSON array")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "guide":
        # Built-in data only: the guide must print even when the user's data folder is unusable.
        return _guide()
    try:
        home = data_home(args.home)
        directory = load_directory(resources_dir())
    except (DataDirError, DirectoryDataError) as exc:
        return _fail(str(exc), EXIT_STORAGE)
    writing = args.command in ("add", "edit", "remove", "import")
    try:
        book: ContactBook = StoredContactBook(directory, ContactStore(home))
    except StorageError as exc:
        if writing:
            return _fail(exc.message, EXIT_STORAGE)
        # Reading still shows the built-in numbers: they matter most when something else is wrong.
        print(f"cstdir: {exc.message} Showing the built-in numbers only.", file=sys.stderr)
        book = BuiltinOnlyBook(directory, exc)
    if book.moved_aside is not None:
        print(f"cstdir: your contacts file was damaged; it was kept as {book.moved_aside} "
              "and a new one was started.", file=sys.stderr)
    try:
        if args.command == "import":
            return run_import(args, book)
        if args.command == "export":
            return run_export(args, book)
        if args.command == "card":
            return run_card(args, book, directory)
        if writing:
            return _change(args, book)
        code = _show(args, book, directory)
    except StorageError as exc:
        return _fail(exc.message, EXIT_STORAGE)
    if book.notice:
        print(f"cstdir: {book.notice}", file=sys.stderr)
    return code


def _show(args: argparse.Namespace, book: ContactBook, directory: BuiltinDirectory) -> int:
    search = DirectorySearch(directory.region_index())
    entries = book.entries()
    query = " ".join(args.query) if args.command == "lookup" else ""
    result = search.search(entries, query)
    # The rows a search falls back on are for a person looking at the window; to a script, "nothing
    # matched" is exit 1 and no rows, and the sentence on stderr names the numbers instead.
    shown = [] if result.fallback else [entries[i] for i in result.rows]
    notes = sys.stderr if args.json else sys.stdout
    if result.suggestion is not None:
        print(suggestion_sentence(query, result.suggestion), file=notes)
    if result.region is not None:
        print(region_sentence(result.region, directory), file=notes)
    if args.json:
        _print_json(shown)
    else:
        _print_table(shown, directory)
    if not shown:
        return _fail(f"{no_match_sentence(query)} {emergency_sentence(directory)}", EXIT_NO_MATCH)
    return EXIT_OK


def _guide() -> int:
    from cst_directory.domain.guidance import guidance, guide_text

    try:
        directory = load_directory(resources_dir())
    except DirectoryDataError as exc:
        return _fail(str(exc), EXIT_STORAGE)
    sys.stdout.write(guide_text(guidance(directory)))
    return EXIT_OK


def _change(args: argparse.Namespace, book: ContactBook) -> int:
    try:
        if args.command == "remove":
            removed = book.remove(args.id)
            print(f"Removed {removed.id}: {removed.name}, {removed.number.display}")
            return EXIT_OK
        if args.allow_letters and args.number is not None:
            # Letters become digits only when asked, and what is saved and shown is then those digits.
            args.number = keypad_digits(args.number)
        if args.command == "add":
            entry = book.add(_draft(args, None), allow_unverified=args.allow_unverified,
                             allow_duplicate=args.allow_duplicate)
        else:
            current = _find(book, args.id)
            # A number saved as unverified stays allowed while the edit leaves it as it was.
            keep_unverified = args.number is None and not current.number.verified
            entry = book.edit(args.id, _draft(args, current),
                              allow_unverified=args.allow_unverified or keep_unverified,
                              allow_duplicate=args.allow_duplicate)
    except EntryNotFoundError as exc:
        return _fail(str(exc), EXIT_NO_MATCH)
    except ContactError as exc:
        hint = ""
        if exc.problem is Problem.UNVERIFIED:
            hint = " Add --allow-unverified to save it anyway."
        elif exc.problem is Problem.LETTERS:
            hint = " Add --allow-letters to save it as read."
        return _fail(f"{exc.message}{hint}", EXIT_USAGE)
    except DuplicateNumberError as exc:
        return _fail(f"{exc} Add --allow-duplicate to save it anyway.", EXIT_USAGE)
    except ReadOnlyEntryError as exc:
        return _fail(str(exc), EXIT_USAGE)
    if args.json:
        _print_json([entry])
    else:
        print(f"Saved {entry.id}: {entry.name}, {entry.number.display}"
              + ("" if entry.number.verified else " (unverified)"))
    return EXIT_OK


def _find(book: ContactBook, entry_id: str) -> Entry:
    # By id alone: an edit reads one contact, not the whole store.
    return book.find(entry_id)


def _draft(args: argparse.Namespace, current: Entry | None) -> ContactDraft:
    def pick(given: str | None, kept: str) -> str:
        return given if given is not None else kept

    region = args.region
    if region is None:
        region = current.region if current else None
    elif region == "none":
        region = None
    return ContactDraft(
        name=pick(args.name, current.name if current else ""),
        number=pick(args.number, current.number.display if current else ""),
        region=region,
        notes=pick(args.notes, current.notes if current else ""),
    )


def _fail(message: str, code: int) -> int:
    print(f"cstdir: {message}", file=sys.stderr)
    return code


def _print_json(entries: Sequence[Entry]) -> None:
    import json  # Only --json needs it, and a lookup without it should not wait for it to load.

    print(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False))


def _print_table(entries: Sequence[Entry], directory: BuiltinDirectory) -> None:
    lines = []
    for entry in entries:
        badges = " · ".join(entry.badges)
        region = directory.region_name(entry.region)
        if not entry.builtin:
            region = f"{entry.id} · my contact" + (f" · {region}" if entry.region else "")
        star = "★ " if entry.favourite else ""
        lines.append(f"{entry.number.display:<16}  {star}{entry.name}\n"
                     f"{'':<16}  {region}{' · ' + badges if badges else ''}\n")
    # One write, not two prints an entry: a region's lookup can list thousands of contacts.
    sys.stdout.write("".join(lines))


def run() -> None:
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = EXIT_OK
    raise SystemExit(code)


if __name__ == "__main__":
    run()
