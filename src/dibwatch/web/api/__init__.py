"""The JSON API, one router per area."""
