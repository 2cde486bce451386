"""Business rules worth a name. Services flush; the request commits."""
