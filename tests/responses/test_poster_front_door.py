"""The poster and the board give the unit's front door: its address, built from
ENGAGE_BASE_URL, printed in words and encoded in an inline SVG QR code (issue 14)."""

from __future__ import annotations

import re

import segno
from flask import Flask
from flask.testing import FlaskClient

from engage.responses.board import scope_for
from engage.responses.poster import front_door
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit

PATH_DATA = re.compile(
    r'<svg role="img" aria-label="([^"]+)"[^>]*class="engage-qr".*?\sd="([^"]+)"', re.S
)


def _expected_path_data(address: str) -> str:
    """What a QR code of `address` draws, made here independently of engage's code: the same
    drawing in the page means the page's code carries exactly this address."""
    svg = segno.make(address, error="m", micro=False).svg_inline(border=4, scale=1)
    found = re.search(r'\sd="([^"]+)"', svg)
    assert found is not None
    return found.group(1)


def test_the_units_poster_carries_its_front_door_address_and_qr_code(
    app: Flask, client: FlaskClient
) -> None:
    ward = make_unit()
    sign_in(client, make_user(unit=ward))
    address = f"{app.config['BASE_URL'].rstrip('/')}/speak-up?unit={ward.id}"
    for page_url in (f"/boards/unit/{ward.id}/poster", f"/boards/unit/{ward.id}"):
        page = client.get(page_url).get_data(as_text=True)
        qr = PATH_DATA.search(page)
        assert qr is not None, f"no QR code on {page_url}"
        assert address in qr.group(1), "the QR code's label names the address it opens"
        assert qr.group(2) == _expected_path_data(address), "the QR code encodes the front door"
        assert f'<a href="{address}">{address}</a>' in page, "the address is printed in words"


def test_the_address_is_engages_own_whatever_host_the_page_was_reached_by(
    app: Flask, client: FlaskClient
) -> None:
    with app.test_request_context("/", base_url="http://printer.example"):
        ward = make_unit()
        door = front_door(scope_for("unit", ward.id))
    assert door.address == f"{app.config['BASE_URL'].rstrip('/')}/speak-up?unit={ward.id}"
    assert "printer.example" not in door.qr_svg


def test_a_directorate_poster_opens_the_front_door_without_a_unit(
    app: Flask, client: FlaskClient
) -> None:
    ward = make_unit()
    sign_in(client, make_user(unit=ward))
    address = f"{app.config['BASE_URL'].rstrip('/')}/speak-up"
    page = client.get(f"/boards/directorate/{ward.directorate_id}/poster").get_data(as_text=True)
    qr = PATH_DATA.search(page)
    assert qr is not None and qr.group(2) == _expected_path_data(address)


def test_the_front_door_chooses_the_unit_the_poster_names(client: FlaskClient) -> None:
    ward, other = make_unit(), make_unit()
    sign_in(client, make_user(unit=other))
    page = client.get(f"/speak-up?unit={ward.id}").get_data(as_text=True)
    assert re.search(rf'<option[^>]*value="{ward.id}"[^>]*selected', page)
    own = client.get("/speak-up?unit=999999999").get_data(as_text=True)
    assert re.search(rf'<option[^>]*value="{other.id}"[^>]*selected', own), "unknown: own unit"
    client.post("/sign-out")
    signed_out = client.get(f"/speak-up?unit={ward.id}").get_data(as_text=True)
    assert re.search(rf'<option[^>]*value="{ward.id}"[^>]*selected', signed_out)
