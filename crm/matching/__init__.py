"""Finding records that describe the same organisation or person, tuned for German names."""
