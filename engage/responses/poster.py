"""The way in from a noticeboard: the front door's web address, printed and as a QR code.

A unit's poster opens the front door with the unit already chosen. The address is built from
ENGAGE_BASE_URL (engage/links.py), never from the request: a poster printed from a page
reached through any other host name must still send staff to engage's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import segno
from markupsafe import Markup

from engage.links import external_url
from engage.responses.board import BoardScope


@dataclass(frozen=True)
class FrontDoor:
    address: str
    qr_svg: Markup  # inline SVG, so it prints sharp and needs no image request


def front_door_address(scope: BoardScope) -> str:
    if scope.kind == "unit":
        return external_url("submissions.front_door", unit=scope.id)
    return external_url("submissions.front_door")


def qr_code(address: str) -> segno.QRCode:
    # Medium error correction survives a scuffed or folded poster; segno raises it further
    # when that costs no extra size.
    return segno.make(address, error="m", micro=False)


def qr_svg(address: str) -> Markup:
    svg = qr_code(address).svg_inline(
        title=f"QR code for {address}", omitsize=True, svgclass="engage-qr", border=4, scale=1
    )
    label = escape(f"QR code: scan it with a phone camera to open {address}")
    # segno escapes the title it writes, and the label is escaped here: the SVG is inert.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S704


def front_door(scope: BoardScope) -> FrontDoor:
    address = front_door_address(scope)
    return FrontDoor(address, qr_svg(address))
