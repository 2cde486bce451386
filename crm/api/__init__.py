"""The core resources' endpoints: partners, contacts, steering groups, agreements, ..."""
