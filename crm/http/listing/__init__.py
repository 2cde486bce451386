"""The list engine: query arguments, pages, keyset cursors, shared statements, row dumps."""
