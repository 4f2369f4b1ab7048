"""Reading a PDF back as a person or a screen reader would: its text (pdftotext), its pages and their size
(pdfinfo) and pictures of its pages (pdftoppm), from Debian's poppler-utils."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

POPPLER_TOOLS = ("pdftotext", "pdfinfo", "pdftoppm")


def require_poppler() -> None:
    """Skip when poppler-utils is missing, or fail when CI=true: CI installs it, and a card test that
    skipped there would prove nothing."""
    missing = [tool for tool in POPPLER_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} not found (Debian package poppler-utils, see .ci/install-system-deps)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so the card tests may not skip, but {message}", pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class PdfInfo:
    """What pdfinfo says of a file: its page count and the first page's size in points."""

    pages: int
    width: float
    height: float


def pdf_info(path: Path) -> PdfInfo:
    require_poppler()
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    pages = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.MULTILINE)
    assert pages and size, out
    return PdfInfo(int(pages.group(1)), float(size.group(1)), float(size.group(2)))


def pdf_pages_text(path: Path) -> list[str]:
    """The text of each page, in reading order; pages are split where pdftotext puts a form feed."""
    require_poppler()
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_pictures(path: Path, prefix: Path, dpi: int) -> list[Path]:
    """Each page as a PNG, prefix-1.png, prefix-2.png, ..."""
    require_poppler()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(prefix)], check=True, timeout=120)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
