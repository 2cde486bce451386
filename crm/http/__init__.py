"""HTTP plumbing every resource shares: blueprint, fields, idempotency, keys, limits, lists."""
