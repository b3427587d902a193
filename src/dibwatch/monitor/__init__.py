"""Monitoring: after a new list snapshot, shipments load or risk run, re-screen firms and
watched parties and raise alerts (stored in the app state, sent to a webhook with retries).

Call :func:`prepare` before a load (it records a baseline if none exists) and :func:`check`
after it.
"""

from dibwatch.monitor.alerts import ALERT_KINDS, Alert, get_alert, list_alerts
from dibwatch.monitor.check import MonitorSettings, check, observe, prepare
from dibwatch.monitor.watch import WatchedParty, add_watched, list_watched
from dibwatch.monitor.webhook import Delivery, WebhookSender, deliver_pending, post_alerts

__all__ = ["ALERT_KINDS", "Alert", "Delivery", "MonitorSettings", "WatchedParty",
           "WebhookSender", "add_watched", "check", "deliver_pending", "get_alert",
           "list_alerts", "list_watched", "observe", "post_alerts", "prepare"]
