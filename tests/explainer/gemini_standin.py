"""A local stand-in for the Gemini REST API (generateContent), for the LLM tests.

It answers ``POST /v1beta/models/{model}:generateContent`` like Gemini does, and can be told to
fail first (429/500), to be slow, or to return text that is not JSON.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD_ANSWER = {
    "summary": "Reads orders, totals them per country and writes the result.",
    "steps": [{"title": "Read orders", "detail": "CSV with inferred schema", "lines": [4]}],
    "risks": [
        {
            "title": "collect()",
            "detail": "All rows reach the driver",
            "severity": "high",
            "lines": [8],
        }
    ],
    "rewrites": [
        {
            "title": "Bound the collect",
            "before": "rows = totals.collect()",
            "after": "rows = totals.limit(100).collect()",
        }
    ],
}


class GeminiStandIn:
    def __init__(self):
        self.requests: list[dict] = []
        self.failures_before_success: list[int] = []  # status codes to answer first
        self.delay_seconds = 0.0
        self.answer_text = json.dumps(GOOD_ANSWER)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                stand_in.requests.append(
                    {"path": self.path, "key": self.headers.get("x-goog-api-key"), "body": body}
                )
                if stand_in.delay_seconds:
                    time.sleep(stand_in.delay_seconds)
                if stand_in.failures_before_success:
                    code = stand_in.failures_before_success.pop(0)
                    return self._json(
                        code,
                        {"error": {"code": code, "message": "try later", "status": "UNAVAILABLE"}},
                    )
                self._json(
                    200,
                    {
                        "candidates": [
                            {
                                "content": {
                                    "role": "model",
                                    "parts": [{"text": stand_in.answer_text}],
                                },
                                "finishReason": "STOP",
                                "index": 0,
                            }
                        ],
                        "usageMetadata": {
                            "promptTokenCount": 1234,
                            "candidatesTokenCount": 321,
                            "totalTokenCount": 1555,
                        },
                        "modelVersion": "gemini-test",
                    },
                )

            def _json(self, code, payload):
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
