"""A resource owner's webhook receiver for crates/qorgau/tests/delivery.rs.

Verifies every request with the official Standard Webhooks library
(`standardwebhooks` from PyPI) against the secrets in --secret-file (one per
line, read at each request, so the test can write the secret after
registering the endpoint), answers 204 when verified and 401 when not, and
records each request in --out (a JSON list, rewritten atomically):

    python webhook_sink.py --port PORT --secret-file FILE --out FILE \
        --now-file FILE [--fail-first N]

With --fail-first N the first N verified requests are answered 500 (a
receiver that fails, then recovers); each is still recorded.

The server under test runs on a pinned clock (QORGAU_TEST_NOW), and it signs
`webhook-timestamp` with that clock. The library's five-minute tolerance is
kept, but measured against the pinned time in --now-file (RFC 3339, rewritten
by the test at each restart) instead of this machine's clock.
"""

import argparse
import json
import os
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import standardwebhooks.webhooks as library
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--now-file", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    options = parser.parse_args()

    class PinnedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            with open(options.now_file, encoding="utf-8") as file:
                pinned = datetime.fromisoformat(file.read().strip())
            return pinned.astimezone(tz)

    library.datetime = PinnedClock
    lock = threading.Lock()
    received = []
    failures_left = [options.fail_first]

    def secrets():
        with open(options.secret_file, encoding="utf-8") as file:
            return [line.strip() for line in file if line.strip()]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            verified = False
            payload = None
            for secret in secrets():
                try:
                    payload = Webhook(secret).verify(body, headers)
                    verified = True
                    break
                except WebhookVerificationError:
                    continue
            status = 204 if verified else 401
            with lock:
                if verified and failures_left[0] > 0:
                    failures_left[0] -= 1
                    status = 500
            entry = {
                "webhook_id": headers.get("webhook-id"),
                "verified": verified,
                "status": status,
                "type": payload.get("type") if isinstance(payload, dict) else None,
                "data": payload.get("data") if isinstance(payload, dict) else None,
            }
            with lock:
                received.append(entry)
                temporary = options.out + ".tmp"
                with open(temporary, "w", encoding="utf-8") as file:
                    json.dump(received, file, ensure_ascii=False)
                os.replace(temporary, options.out)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
