"""One webhook POST: to the address that was checked, under one deadline for all of it.

A timeout per socket operation lets a receiver that trickles a byte every few seconds
hold the worker for as long as it likes. Here the deadline covers connecting, the TLS
handshake, sending and the answer's status line and headers: when it passes, the
connection is shut down, and whatever was waiting for it ends at once.

The connection goes to `address` (resolved and checked by `webhook_targets`), while the
host name of the URL is sent as `Host` and as the TLS server name, and the certificate
is checked against it. Redirects are not followed: a redirect is an answer to log, not a
place to send the body to.
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from crm.changes.webhook_targets import Address


class DeadlinePassed(Exception):
    """The receiver had not answered completely when the delivery's deadline passed."""


class _Deadline:
    """Shuts the connection down when the time is up (from a timer thread)."""

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds
        self.passed = False
        self._lock = threading.Lock()
        # A second handle on the socket: shutting it down ends reads and writes on the
        # connection whatever wraps the socket meanwhile (TLS detaches the first one).
        self._handle: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._cut)

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        if self._handle is not None:
            self._handle.close()

    def connect_to(self, address: Address):
        """A `create_connection` for http.client that ignores the host it is given."""

        def create_connection(host_and_port, timeout=None, source_address=None):
            left = max(self.ends - time.monotonic(), 0.001)
            sock = socket.create_connection((str(address), host_and_port[1]), left)
            with self._lock:
                if self.passed:
                    sock.close()
                    raise DeadlinePassed
                self._handle = sock.dup()
            return sock

        return create_connection

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            if self._handle is not None:
                with contextlib.suppress(OSError):  # the receiver closed it already
                    self._handle.shutdown(socket.SHUT_RDWR)


def post(url: str, address: Address, headers: dict[str, str], body: bytes, seconds: float) -> int:
    """POST `body` to `url` at `address`; the status of the answer. DeadlinePassed when
    the answer was not in after `seconds`; OSError or HTTPException when it went wrong."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=seconds, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=seconds)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    with _Deadline(seconds) as deadline:
        # http.client connects through this attribute; it has since Python 3.2.
        connection._create_connection = deadline.connect_to(address)
        try:
            connection.request("POST", target, body, headers)
            return connection.getresponse().status
        except (OSError, http.client.HTTPException):
            if deadline.passed:
                raise DeadlinePassed from None
            raise
        finally:
            connection.close()
