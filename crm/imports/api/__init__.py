"""/api/v1/imports: the import endpoints."""
