"""Fake WeCom and DingTalk robots on loopback, checking the requests as the platforms
document them (the real hosts are not reachable from the test machines).

Each fake answers on a real ``receivers.Receiver`` the way its platform does: HTTP 200
with ``{"errcode": 0, "errmsg": "ok"}``, or with the platform's error code when the
request breaks one of its rules. The rules and codes are those the channels cite
(docs/plans/issue-18-integrations.md, 5.1 and 5.2):

- WeCom: ``POST /cgi-bin/webhook/send?key=<key>`` (else 93000), JSON (else 40035-like),
  ``msgtype`` text or markdown (else 40008), markdown content not empty and at most
  4,096 bytes of UTF-8 (else 40058), 20 messages a minute (else 45009).
- DingTalk: ``POST /robot/send?access_token=<token>`` (else 300005); with a signing
  secret, ``timestamp`` (ms) within an hour and ``sign`` = base64(HMAC-SHA256) of
  "timestamp\\nsecret" (else 310000); the keyword in the message if one is set (else
  310000); ``msgtype`` markdown with ``title`` and ``text``, at most 20,000 bytes; 20 a
  minute (else 130101, and then the robot is throttled for ten minutes).

A test may queue answers of its own first (``fake.receiver.script.append(...)``); the
fake's own rules answer the rest. The fakes count the minute by their ``now`` (a test
sets it to the delivery run's ``now=``), else by the real clock.
"""

import base64
import datetime
import hashlib
import hmac
import json
import time

from django.utils import timezone

from .receivers import Receiver

WECOM_PATH = "/cgi-bin/webhook/send"
DINGTALK_PATH = "/robot/send"
MINUTE = datetime.timedelta(seconds=60)


class Answers(list):
    """A receiver's script that never runs out: the answers a test queued, then the
    fake's own (``default``)."""

    def __init__(self, default):
        super().__init__()
        self.default = default

    def __bool__(self):
        return True

    def pop(self, index=-1):
        return super().pop(index) if len(self) else self.default


def error(code, message):
    return 200, {"errcode": code, "errmsg": message}


OK = (200, {"errcode": 0, "errmsg": "ok"})


class FakeRobot:
    """What both fakes share: a receiver, the messages accepted, the minute's count."""

    limit = 20
    secret = keyword = ""  # DingTalk's security settings; WeCom has none

    def __init__(self, receiver=None):
        self.receiver = receiver or Receiver()
        self.receiver.script = Answers(self.answer)
        self.accepted = []  # the JSON bodies taken
        self.given = []  # when each accepted message was taken
        self.now = None  # the time the fake counts by; None: the real clock

    def clock(self):
        return self.now or timezone.now()

    def over_limit(self):
        now = self.clock()
        return sum(1 for at in self.given if at > now - MINUTE) >= self.limit

    def take(self, body):
        self.accepted.append(body)
        self.given.append(self.clock())
        return OK

    def close(self):
        self.receiver.close()

    def parse(self, request):
        """The JSON body, or an error answer."""
        if request.method != "POST":
            return None, error(43002, "require POST method")
        if not request.headers.get("content-type", "").startswith("application/json"):
            return None, error(40035, "invalid content type, hint: application/json")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None, error(40035, "invalid json")
        if not isinstance(body, dict):
            return None, error(40035, "invalid json")
        return body, None


class WeComFake(FakeRobot):
    def __init__(self, key="wecom-key-0123456789", receiver=None):
        super().__init__(receiver)
        self.key = key

    @property
    def url(self):
        return f"{self.receiver.url}{WECOM_PATH}?key={self.key}"

    def contents(self):
        return [body["markdown"]["content"] for body in self.accepted]

    def answer(self, request):
        if request.path != WECOM_PATH or request.query.get("key") != self.key:
            return error(93000, "invalid webhook url, hint: [fake], from ip: 127.0.0.1")
        body, refused = self.parse(request)
        if refused:
            return refused
        kind = body.get("msgtype")
        if kind not in ("text", "markdown"):
            return error(40008, "invalid message type")
        content = (body.get(kind) or {}).get("content")
        if not isinstance(content, str) or not content:
            return error(44004, "empty content")
        if kind == "markdown" and len(content.encode("utf-8")) > 4096:
            return error(40058, "markdown.content exceed max length 4096. invalid Request")
        if self.over_limit():
            return error(45009, "api freq out of limit")
        return self.take(body)


def dingtalk_sign(secret, timestamp):
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


class DingTalkFake(FakeRobot):
    def __init__(self, token="dingtalk-token-0123", secret="", keyword="", receiver=None):
        super().__init__(receiver)
        self.token, self.secret, self.keyword = token, secret, keyword
        self.blocked_until = None

    @property
    def url(self):
        return f"{self.receiver.url}{DINGTALK_PATH}?access_token={self.token}"

    def texts(self):
        return [body["markdown"]["text"] for body in self.accepted]

    def answer(self, request):
        if request.path != DINGTALK_PATH or request.query.get("access_token") != self.token:
            return error(300005, "token is not exist")
        if self.secret and (refused := self.check_signature(request)):
            return refused
        body, refused = self.parse(request)
        if refused:
            return refused
        if body.get("msgtype") != "markdown":
            return error(40035, "缺少参数 msgtype")
        markdown = body.get("markdown") or {}
        title, text = markdown.get("title"), markdown.get("text")
        if not (isinstance(title, str) and title and isinstance(text, str) and text):
            return error(40035, "缺少参数 markdown.title/markdown.text")
        if len(request.body) > 20000:
            return error(460101, "message too long, exceed 20000 bytes")
        if self.keyword and self.keyword not in text:
            return error(310000, "keywords not in content")
        return self.rate_checked(body)

    def check_signature(self, request):
        timestamp, signature = request.query.get("timestamp"), request.query.get("sign")
        if not (timestamp and timestamp.isdigit()):
            return error(310000, "invalid timestamp")
        if abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
            return error(310000, "invalid timestamp")
        # The receiver has URL-decoded the query once, as DingTalk does.
        if signature != dingtalk_sign(self.secret, timestamp):
            return error(310000, "sign not match")
        return None

    def rate_checked(self, body):
        now = self.clock()
        if self.blocked_until and now < self.blocked_until:
            return error(130101, "send too fast, exceed 20 times per minute")
        if self.over_limit():
            self.blocked_until = now + 10 * MINUTE
            return error(130101, "send too fast, exceed 20 times per minute")
        return self.take(body)
