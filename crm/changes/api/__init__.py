"""/api/v1/changes and /api/v1/webhooks: the change feed's endpoints."""
