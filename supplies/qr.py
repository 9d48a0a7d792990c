"""QR codes of the card addresses, drawn on the server as SVG (segno): no image service, no
script, and a print that stays sharp at any size."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, scale: int = 4, title: str = "") -> SafeString:
    """An inline <svg> of `url`. segno writes only its own markup and escapes the title."""
    # segno writes only its own markup and escapes the title: safe to mark so.
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=scale, border=2, dark="#000", omitsize=True, svgclass="qr-code", title=title or None
    )
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703
