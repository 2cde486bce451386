"""Reports as files: one report data structure (`report.py`), rendered to JSON, CSV, XLSX
and PDF (`formats.py`), calendar and address-book files, and the destinations that
scheduled exports deliver to."""
