"""The web app: JSON API (yente-shaped ``/match``, firms, shipments, lists, cases, alerts,
audit) over one workspace, with users, roles, sessions, API tokens and an append-only audit
log in an SQLite app state beside the workspace.

Names are loaded on first use (PEP 562): :mod:`dibwatch.monitor` needs the app state
(``dibwatch.web.state``) without importing the app, which itself imports the monitor.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dibwatch.web.app import create_app
    from dibwatch.web.cases import confirmed_links, dismissed_links
    from dibwatch.web.settings import WebSettings
    from dibwatch.web.state import AppState, state_path_for
    from dibwatch.web.users import Role, add_user, create_token

_EXPORTS = {"create_app": "dibwatch.web.app", "confirmed_links": "dibwatch.web.cases",
            "dismissed_links": "dibwatch.web.cases",
            "WebSettings": "dibwatch.web.settings", "AppState": "dibwatch.web.state",
            "state_path_for": "dibwatch.web.state", "Role": "dibwatch.web.users",
            "add_user": "dibwatch.web.users", "create_token": "dibwatch.web.users"}

__all__ = ["AppState", "Role", "WebSettings", "add_user", "confirmed_links", "create_app",
           "create_token", "dismissed_links", "state_path_for"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'dibwatch.web' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
