"""The action form as a person meets it: owners by name, the three-box due date with its
message beside it, what was typed kept, nothing saved from a bad form, and the character
count wherever text has a limit."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.extensions import db
from engage.responses.models import Action
from engage.timeutil import london_today
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def _new_action_page(client: FlaskClient) -> tuple[str, dict[str, int]]:
    ward = make_unit(name="Ward 9")
    leader = make_user(Role.LEADER, unit=ward, leads_units=(ward,), name="Lee Leader")
    raiser = make_user(unit=ward, name="Sam Patel", email="sam.patel@test.nhs.uk")
    twin = make_user(unit=ward, name="Sam Patel", email="other.sam@test.nhs.uk")
    idea = make_submission(raiser)
    sign_in(client, leader)
    client.post(f"/submissions/{idea.id}/decision", data={"outcome": "adopt", "response": "Yes"})
    url = f"/submissions/{idea.id}/actions/new"
    ids = {"idea": idea.id, "leader": leader.id, "raiser": raiser.id, "twin": twin.id}
    return url, ids


def test_owners_are_offered_by_name_role_and_unit(client: FlaskClient) -> None:
    url, ids = _new_action_page(client)
    page = client.get(url).get_data(as_text=True)
    leader = rf'<option value="{ids["leader"]}"\s*>Lee Leader \(Leader, Ward 9\)</option>'
    assert re.search(leader, page)
    # Two people of one name, role and unit: only they are told apart by email address.
    assert "Sam Patel (Ward 9) sam.patel@test.nhs.uk" in page
    assert "Sam Patel (Ward 9) other.sam@test.nhs.uk" in page
    assert page.count("@") == 2, "no other email address is offered"
    # The enhancement is loaded from our own origin, so the CSP allows it with no inline code.
    script = r'src="/static/{}\?v=[0-9a-f]{{12}}"'
    assert re.search(
        script.format(r"vendor/accessible-autocomplete/accessible-autocomplete\.min\.js"), page
    )
    assert re.search(script.format(r"autocomplete\.js"), page)
    assert 'data-module="engage-autocomplete"' in page


def test_a_bad_due_date_is_shown_beside_the_field_with_what_was_typed(
    client: FlaskClient,
) -> None:
    url, ids = _new_action_page(client)
    form = {
        "description": "Label the bay doors",
        "owner_id": str(ids["raiser"]),
        "due_on-day": "31",
        "due_on-month": "",
        "due_on-year": "2031",
        "status": "planned",
        "progress": "0",
    }
    response = client.post(url, data=form)
    assert response.status_code == 200
    page = re.sub(r"\s+", " ", response.get_data(as_text=True))
    group = page[page.index('<fieldset class="nhsuk-fieldset"') :]
    group = group[: group.index("</fieldset>")]
    assert "Due date must include a month" in group, "the message is beside the field"
    assert re.search(r'id="due_on-day"[^>]*value="31"', group), "the day typed is kept"
    assert re.search(r'class="[^"]*nhsuk-input--error[^"]*"[^>]*id="due_on-month"', group)
    assert not re.search(r'class="[^"]*nhsuk-input--error[^"]*"[^>]*id="due_on-day"', group)
    assert 'href="#due_on-month"' in page, "the error summary links to the box at fault"
    assert "Label the bay doors" in page
    assert re.search(rf'<option value="{ids["raiser"]}" selected', page)
    assert db.session.scalar(select(func.count(Action.id))) == 0, "nothing half-written"


def test_the_due_date_boundaries(client: FlaskClient) -> None:
    url, ids = _new_action_page(client)
    today = london_today()

    def post(day: int, month: int, year: int) -> str:
        form = {
            "description": f"Action due {day}/{month}/{year}",
            "owner_id": str(ids["raiser"]),
            "due_on-day": str(day),
            "due_on-month": str(month),
            "due_on-year": str(year),
            "status": "planned",
            "progress": "0",
        }
        return client.post(url, data=form).get_data(as_text=True)

    yesterday = today - timedelta(days=1)
    assert "Due date must be today or in the future" in post(
        yesterday.day, yesterday.month, yesterday.year
    )
    leap = next(year for year in range(today.year + 1, today.year + 6) if year % 4 == 0)
    assert "Due date must be a real date" in post(29, 2, leap + 1)
    post(29, 2, leap)
    post(today.day, today.month, today.year)
    saved = set(db.session.scalars(select(Action.due_on)))
    assert saved == {today, today.replace(year=leap, month=2, day=29)}


def test_limited_text_has_the_character_count(client: FlaskClient) -> None:
    url, _ = _new_action_page(client)
    page = re.sub(r"\s+", " ", client.get(url).get_data(as_text=True))
    assert re.search(
        r'class="nhsuk-form-group nhsuk-character-count"\s+data-module="nhsuk-character-count"'
        r'\s+data-maxlength="500"',
        page,
    )
    assert re.search(
        r'<textarea[^>]*id="description"[^>]*aria-describedby="description-info"', page
    ) or ('aria-describedby="description-info"' in page)
    assert 'id="description-info"' in page and "You can enter up to 500 characters" in page
    too_long = client.post(url, data={"description": "x" * 501}).get_data(as_text=True)
    assert "Description must be 500 characters or fewer" in too_long, "no JavaScript needed"
