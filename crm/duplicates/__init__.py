"""Duplicates (Dubletten): likely pairs and twins, and the duplicate and merge endpoints."""
