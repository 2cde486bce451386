"""/api/v1/privacy and a contact's personal data (DSGVO): the privacy endpoints."""
