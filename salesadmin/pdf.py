"""Printed documents: HTML templates rendered to PDF with WeasyPrint.

WeasyPrint fetches whatever a template links to. Ours may link only to our
own static files (and data: URIs, which the QR codes use), so a customer name
or remark that ever reached a template as markup could not make the server
fetch an outside URL or read a local file. Everything else is refused.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils._os import safe_join
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from salesadmin.decimal_input import round_money

# A reserved name (RFC 2606) that never resolves: relative and root-relative
# links in a template are joined onto it, and the fetcher maps it to files.
PDF_ORIGIN = "https://salesadmin.invalid"


class ResourceRefused(ValueError):
    """A printed document linked to something other than our static files."""


# --- The restricted URL fetcher -------------------------------------------------


def _static_prefixes() -> list[str]:
    static_url = settings.STATIC_URL or "/static/"
    if "://" in static_url:  # static files on a CDN: still served from disk here
        return [static_url]
    return [f"{PDF_ORIGIN}/{static_url.lstrip('/')}"]


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(Path(storage.location))
    return [root.resolve() for root in roots]


def _find_static(name: str) -> Path | None:
    """The local file for a static name, as {% static %} would serve it."""
    name = unquote(name)
    if not name or name.endswith("/"):
        return None
    try:
        found = finders.find(name)
        if found:
            return Path(found)
        if settings.STATIC_ROOT:  # collected (possibly hashed) names in production
            collected = Path(safe_join(str(settings.STATIC_ROOT), name))
            if collected.is_file():
                return collected
    except SuspiciousFileOperation:
        return None
    return None


def _file_result(path: Path, url: str) -> dict:
    return {
        "string": path.read_bytes(),
        "mime_type": mimetypes.guess_type(path.name)[0],
        "redirected_url": url,
    }


def _data_uri(url: str) -> dict:
    from weasyprint.urls import default_url_fetcher

    # urllib decodes data: URIs itself, without any network access.
    return default_url_fetcher(url)


def static_url_fetcher(url: str, *args, **kwargs) -> dict:
    """WeasyPrint's url_fetcher: our static files and data: URIs, nothing else.

    Raising makes WeasyPrint skip the resource (and log it), so a refused
    image or stylesheet never stops a document from printing.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return _data_uri(url)
    if scheme == "file":
        path = Path(unquote(urlsplit(url).path)).resolve()
        if path.is_file() and any(path.is_relative_to(root) for root in _static_roots()):
            return _file_result(path, url)
        raise ResourceRefused(f"Printed documents may not read {url!r}.")
    for prefix in _static_prefixes():
        if url.startswith(prefix):
            name = urlsplit(url[len(prefix) :]).path
            path = _find_static(name)
            if path is None:
                raise ResourceRefused(f"No static file {name!r}.")
            return _file_result(path, url)
    raise ResourceRefused(f"Printed documents may load only our static files, not {url!r}.")


# --- Rendering ----------------------------------------------------------------------


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template under templates/pdf/ to PDF bytes.

    The template links to its stylesheet with {% static %}; fonts are the
    system's (fonts-noto-cjk), found by fontconfig, so Chinese prints.
    """
    # WeasyPrint is imported in html_to_pdf: it loads Pango and fontconfig,
    # which only printing needs.
    return html_to_pdf(render_to_string(template_name, context, request=request))


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a rendered template (render_pdf without the template step)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=f"{PDF_ORIGIN}/", url_fetcher=static_url_fetcher)
    return document.write_pdf(font_config=_font_config())


# --- Prints rendered off the request path -----------------------------------------------
# A long document (the five-copy delivery note: ~0.5-1 s of layout on this
# hardware) is rendered by a Celery task and kept in StoredPdf under the hash
# of the HTML it was made from. A page recomputes the hash (a template render,
# milliseconds) and serves the stored bytes only if they match: what prints is
# always the document as it reads now.


def html_digest(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def stored_pdf(*, document: str, digest: str) -> bytes | None:
    from salesadmin.models import StoredPdf

    content = (
        StoredPdf.objects.filter(document=document, digest=digest)
        .values_list("content", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None


def store_pdf(*, document: str, digest: str, content: bytes) -> None:
    """Keep the bytes for ``document`` (one row each, replaced: an upsert)."""
    from salesadmin.models import StoredPdf

    StoredPdf.objects.update_or_create(
        document=document, defaults={"digest": digest, "content": content}
    )


_printers = threading.local()


def _font_config():
    """One font configuration per thread, kept for the process: WeasyPrint
    otherwise loads the CJK fonts' faces again for every document. (Not its
    resource cache: every QR code is a new data: URI, it would only grow.)
    Measured on the one-page invoice (2-core machine at load 13, median of 5):
    layout 412 ms with a new configuration each time, 226 ms with this one."""
    if not hasattr(_printers, "font_config"):
        from weasyprint.text.fonts import FontConfiguration

        _printers.font_config = FontConfiguration()
    return _printers.font_config


def pdf_response(pdf_bytes: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    # Prices and customers: no shared cache may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- Numbers as printed ---------------------------------------------------------------


def money_text(value: Decimal | None) -> str:
    """2,145.00"""
    if value is None:
        return ""
    return f"{round_money(value):,.2f}"


def quantity_text(value: Decimal | None) -> str:
    """Quantities without trailing zeros: 10, 100.5, 1,234.125."""
    if value is None:
        return ""
    value = Decimal(value).normalize()
    text = f"{value:,f}"
    return "0" if text in ("-0", "") else text


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_WAN = 10**4
_YI = 10**8
# "Up to 万亿": anything below 10,000 万亿 yuan.
CAPITAL_LIMIT = 10**16


def _below_ten_thousand(n: int) -> str:
    words, pending_zero = [], False
    for digit, place in zip(f"{n:04d}", _PLACES, strict=True):
        if digit == "0":
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append("零")
            pending_zero = False
        words.append(_DIGITS[int(digit)] + place)
    return "".join(words)


def _yuan_words(n: int) -> str:
    if n >= _YI:
        high, low = divmod(n, _YI)
        return _yuan_words(high) + "亿" + _lower_part(low, _YI)
    if n >= _WAN:
        high, low = divmod(n, _WAN)
        return _below_ten_thousand(high) + "万" + _lower_part(low, _WAN)
    return _below_ten_thousand(n)


def _lower_part(low: int, unit: int) -> str:
    # 壹拾贰万零叁拾肆: a gap between the parts is read as one 零.
    if not low:
        return ""
    return ("零" if low < unit // 10 else "") + _yuan_words(low)


def rmb_capital(amount: Decimal | int | str) -> str:
    """An amount in Chinese capital numerals (大写金额), as written on cheques:
    2145.00 → 人民币贰仟壹佰肆拾伍元整, 120034.56 → 人民币壹拾贰万零叁拾肆元伍角陆分.

    Follows the PBOC rules for filling in bills: 整 after 元, none after 角 or
    分; 零 for a gap and for an empty 角 before 分; 壹拾 for a leading ten.
    """
    value = round_money(amount)
    sign = "负" if value < 0 else ""
    cents = int(abs(value) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if yuan >= CAPITAL_LIMIT:
        raise ValueError(f"{amount} is too large to write in capitals.")
    words = _yuan_words(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return f"人民币{sign}{words or '零元'}整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            words += "零"
        words += _DIGITS[fen] + "分"
    return f"人民币{sign}{words}"
