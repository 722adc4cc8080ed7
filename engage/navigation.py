"""What every page template can use: the navigation for the signed-in user's role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user

from engage.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    roles: tuple[Role, ...] = tuple(Role)


# The board is read-only: figures and published boards, never an idea or a concern.
CONTRIBUTORS = (Role.STAFF, Role.LEADER, Role.GUARDIAN, Role.ADMIN)

NAVIGATION = (
    NavItem("Home", "pages.home"),
    NavItem("Speak up", "submissions.front_door", CONTRIBUTORS),
    NavItem("Ideas", "submissions.ideas", CONTRIBUTORS),
    NavItem("What I raised", "submissions.mine", CONTRIBUTORS),
    NavItem("Inbox", "submissions.inbox", (Role.LEADER, Role.GUARDIAN)),
    NavItem("Speak up cases", "guardian.home", (Role.GUARDIAN,)),
    NavItem("You said, we did", "responses.boards"),
    NavItem("Metrics", "metrics.index"),
    NavItem("Users", "admin_users.list_users", (Role.ADMIN,)),
    NavItem("Structure", "organisation.structure", (Role.ADMIN,)),
    NavItem("Import", "admin_users.import_csv", (Role.ADMIN,)),
    NavItem("Audit log", "audit.events", (Role.ADMIN,)),
    NavItem("Jobs", "scheduler.overview", (Role.ADMIN,)),
)


def navigation_items() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    role = current_user.role_enum
    items = []
    for item in NAVIGATION:
        if role not in item.roles:
            continue
        href = url_for(item.endpoint)
        current = request.endpoint == item.endpoint
        items.append({"text": item.text, "href": href, "current": current})
    return items


def register_template_globals(app: Flask) -> None:
    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {
            "navigation_items": navigation_items,
            "service_name": current_app.config["SERVICE_NAME"],
            "trust_name": current_app.config["TRUST_NAME"],
            "csp_nonce": g.get("csp_nonce", ""),
            "outbox_enabled": current_app.config["MAIL_BACKEND"] == "outbox",
        }
