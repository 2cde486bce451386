"""Reports, downloaded or scheduled: builders, file formats, export schedules and runs."""
