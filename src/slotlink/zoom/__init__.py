"""Zoom: connections, OAuth, the one Zoom HTTP client, webhooks, rollout and the sync log."""
