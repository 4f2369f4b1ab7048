"""The card as Qt draws it, read back from the PDF with poppler: every number in its displayed form, the
date, the warning on old sources, the page sizes, the back side, and what did not fit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QPdfWriter
from PySide6.QtWidgets import QApplication

from cst_directory.domain.card import Card, default_entries, make_card
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.ui.card_pages import CardFormat, card_pdf, measure_card, paint_card
from tests.domain.test_card import FAR_FUTURE, RECENT, contact
from tests.pdf_reading import pdf_info, pdf_pages_text, require_poppler

WALLET_POINTS = (243, 153)
A4_POINTS = (595, 842)


@pytest.fixture(autouse=True)
def poppler(qapp: QApplication) -> None:
    require_poppler()


def written(card: Card, card_format: CardFormat, path: Path) -> Path:
    path.write_bytes(card_pdf(card, card_format).data)
    return path


def flat(text: str) -> str:
    """The text with runs of spaces made one, as -layout spreads columns apart."""
    return " ".join(text.split())


def builtin(directory: BuiltinDirectory, entry_id: str) -> Entry:
    return next(e for e in directory.entries if e.id == entry_id)


def assert_size(path: Path, expected: tuple[int, int], pages: int) -> None:
    info = pdf_info(path)
    assert info.pages == pages
    assert abs(info.width - expected[0]) <= 1 and abs(info.height - expected[1]) <= 1, info


def test_the_default_wallet_card_holds_every_number_as_displayed_the_date_and_999_first(
        directory: BuiltinDirectory, tmp_path: Path) -> None:
    chosen = default_entries(directory.entries, directory, "north")
    card = make_card(chosen, directory, RECENT)
    path = written(card, CardFormat.WALLET, tmp_path / "card.pdf")
    assert_size(path, WALLET_POINTS, pages=1)
    text = flat(pdf_pages_text(path)[0])
    for entry in chosen:
        assert entry.number.display in text, entry.number.display
    assert "0800 032 3263" in text and "0161 792 6666" in text
    assert "Printed 1 December 2026" in text
    assert "In an emergency, call 999 first" in text
    # 999 comes before every other number on the card.
    assert text.index("999") < min(text.index(e.number.display) for e in chosen[1:])
    # CST's lines here come from 2015 and 2020 sources: old on this date.
    assert "Source from 2015: check cst.org.uk" in text
    assert "Source from 2020: check cst.org.uk" in text


def test_check_cst_org_uk_is_printed_only_when_a_source_is_old(directory: BuiltinDirectory,
                                                              tmp_path: Path) -> None:
    # Sources checked in November 2026.
    recent_sources = [builtin(directory, "uk-police-101"), builtin(directory, "uk-anti-terrorist-hotline")]
    fresh = written(make_card(recent_sources, directory, RECENT), CardFormat.WALLET, tmp_path / "fresh.pdf")
    stale = written(make_card(recent_sources, directory, FAR_FUTURE), CardFormat.WALLET, tmp_path / "old.pdf")
    fresh_text, stale_text = flat(pdf_pages_text(fresh)[0]), flat(pdf_pages_text(stale)[0])
    assert "check cst.org.uk" not in fresh_text
    assert "Printed 1 January 2060" in stale_text
    assert stale_text.count("Source from 2026: check cst.org.uk") == 3
    for number in ("999", "101", "0800 789321"):
        assert number in fresh_text and number in stale_text


def test_what_overflows_the_front_goes_on_the_back(directory: BuiltinDirectory, tmp_path: Path) -> None:
    own = [contact(n) for n in range(1, 13)]
    card = make_card(own, directory, RECENT)
    fit = measure_card(card, CardFormat.WALLET)
    assert fit.fits and len(fit.sides) == 2
    path = written(card, CardFormat.WALLET, tmp_path / "card.pdf")
    assert_size(path, WALLET_POINTS, pages=2)
    front, back = (flat(page) for page in pdf_pages_text(path))
    on_front = {card.lines[i].number for i in fit.sides[0]}
    for line in card.lines:
        side, other = (front, back) if line.number in on_front else (back, front)
        assert line.number in side
        if line.number != "999":
            assert line.number not in other
    # The back says what it is a part of, and when it was printed.
    assert "CST Directory" in back and "Printed 1 December 2026" in back


def test_more_than_both_sides_hold_is_counted_and_never_drawn_cut(directory: BuiltinDirectory,
                                                                 tmp_path: Path) -> None:
    own = [contact(n) for n in range(1, 41)]
    card = make_card(own, directory, RECENT)
    pdf = card_pdf(card, CardFormat.WALLET)
    assert not pdf.fit.fits
    placed = [i for side in pdf.fit.sides for i in side]
    assert pdf.fit.left_out == len(card.lines) - len(placed) > 0
    # The left out are the last ones: favourites and own contacts go before 999 and the CST lines.
    assert placed == list(range(len(placed)))
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf.data)
    assert_size(path, WALLET_POINTS, pages=2)
    text = flat(" ".join(pdf_pages_text(path)))
    shown = [line for line in card.lines[1:] if line.number in text]
    assert [card.lines.index(line) for line in shown] == placed[1:]
    # The measurement without drawing says the same.
    assert measure_card(card, CardFormat.WALLET) == pdf.fit


def test_the_poster_is_a4_and_holds_what_the_card_could_not(directory: BuiltinDirectory,
                                                             tmp_path: Path) -> None:
    own = [contact(n) for n in range(1, 41)]
    card = make_card([builtin(directory, "cst-office-north"), *own], directory, RECENT)
    path = tmp_path / "poster.pdf"
    pdf = card_pdf(card, CardFormat.POSTER)
    assert pdf.fit.fits
    path.write_bytes(pdf.data)
    info = pdf_info(path)
    assert info.pages == len(pdf.fit.sides) >= 2
    assert_size(path, A4_POINTS, pages=info.pages)
    text = flat(" ".join(pdf_pages_text(path)))
    for line in card.lines:
        assert line.number in text
    assert "In an emergency, call 999 first" in text and "check cst.org.uk" in text


def test_the_card_is_laid_out_in_points_whatever_the_devices_resolution(directory: BuiltinDirectory) -> None:
    card = make_card([contact(n) for n in range(1, 25)], directory, dt.date(2026, 12, 1))
    fits = []
    for dpi in (72, 300, 1200):
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setResolution(dpi)
        fits.append(paint_card(card, CardFormat.WALLET, writer))
    # The same lines on each side at every resolution: fonts scale with the device, not the screen.
    assert fits[0] == fits[1] == fits[2]
    assert 5 <= len(fits[0].sides[0]) <= 12
