"""Helpers of the notice test (tests/it/notices.rs), run with the test venv's Python.

  sms PORT FILE    an HTTP endpoint standing in for an SMS gateway: each POST's body is
                   appended to FILE as one line, answered 200
  read MAILDIR     the messages an SMTP server (aiosmtpd's Mailbox handler) delivered, as JSON:
                   recipients, decoded subject, the text body, and each attachment with the
                   text of its word/document.xml when it is a .docx
"""
import http.server
import io
import json
import mailbox
import re
import sys
import zipfile
from email import policy
from email.parser import BytesParser


def sms(port, path):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            with open(path, "ab") as f:
                f.write(body.replace(b"\n", b" ") + b"\n")
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    http.server.HTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()


def read(maildir):
    out = []
    for key, raw in mailbox.Maildir(maildir, factory=None).items():
        msg = BytesParser(policy=policy.default).parsebytes(raw.as_bytes())
        entry = {"to": str(msg["To"]), "from": str(msg["From"]), "subject": str(msg["Subject"]), "body": "", "attachments": []}
        for part in msg.walk():
            if part.is_multipart():
                continue
            name = part.get_filename()
            if name:
                data = part.get_payload(decode=True)
                text = ""
                if name.endswith(".docx"):
                    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
                    text = re.sub(r"<[^>]+>", "", xml)
                entry["attachments"].append({"filename": name, "size": len(data), "text": text})
            elif part.get_content_type() == "text/plain":
                entry["body"] += part.get_content()
        out.append(entry)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1] == "sms":
        sms(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "read":
        read(sys.argv[2])
    else:
        sys.exit("usage: notice_sinks.py sms PORT FILE | read MAILDIR")
