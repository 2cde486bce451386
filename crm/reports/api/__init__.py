"""/api/v1/reports, /export-schedules, /export-runs: the reports' endpoints."""
