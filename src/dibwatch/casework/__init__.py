"""Casework: the team's state beside the workspace (an SQLite file): users and API tokens,
cases and analysts' decisions on list matches, the hash-chained audit trail. Below the web
app, the monitor, risk scoring and cross-referencing, which all read or write it; nothing in
it knows HTTP."""
