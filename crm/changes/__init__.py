"""The change feed (Änderungs-Feed) and webhooks: reading, delivery, endpoints, command."""
