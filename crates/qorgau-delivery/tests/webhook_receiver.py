"""A webhook receiver for crates/qorgau-delivery/tests/delivery.rs.

Verifies every request with the official Standard Webhooks library
(`standardwebhooks` from PyPI) against each configured secret, and records
what it received in a JSON file after every request.

    python webhook_receiver.py --out received.json --fail-first 2 \
        --secret whsec_... [--secret whsec_...]

Prints the port it listens on (127.0.0.1, chosen by the system) as the first
line of standard output. Paths:

    /hook      500 for the first --fail-first requests, then 204
    /gone      410
    /slow      waits --slow-seconds, then 204
    /redirect  302 to /hook
    /busy      429 with Retry-After: 120
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--secret", action="append", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    options = parser.parse_args()

    lock = threading.Lock()
    received = []
    hook_requests = [0]

    def record(entry: dict) -> None:
        with lock:
            received.append(entry)
            temporary = options.out + ".tmp"
            with open(temporary, "w", encoding="utf-8") as file:
                json.dump(received, file, ensure_ascii=False, indent=1)
            os.replace(temporary, options.out)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - quiet
            pass

        def answer(self, status: int, headers: dict | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            verified_with = []
            errors = []
            for index, secret in enumerate(options.secret):
                try:
                    Webhook(secret).verify(body, headers)
                    verified_with.append(index)
                except WebhookVerificationError as error:
                    errors.append(f"{index}: {error}")
            path = self.path
            if path == "/hook":
                with lock:
                    hook_requests[0] += 1
                    count = hook_requests[0]
                status = 500 if count <= options.fail_first else 204
            elif path == "/gone":
                status = 410
            elif path == "/slow":
                time.sleep(options.slow_seconds)
                status = 204
            elif path == "/redirect":
                status = 302
            elif path == "/busy":
                status = 429
            else:
                status = 404
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            record(
                {
                    "path": path,
                    "status": status,
                    "webhook_id": headers.get("webhook-id"),
                    "webhook_timestamp": headers.get("webhook-timestamp"),
                    "signatures": len(headers.get("webhook-signature", "").split()),
                    "content_type": headers.get("content-type"),
                    "verified_with": verified_with,
                    "errors": errors,
                    "payload": payload,
                }
            )
            extra = {}
            if status == 302:
                extra["Location"] = "/hook"
            if status == 429:
                extra["Retry-After"] = "120"
            self.answer(status, extra)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
