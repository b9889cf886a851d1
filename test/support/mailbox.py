#!/usr/bin/python3
"""Reads the Maildir the e2e SMTP server writes, in sending order.

    mailbox.py MAILDIR texts RECIPIENT        the plain text of each mail to RECIPIENT, one line each
    mailbox.py MAILDIR links RECIPIENT PATH   the tokens of the links to PATH in those mails

Order is the outbox's: the dispatcher's Message-ID is "<OUTBOX_ID.outbox@domain>", and outbox ids
follow the order in which the messages were queued. File names and Date headers are no order:
two delivery threads deliver in parallel, and Date has one-second resolution.
"""
import email
import email.policy
import os
import re
import sys


def outbox_id(message):
    match = re.match(r"<(\d+)\.outbox@", str(message["Message-ID"] or ""))
    return int(match.group(1)) if match else sys.maxsize


def mails_to(box, recipient):
    folder = os.path.join(box, "new")
    found = {}
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        if str(message["To"]).strip().lower() != recipient.lower():
            continue
        # At-least-once delivery may write a message twice: one entry per outbox id.
        found.setdefault(outbox_id(message), message)
    return [found[k] for k in sorted(found)]


def main():
    box, what, recipient, *rest = sys.argv[1:]
    for message in mails_to(box, recipient):
        text = message.get_body(("plain",)).get_content()
        if what == "texts":
            print(" ".join(text.split()))  # every run of white space (CR, LF, non-breaking) as one space
        elif what == "links":
            pattern = r"https?://[^/\s]+" + re.escape(rest[0]) + r"\?token=([A-Za-z0-9_-]+)"  # whatever GUICHET_PUBLIC_URL
            for token in re.findall(pattern, text):
                print(token)
        else:
            sys.exit("unknown command " + what)


if __name__ == "__main__":
    main()
