"""cstdir card: the printable wallet card or A4 poster written as a PDF, from a terminal with no display."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cst_directory.cli_files import write_problem
from cst_directory.domain.book import ContactBook
from cst_directory.domain.card import default_entries, left_out_sentence, make_card
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.presenting import quoted, region_sentence, suggestion_sentence
from cst_directory.domain.search import DirectorySearch
from cst_directory.exit_codes import EXIT_NO_MATCH, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication

CARD_REGIONS = ("south", "north")


def add_card_command(commands: Any) -> None:
    """The card subcommand, on cstdir's subparsers."""
    card = commands.add_parser("card", help="write a wallet card (or an A4 poster) of numbers as a PDF")
    card.add_argument("file", type=Path, metavar="FILE.pdf")
    card.add_argument("query", nargs="*", metavar="QUERY",
                      help="put the entries this search finds on it, after 999 (default: 999, CST's 24/7 "
                           "lines and offices, your favourites)")
    card.add_argument("--poster", action="store_true", help="an A4 poster instead of a wallet card")
    card.add_argument("--region", choices=CARD_REGIONS,
                      help="the CST region whose lines it lists (default: both regions')")


def run_card(args: argparse.Namespace, book: ContactBook, directory: BuiltinDirectory) -> int:
    path: Path = args.file
    if path.suffix.lower() != ".pdf":
        return _fail(f"“{path.name}” does not end in .pdf: give the card's file name first, for example "
                     "card.pdf, then the search.", EXIT_USAGE)
    entries = book.entries()
    query = " ".join(args.query)
    if query.strip():
        result = DirectorySearch(directory.region_index()).search(entries, query, args.region)
        if result.fallback:
            return _fail(f"No entry matches {quoted(query)}, so no card was written: try a town, a postcode, "
                         "a dialling code or a name.", EXIT_NO_MATCH)
        if result.suggestion is not None:
            print(suggestion_sentence(query, result.suggestion))
        if result.region is not None:
            print(region_sentence(result.region, directory))
        chosen = [entries[row] for row in result.rows]
    else:
        chosen = default_entries(entries, directory, args.region)
    card = make_card(chosen, directory, dt.date.today())

    _app = _gui_application()  # Kept until the PDF is made.
    from cst_directory.ui.card_pages import CardFormat, card_pdf

    card_format = CardFormat.POSTER if args.poster else CardFormat.WALLET
    pdf = card_pdf(card, card_format)
    if not pdf.fit.fits:
        return _fail(f"{left_out_sentence(pdf.fit)}, so no card was written: search for fewer entries, or "
                     "add --poster for an A4 poster that holds them all.", EXIT_USAGE)
    from cst_directory.storage.new_files import write_new_file

    problem = write_problem(path, lambda: write_new_file(path, pdf.data))
    if problem:
        return _fail(problem, EXIT_USAGE)
    what = "an A4 poster" if args.poster else "a wallet card"
    sides = len(pdf.fit.sides)
    pages = f"{sides} page{'s' if sides != 1 else ''}" if args.poster else (
        "front and back" if sides > 1 else "one side")
    count = len(card.lines)
    print(f"Wrote {what} of {count} {'entry' if count == 1 else 'entries'} ({pages}) to {path}.")
    return EXIT_OK


def _gui_application() -> QGuiApplication:
    """The Qt application fonts and PDF writing need. The card is drawn off screen: with no platform
    asked for, Qt's offscreen one is used, so that the command works over ssh and in a job with no
    display, and a dead X server cannot abort it."""
    from PySide6.QtGui import QGuiApplication

    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    argv = [sys.argv[0] or "cstdir"]
    if not os.environ.get("QT_QPA_PLATFORM"):
        argv += ["-platform", "offscreen"]
    return QGuiApplication(argv)


def _fail(message: str, code: int) -> int:
    print(f"cstdir: {message}", file=sys.stderr)
    return code
