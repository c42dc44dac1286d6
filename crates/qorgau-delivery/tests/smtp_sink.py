"""An SMTP sink for crates/qorgau-delivery/tests/delivery.rs, on aiosmtpd.

Serve (aiosmtpd's own command line, with this handler):

    PYTHONPATH=tests python -m aiosmtpd -n -l 127.0.0.1:PORT \
        -c smtp_sink.SaveToFolder FOLDER

Each accepted message is written to FOLDER/<n>.eml exactly as received.
Recipients whose local part starts with "refuse" are answered 550 at RCPT;
those starting with "later" are answered 451 (a temporary refusal).

Read a saved message back with Python's own e-mail parser:

    python smtp_sink.py parse FILE   # prints a JSON summary
"""

import email
import email.policy
import hashlib
import itertools
import json
import os
import sys


class SaveToFolder:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.counter = itertools.count(1)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("SaveToFolder takes one argument: the folder")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        local = address.split("@", 1)[0].lower()
        if local.startswith("refuse"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        number = next(self.counter)
        path = os.path.join(self.folder, f"{number}.eml")
        temporary = path + ".tmp"
        with open(temporary, "wb") as file:
            file.write(envelope.original_content)
        os.replace(temporary, path)
        return "250 Message accepted for delivery"


def summarize(path: str) -> dict:
    with open(path, "rb") as file:
        raw = file.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    head = raw.split(b"\r\n\r\n", 1)[0]
    attachments = []
    texts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment":
            payload = part.get_payload(decode=True)
            attachments.append(
                {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "size": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                }
            )
        elif part.get_content_maintype() == "text":
            texts.append({"type": part.get_content_type(), "content": part.get_content()})
    raw_subject = [
        line.decode("ascii", "replace")
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"subject:") or line.startswith((b" ", b"\t"))
    ]
    return {
        "subject": str(message["subject"]),
        "raw_subject": "\r\n".join(raw_subject),
        "head_is_ascii": all(byte < 128 for byte in head),
        "message_id": str(message["message-id"]),
        "from": str(message["from"]),
        "to": str(message["to"]),
        "date": str(message["date"]),
        "defects": [str(defect) for part in message.walk() for defect in part.defects],
        "attachments": attachments,
        "texts": texts,
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "parse":
        print(json.dumps(summarize(sys.argv[2]), ensure_ascii=False))
    else:
        sys.exit(__doc__)
