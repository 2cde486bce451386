"""The production server's configuration, used by `make run` and the README's deployment:
`gunicorn -c gunicorn.conf.py wsgi:app`. Every setting can be given on the command line
too, which wins (`--bind 0.0.0.0:8000`, `--workers 8`).

- Timeouts fit the documented limits: the largest import (100,000 rows) takes about a
  minute by `bench.imports`' figures, a large PDF report some more; a worker is ended only
  after `CRM_WORKER_TIMEOUT` seconds without an answer (default 600, not gunicorn's 30).
- Logs hold no personal data: the app logs one JSON line per request itself (path only,
  never the query string, which may carry a name searched for). gunicorn's own access
  log is off; switched on (`--access-logfile -`), it uses the format below, which has
  the path without the query string and no referrer (whose query string may carry one).
- Workers are recycled after about a thousand requests, so that memory one large
  report or import took is given back.
"""

import os

bind = os.environ.get("CRM_BIND", "127.0.0.1:" + os.environ.get("PORT", "5000"))
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("CRM_WORKER_TIMEOUT", "600"))
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100

accesslog = None
# %(U)s is the path without the query string; %(r)s, %(q)s and %(f)s are not used.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
