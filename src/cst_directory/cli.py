"""The cstdir command: look up and list the directory from a terminal, with JSON for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from cst_directory import __version__
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.presenting import no_match_sentence, region_sentence
from cst_directory.domain.search import DirectorySearch
from cst_directory.storage.directory_file import DirectoryDataError, load_directory
from cst_directory.storage.paths import DataDirError, data_home
from cst_directory.storage.resources import resources_dir

EXIT_OK = 0
EXIT_NO_MATCH = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One sentence and the usage line, never argparse's bare "error:" with a traceback-like feel.
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message[0].upper()}{message[1:]}. See '{self.prog} --help'.", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        data_home(args.home)
        directory = load_directory(resources_dir())
    except (DataDirError, DirectoryDataError) as exc:
        print(f"cstdir: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    search = DirectorySearch(directory.region_index())
    entries = directory.entries
    query = " ".join(args.query) if args.command == "lookup" else ""
    result = search.search(entries, query)
    shown = [entries[i] for i in result.rows]
    if result.region is not None:
        print(region_sentence(result.region, directory), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps([e.to_json() for e in shown], indent=2, ensure_ascii=False))
    else:
        _print_table(shown, directory)
    if not shown:
        print(f"cstdir: {no_match_sentence(query)}", file=sys.stderr)
        return EXIT_NO_MATCH
    return EXIT_OK


def _print_table(entries: Sequence[Entry], directory: BuiltinDirectory) -> None:
    for entry in entries:
        badges = " · ".join(entry.badges)
        region = directory.region_name(entry.region)
        print(f"{entry.number.display:<16}  {entry.name}")
        print(f"{'':<16}  {region}{' · ' + badges if badges else ''}")


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
