"""Loading and checking the built-in directory data file shipped in resources/."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry, Role, make_entry
from cst_directory.domain.phone import NumberError, PhoneNumber, number_from_forms, parse_number
from cst_directory.domain.regions import UNASSIGNED, Coverage, Region

DATA_FILE = "directory.toml"
SUPPORTED_FORMAT = 1
_BUILTIN_CATEGORIES = {c.value for c in Category} - {Category.PERSONAL.value}


class DirectoryDataError(Exception):
    """The shipped data file is missing or damaged; the message is one sentence for the user."""


def load_directory(folder: Path) -> BuiltinDirectory:
    """Read and validate directory.toml, or raise DirectoryDataError saying what is wrong."""
    path = folder / DATA_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DirectoryDataError(
            f"The built-in directory data is missing ({path}): reinstall CST Directory.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DirectoryDataError(
            f"The built-in directory data ({path}) cannot be read ({exc}): "
            "reinstall CST Directory.") from None
    try:
        return _parse(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise DirectoryDataError(
            f"The built-in directory data ({path}) is damaged ({_describe(exc)}): "
            "reinstall CST Directory.") from None


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc)


def _parse(raw: dict[str, Any]) -> BuiltinDirectory:
    data_format = raw.get("format")
    # type() rather than isinstance: TOML's true is a bool, and True == 1 in Python.
    if type(data_format) is not int or data_format != SUPPORTED_FORMAT:
        raise ValueError(f"format {data_format!r} is not {SUPPORTED_FORMAT}")
    regions = tuple(
        Region(id=_text(r, "id"), name=_text(r, "name"), short_name=_text(r, "short_name"),
               aliases=tuple(_texts(r, "aliases")))
        for r in _table_list(raw, "regions")
    )
    region_ids = {r.id for r in regions}
    cover_raw = _table(raw, "coverage")
    coverage = {region_id: _coverage(_table(cover_raw, region_id))
                for region_id in (*sorted(region_ids), UNASSIGNED)}
    forms = raw.get("forms", {})
    entries = tuple(_entry(e, region_ids, forms) for e in _table_list(raw, "entries"))
    ids = [e.id for e in entries]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:
        raise ValueError(f"entry id {sorted(duplicated)[0]!r} is used twice")
    emergency_id = _text(raw, "emergency_entry")
    national_id = _text(raw, "national_line_entry")
    entries = _with_roles(entries, {emergency_id: Role.EMERGENCY, national_id: Role.NATIONAL_LINE})
    return BuiltinDirectory(
        regions=regions,
        coverage=coverage,
        derivation=_text(cover_raw, "derivation"),
        checked=_date(raw, "checked"),
        entries=entries,
        emergency_entry=emergency_id,
        national_line_entry=national_id,
    )


def _with_roles(entries: tuple[Entry, ...], roles: dict[str, Role]) -> tuple[Entry, ...]:
    """Mark the entries the data file names for 999 and for CST's national line. Both must be national
    emergency lines: they are what is shown for every region and when nothing else matches."""
    if len(roles) < len(Role):
        raise ValueError("emergency_entry and national_line_entry name the same entry")
    by_id = {e.id: e for e in entries}
    for entry_id, role in roles.items():
        entry = by_id.get(entry_id)
        if entry is None:
            raise ValueError(f"{role.value}_entry names no entry: {entry_id!r}")
        if entry.category is not Category.EMERGENCY or entry.region is not None:
            raise ValueError(f"{role.value}_entry {entry_id!r} must be a national emergency line")
    return tuple(replace(e, role=roles[e.id]) if e.id in roles else e for e in entries)


def _coverage(raw: dict[str, Any]) -> Coverage:
    return Coverage(
        places=tuple(_texts(raw, "places")),
        postcode_areas=tuple(_texts(raw, "postcode_areas")),
        postcode_districts=tuple(_texts(raw, "postcode_districts")),
        dialling_codes=tuple(_texts(raw, "dialling_codes")),
    )


def _entry(raw: dict[str, Any], region_ids: set[str], forms: object) -> Entry:
    entry_id = _text(raw, "id")
    category = _text(raw, "category")
    if category not in _BUILTIN_CATEGORIES:
        raise ValueError(f"entry {entry_id!r} has unknown category {category!r}")
    region = raw.get("region")
    if region is not None and region not in region_ids:
        raise ValueError(f"entry {entry_id!r} names unknown region {region!r}")
    number = _number(_text(raw, "number"), forms, f"entry {entry_id!r} has a bad number")
    return make_entry(
        id=entry_id,
        name=_text(raw, "name"),
        category=Category(category),
        region=region,
        number=number,
        builtin=True,
        notes=str(raw.get("notes", "")).strip(),
        source=_text(raw, "source"),
        as_of=_date(raw, "as_of"),
        availability=raw.get("availability"),
        cost=raw.get("cost"),
        also_dial=tuple(_number(text, forms, f"entry {entry_id!r} has a bad also_dial number").dial
                        for text in _texts(raw, "also_dial")),
        check_at=_optional_text(raw, "check_at"),
    )


def _number(text: str, forms: object, refusal: str) -> PhoneNumber:
    """The number as the file's forms table records it or, when the table has no forms for it or they do
    not hold its digits, as parse_number reads it: a number changed without its forms is still right."""
    recorded = _recorded(text, forms)
    if recorded is not None:
        return recorded
    try:
        return parse_number(text)
    except NumberError as exc:
        raise ValueError(f"{refusal}: {exc.message}") from None


def _recorded(text: str, forms: object) -> PhoneNumber | None:
    shown = forms.get(text) if isinstance(forms, dict) else None
    if not isinstance(shown, dict):
        return None
    display, international, tel_uri = shown.get("display"), shown.get("international"), shown.get("tel_uri")
    if not (isinstance(display, str) and isinstance(international, str | None)
            and isinstance(tel_uri, str | None)):
        return None
    return number_from_forms(text, display, international, tel_uri)


def _optional_text(raw: dict[str, Any], key: str) -> str | None:
    return _text(raw, key) if key in raw else None


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw[key]
    if not isinstance(value, dict):
        raise ValueError(f"{key!r} must be a table")
    return value


def _table_list(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = raw[key]
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"{key!r} must be a non-empty list of tables")
    return value


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be non-empty text")
    return value.strip()


def _texts(raw: dict[str, Any], key: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{key!r} must be a list of non-empty text")
    return [v.strip() for v in value]


def _date(raw: dict[str, Any], key: str) -> str:
    text = _text(raw, key)
    dt.date.fromisoformat(text)
    return text
