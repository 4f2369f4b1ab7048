"""cstdir import and cstdir export: contacts brought in from a phone's or mail program's file, with the
preview printed first, and taken out to vCard or CSV."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cst_directory.domain.book import ContactBook, DuplicateNumberError
from cst_directory.domain.import_preview import ImportPreview, Outcome, preview_import
from cst_directory.domain.import_rows import UnreadableFileError
from cst_directory.exit_codes import EXIT_OK, EXIT_USAGE
from cst_directory.storage.contact_files import FileFormat, read_import_file, write_export_file
from cst_directory.storage.csv_contacts import ColumnsNeededError

FORMAT_CHOICES = tuple(f.value for f in FileFormat)


def add_file_commands(commands: Any) -> None:
    """The import and export subcommands, on cstdir's subparsers."""
    bring = commands.add_parser("import",
                                help="add contacts from a vCard (.vcf) or CSV file, after a preview")
    bring.add_argument("file", type=Path, metavar="FILE")
    bring.add_argument("--dry-run", action="store_true", help="print the preview and store nothing")
    bring.add_argument("--format", choices=FORMAT_CHOICES, help="read the file as this format "
                                                                "(default: what it looks like)")
    bring.add_argument("--encoding", metavar="NAME", help="the CSV file's code page, e.g. cp1255")
    bring.add_argument("--name-column", metavar="COLUMN", help="the CSV column holding names")
    bring.add_argument("--number-column", metavar="COLUMN", help="the CSV column holding numbers")
    bring.add_argument("--allow-unverified", action="store_true",
                       help="also add numbers that look possible but are not known to be in use")
    bring.add_argument("--allow-duplicate", action="store_true",
                       help="also add numbers already in the directory or repeated in the file")
    bring.add_argument("--json", action="store_true", help="print the preview as JSON")
    take = commands.add_parser("export", help="write your contacts to a vCard (.vcf) or CSV file")
    take.add_argument("file", type=Path, metavar="FILE")
    take.add_argument("--format", choices=FORMAT_CHOICES, help="default: from the file's name, else vcard")
    take.add_argument("--all", action="store_true",
                      help="the whole directory, built-in lines with their sources and dates too")


def run_import(args: argparse.Namespace, book: ContactBook) -> int:
    try:
        read = read_import_file(args.file, file_format=FileFormat(args.format) if args.format else None,
                                encoding=args.encoding, name_column=args.name_column,
                                number_column=args.number_column)
    except ColumnsNeededError as exc:
        columns = ", ".join(f"“{header}”" for header in exc.headers if header.strip())
        return _fail(f"{args.file.name} is a CSV file whose columns CST Directory does not know: name the "
                     f"ones holding names and numbers with --name-column and --number-column (its columns "
                     f"are {columns}).", EXIT_USAGE)
    except UnreadableFileError as exc:
        return _fail(str(exc), EXIT_USAGE)
    preview = preview_import(read, book.entries(), allow_unverified=args.allow_unverified,
                             include_duplicates=args.allow_duplicate)
    if args.json:
        _print_preview_json(preview, dry_run=args.dry_run)
    else:
        _print_preview(preview)
    to_add = preview.to_add
    if not to_add:
        return _fail(f"Nothing in {args.file.name} can be added: {preview.summary()}", EXIT_USAGE)
    if args.dry_run:
        print("Nothing was stored (--dry-run).", file=sys.stderr if args.json else sys.stdout)
        return EXIT_OK
    try:
        added = book.add_many(to_add, allow_duplicates=args.allow_duplicate)
    except DuplicateNumberError as exc:
        # Someone added the same number between the preview and the save: the batch stored nothing.
        return _fail(f"{exc} Nothing was stored: import again to see the preview as it now is.", EXIT_USAGE)
    note = f"Added {len(added):,} contacts." if len(added) != 1 else "Added 1 contact."
    print(note, file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def run_export(args: argparse.Namespace, book: ContactBook) -> int:
    path: Path = args.file
    if args.format:
        file_format = FileFormat(args.format)
    else:
        file_format = FileFormat.CSV if path.suffix.lower() == ".csv" else FileFormat.VCARD
    entries = [e for e in book.entries() if args.all or not e.builtin]
    if not entries:
        return _fail("You have no contacts of your own to export: add some, or use --all for the whole "
                     "directory.", EXIT_USAGE)
    problem = write_problem(path, lambda: write_export_file(path, entries, file_format=file_format,
                                                            with_sources=args.all))
    if problem:
        return _fail(problem, EXIT_USAGE)
    what = "entries" if args.all else "contacts"
    print(f"Exported {len(entries):,} {what} to {path}.")
    return EXIT_OK


def write_problem(path: Path, write: Callable[[], object]) -> str | None:
    """Write a new file with write(); None once written, else the sentence saying why it was not."""
    try:
        write()
    except FileExistsError:
        return f"{path} already exists: choose another name, or move that file away first."
    except OSError as exc:
        return f"{path} could not be written ({exc.strerror}): choose a folder you can write to."
    return None


def _print_preview(preview: ImportPreview) -> None:
    lines = []
    for row in preview.rows:
        action = "add " if row.outcome is Outcome.ADD else "skip"
        shown = f"{action}  {row.where:<10} {row.name or '-'}  {row.number}".rstrip()
        lines.append(f"{shown}  ({row.reason})" if row.reason else shown)
    lines.append(preview.summary())
    print("\n".join(lines))


def _print_preview_json(preview: ImportPreview, *, dry_run: bool) -> None:
    import json  # Only --json needs it.

    rows = [{"where": row.where, "name": row.name, "number": row.number, "outcome": row.outcome.value,
             "reason": row.reason or None} for row in preview.rows]
    print(json.dumps({"rows": rows, "to_add": len(preview.to_add), "dry_run": dry_run}, indent=2,
                     ensure_ascii=False))


def _fail(message: str, code: int) -> int:
    print(f"cstdir: {message}", file=sys.stderr)
    return code
