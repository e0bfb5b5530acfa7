"""What the group-robot channels share (WeCom, DingTalk): the slot of the minute, one
POST, and reading the platform's answer.

Both platforms answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}`` on success and
with a non-zero ``errcode`` when they refuse; each adapter sorts its codes into:

- rate-limited: ``Defer`` (try again later; no attempt counted);
- refused for good until someone fixes the robot (a wrong key or token, a signature or
  keyword the robot's security settings refuse, a robot removed or stopped): ``Disable``
  (the robot is paused and the supervisors told);
- busy: ``RobotUnavailable``, an outage (the robot's other rows wait for the next run);
- anything else (a message too long, a malformed request): ``RobotRefused``, this row
  fails alone and is retried after its backoff.

The robot's address holds its credential: ``describe`` masks it (``http.mask``).
"""

import datetime
import json

import requests
import urllib3
from django.utils import timezone

from .. import robots
from . import http
from .base import Defer, Disable

ERRMSG_MAX_LENGTH = 200
# The platforms answer a few dozen bytes; an address pointing elsewhere may answer more.
ANSWER_MAX_BYTES = 64 * 1024


class RobotUnavailable(Exception):
    """The platform is down or busy (5xx, ``errcode`` -1): an outage for this robot."""


class RobotRefused(Exception):
    """The platform refused this one message."""


class RobotChannel:
    """One adapter per platform: ``body(dispatch)`` and ``params(robot)`` make the
    request; the class attributes sort the platform's error codes."""

    name = None
    rate_limited = {}  # errcode -> seconds to wait
    disabling = set()
    busy = {-1}

    def __init__(self):
        self.http = None
        self.robot = None  # the robot of the last send, for describe()

    def open(self):
        if self.http is None:
            self.http = http.session()

    def close(self):
        if self.http is not None:
            self.http.close()
            self.http = None

    def body(self, dispatch):
        raise NotImplementedError

    def params(self, robot):
        return None

    def send(self, dispatch):
        self.open()
        self.robot = dispatch.robot
        # The run's time: the claim's (deliver_due claims each batch at its clock).
        now = dispatch.claimed_at or timezone.now()
        if not robots.host_allowed(self.robot.webhook_url):
            # Allowed when it was added, not any more (TRACKER_ROBOT_HOSTS changed).
            return Disable("the robot's host is not in TRACKER_ROBOT_HOSTS")
        deferred = robots.take_slot(dispatch, now=now)
        if deferred is not None:
            return deferred
        try:
            response = http.post(
                self.http,
                self.robot.webhook_url,
                params=self.params(self.robot),
                json=self.body(dispatch),
                headers={"Content-Type": "application/json; charset=utf-8"},
                stream=True,  # the answer is read up to ANSWER_MAX_BYTES, not whatever comes
            )
            with response:
                outcome = self.interpret(response, now)
        except requests.RequestException as error:
            outcome = error
        if outcome is not None:
            robots.give_back_slot(dispatch)
        return outcome

    def interpret(self, response, now):
        if response.status_code >= 500:
            return RobotUnavailable(f"HTTP {response.status_code}")
        if response.status_code != 200:
            return RobotRefused(f"HTTP {response.status_code}")
        try:
            content = response.raw.read(ANSWER_MAX_BYTES, decode_content=True)
        except urllib3.exceptions.HTTPError as error:  # the answer stalled or broke off
            return RobotUnavailable(f"{type(error).__name__}: {error}")
        try:
            answer = json.loads(content)
            code = int(answer.get("errcode", -2))
        except (ValueError, AttributeError, TypeError):
            return RobotRefused("HTTP 200, but not the platform's JSON answer")
        message = " ".join(str(answer.get("errmsg", "")).split())[:ERRMSG_MAX_LENGTH]
        said = f"errcode {code}: {message}"
        if code == 0:
            return None
        if code in self.rate_limited:
            wait = datetime.timedelta(seconds=self.rate_limited[code])
            return Defer(now + wait, f"{self.name} rate limit, {said}")
        if code in self.disabling:
            return Disable(said)
        if code in self.busy:
            return RobotUnavailable(said)
        return RobotRefused(said)

    def is_outage(self, error):
        return isinstance(error, (requests.ConnectionError, requests.Timeout, RobotUnavailable))

    def describe(self, error):
        where = http.mask(self.robot.webhook_url) if self.robot is not None else "?"
        return http.mask(f"{type(error).__name__}: {error} ({self.name} robot {where})")
