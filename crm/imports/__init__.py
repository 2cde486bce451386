"""Bringing existing lists in (Datenübernahme): reading CSV and XLSX files safely
(`files`), mapping their columns (`columns`) and cells (`values`, `references`) to the
API's fields, and importing their rows all or nothing (`rows`, `run`, `cli`)."""
