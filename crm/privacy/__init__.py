"""Data protection built into the model (DSGVO): which columns hold personal data and the
processing record made from that (Art. 30), consent and its withdrawal, the retention
rules, the copy of everything about a person (Art. 15) and erasure (Art. 17).

Functions here flush and never commit: the view or the command that calls them commits.
"""
