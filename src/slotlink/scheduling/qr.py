"""QR codes of booking links, drawn on the server (segno: pure Python, no image library)."""

import io

import segno


def qr_svg(text: str) -> bytes:
    """An SVG QR code of `text`, error correction M (readable with a quarter-torn print),
    black on white with the standard four-module quiet zone, sized by its viewBox."""
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(
        out, kind="svg", scale=8, border=4, dark="#000", light="#fff", xmldecl=False
    )
    return out.getvalue()
