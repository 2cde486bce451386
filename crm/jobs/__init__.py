"""Jobs: work that outlasts a request, and the periodic work, on a task queue (huey)."""
