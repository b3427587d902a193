"""The web app: JSON API (yente-shaped ``/match``, firms, shipments, lists, cases, alerts,
audit) and the dashboard over one workspace, its casework state (users, roles, sessions, API
tokens, cases, the audit trail: :mod:`dibwatch.casework`) beside it."""

from __future__ import annotations

from dibwatch.casework.cases import confirmed_links, dismissed_links
from dibwatch.casework.state import AppState, state_path_for
from dibwatch.casework.users import Role, add_user, create_token
from dibwatch.web.app import create_app
from dibwatch.web.settings import WebSettings

__all__ = ["AppState", "Role", "WebSettings", "add_user", "confirmed_links", "create_app",
           "create_token", "dismissed_links", "state_path_for"]
