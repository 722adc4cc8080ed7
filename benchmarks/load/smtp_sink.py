"""A real SMTP server (aiosmtpd) for `make faults`: accepts every message and appends its
Message-ID, recipient and arrival time to a JSON-lines file, so the run can tell whether any
email arrived twice. Usage: smtp_sink.py PORT FILE; SIGTERM stops it (the fault run stops it
for a minute and starts it again on the same port)."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        line = {
            "at": time.time(),
            "message_id": str(message["Message-ID"] or ""),
            "to": list(envelope.rcpt_tos),
        }
        # Written (and flushed) before the 250 reply: what the sender was told was accepted
        # is on disk.
        with self.lock, open(self.path, "a", encoding="utf-8") as received:
            received.write(json.dumps(line) + "\n")
        return "250 Message accepted for delivery"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("smtp sink ready", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
