"""/api/v1/network: the network's endpoints and their schemas."""
