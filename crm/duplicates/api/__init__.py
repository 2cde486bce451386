"""The partners' and contacts' /duplicates and /merge endpoints."""
