"""Reading rendered PDFs back with poppler-utils, for the tests of what prints."""

from __future__ import annotations

import subprocess


def poppler(*args: str) -> str:
    """Run a poppler-utils command (pdftotext, pdfinfo, pdffonts, ...); return what it printed."""
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(content: bytes, *, layout: bool = True) -> str:
    """The text of a PDF's bytes; with ``layout`` pdftotext keeps table rows on one line."""
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    done = subprocess.run(args, input=content, capture_output=True, check=True, timeout=60)
    return done.stdout.decode()
