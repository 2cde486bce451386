"""A real webhook receiver on a loopback port, recording what it is sent: the request's
headers and body as they came over the wire, for the reference verifiers to check."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int = 0
    status: int = 204
    received: list[Received] = field(default_factory=list)
    # Called before answering (a slow receiver waits here).
    before_answer: Callable[[], None] = lambda: None
    # Seconds between the bytes of the answer: a receiver that trickles.
    trickle_seconds: float = 0

    def __enter__(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(Received(dict(self.headers), body))
                receiver.before_answer()
                if receiver.trickle_seconds:
                    self.trickle()
                    return
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def trickle(self):
                answer = f"HTTP/1.1 {receiver.status} Slow\r\nContent-Length: 0\r\n\r\n"
                try:
                    for byte in answer.encode():
                        self.wfile.write(bytes([byte]))
                        time.sleep(receiver.trickle_seconds)
                except OSError:
                    pass  # the sender gave up

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/crm"


def free_port() -> int:
    """A port nothing listens on (until someone takes it)."""
    with Receiver() as receiver:
        return receiver.port
