"""Records and their rules, below every feature: write path, audit, references, merging."""
