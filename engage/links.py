"""Absolute links for mail and jobs, built from ENGAGE_BASE_URL and never from a request.

A link built from the request would follow its Host header, so anyone could have a reset
link pointed at their own site; and the scheduler has no request at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
