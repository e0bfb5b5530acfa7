"""Signed webhooks (Standard Webhooks): one POST of the event's JSON to a subscription.

The body is the dispatch's payload, serialized once (``encode``) and signed exactly as
sent. Headers: ``webhook-id`` (the event's id, the same on every retry, so that a
receiver drops duplicates), ``webhook-timestamp`` (this attempt's Unix seconds: a
receiver refuses old ones, which stops replays), ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`` keyed with the secret's
bytes) and ``x-tracker-event`` (the event type, for routing without parsing).

A 2xx answer is delivered. 429, 5xx, a refused connection or a timeout say the receiver
is down: the subscription's other rows of the run wait with it (an outage of that
subscription only). Any other answer (4xx, a redirect, which is never followed) fails
this event alone; it is retried with backoff like every failure (at least once).
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from urllib.parse import urlsplit

import requests

from . import http

SECRET_PREFIX = "whsec_"
URL_IN_MESSAGE = re.compile(r"with url: \S+")


def new_secret():
    """A fresh signing secret: 32 random bytes, as Standard Webhooks libraries read it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def key_of(secret):
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def encode(payload):
    """The exact bytes sent and signed."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret, event_id, timestamp, body):
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(dispatch, body, timestamp):
    event_id = dispatch.subject_key
    return {
        "content-type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(dispatch.subscription.secret, event_id, timestamp, body),
        "x-tracker-event": (dispatch.payload or {}).get("type", ""),
    }


class ReceiverError(Exception):
    """The receiver answered, and not with a 2xx."""

    def __init__(self, status, outage, url):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.outage = outage
        self.url = url


def where(url):
    """scheme://host:port of a receiver: its path and query may hold a credential."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or ''}".rstrip(":")


class WebhookChannel:
    """POSTs events to their subscriptions through one HTTP session per delivery run.

    ``ordered``: a subscription's events go out in the order they were recorded; a row
    that is not delivered holds back that subscription's later rows (dispatch, claims).
    """

    name = "webhook"
    ordered = True

    def __init__(self):
        self.http = None

    def open(self):
        if self.http is None:
            self.http = http.session()

    def send(self, dispatch):
        self.open()
        body = encode(dispatch.payload)
        # The attempt's real time (not a test's ``now``): receivers compare it with theirs.
        stamp = int(time.time())
        try:
            # stream=True: the answer's body is never read (a receiver cannot make us
            # download anything); only its status counts.
            response = http.post(
                self.http,
                dispatch.subscription.url,
                data=body,
                headers=headers(dispatch, body, stamp),
                stream=True,
            )
        except requests.RequestException as error:  # refused, timed out, reset: kept
            return error
        response.close()
        if 200 <= response.status_code < 300:
            return None
        status = response.status_code
        return ReceiverError(
            status, outage=status == 429 or status >= 500, url=dispatch.subscription.url
        )

    def is_outage(self, error):
        if isinstance(error, ReceiverError):
            return error.outage
        return isinstance(error, requests.RequestException)

    def describe(self, error):
        url = getattr(error, "url", None)
        if isinstance(error, requests.RequestException) and error.request is not None:
            url = error.request.url
        receiver = f" (receiver {where(url)})" if url else ""
        # urllib3 names the path and query ("with url: /hook?..."), which may hold a
        # credential: only the receiver's scheme, host and port are kept.
        text = URL_IN_MESSAGE.sub("with url: …", " ".join(str(error).split()))
        return http.mask(f"{type(error).__name__}: {text}{receiver}")

    def close(self):
        if self.http is not None:
            self.http.close()
            self.http = None
