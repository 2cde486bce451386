"""Headers on every response that keep browsers from misusing what the app sends.

- `Content-Security-Policy`: the pages (Swagger UI at /docs, the network map at /network)
  load only the app's own scripts, styles and images, with no inline script, and no
  other site may frame them (`frame-ancestors 'none'`; `X-Frame-Options: DENY` for older
  browsers). The API's JSON gets the same policy: one rule, and nothing it names exists
  in JSON anyway.
- `X-Content-Type-Options: nosniff`: a JSON answer or a download is never run as a script.
- `Referrer-Policy: no-referrer`: no address of the app, with its ids, leaves it.
- `Cache-Control: no-store` on every answer under /api/ but the published document: what
  is there needs a key, and much of it is personal data (contacts, the Art. 15 copy,
  exports, reports, the audit trail); no proxy and no browser cache may keep a copy.
  Clients that keep their own copies still revalidate them with `ETag`/`If-None-Match`.
"""

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",  # Swagger UI's icons are data: URLs
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
EVERY_RESPONSE = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
PUBLISHED_DOCUMENT = "/api/v1/openapi.json"


def _protect(response: Response) -> Response:
    for name, value in EVERY_RESPONSE.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/") and request.path != PUBLISHED_DOCUMENT:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_protect)
