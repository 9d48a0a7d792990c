"""A fake LINE Messaging API on loopback: a real HTTP server that records what kokona's LINE
module (through LINE's SDK) sends, and answers as told. No mock of the SDK."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeLine:
    url: str = ""
    received: list[dict] = field(default_factory=list)
    # Statuses to answer with, in turn; 200 when the list is used up.
    statuses: list[int] = field(default_factory=list)

    @property
    def pushes(self) -> list[dict]:
        return [r for r in self.received if r["path"] == "/v2/bot/message/push"]


@contextmanager
def fake_line_server() -> Iterator[FakeLine]:
    fake = FakeLine()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.received.append(
                {
                    "path": self.path,
                    "body": body,
                    "authorization": self.headers.get("Authorization"),
                    "retry_key": self.headers.get("X-Line-Retry-Key"),
                }
            )
            status = fake.statuses.pop(0) if fake.statuses else 200
            answer = (
                {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
                if status == 200
                else {"message": "fake failure"}
            )
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
