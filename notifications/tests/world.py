"""Helpers shared by the notification tests: tasks with deadlines, and reading emails."""

import asyncio
import email
import threading
from email import policy

from tracker.models import KeyTask


def make_task(work_point, department, code, deadline, **fields):
    return KeyTask.objects.create(
        code=code,
        year=deadline.year,
        title=f"任务{code}",
        work_point=work_point,
        lead_department=department,
        deadline=deadline,
        **fields,
    )


def subject(message):
    return " ".join(str(message["Subject"]).split())


def to(messages, address):
    return [m for m in messages if address in m["To"]]


def of_kind(messages, kind):
    """The messages whose dispatch (the X-Tracker-Dispatch header) is of ``kind``."""
    from notifications.models import Dispatch

    ids = {int(m["X-Tracker-Dispatch"]): m for m in messages}
    kinds = dict(Dispatch.objects.filter(pk__in=ids).values_list("pk", "kind"))
    return [m for pk, m in ids.items() if kinds[pk] == kind]


def body(message):
    return message.get_body(("plain",)).get_content()


class MailServer:
    """A real SMTP server (aiosmtpd) on loopback that a test can stop, start again on the
    same port, or make stall: it then accepts the connection and the message's envelope
    but answers the message itself only when released (451, the sender having gone), so
    a sender waits until its EMAIL_TIMEOUT."""

    def __init__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages = []
        self.refuse = set()  # addresses it answers 550
        self.stalling = False
        self.released = threading.Event()
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stalling:
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Sender went away; try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.released.set()
            self.controller.stop()
            self.controller = None

    def stall(self):
        self.stalling = True
        self.released.clear()

    def unstall(self):
        self.stalling = False
        self.released.set()


def item_link(key, admin_path):
    """The link an email gives for an item under the site's URLs: its phone page
    (``/m/open/<key>/``) once ``mobile:open`` exists, its admin page until then.
    test_links.py asserts each shape under URLs of its own."""
    from notifications.emails import absolute, item_path

    return absolute(item_path(key, admin_path))
