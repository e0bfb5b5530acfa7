"""What every channel is, and the two answers beyond "sent" and "failed".

A channel (email, webhook, WeCom, DingTalk; a new one such as SMS is one more module) is
a class with ``name``, and:

- ``open()``: called at most once before the first send of a run, and again after a
  failed send (a fresh connection); may do nothing;
- ``send(dispatch)``: deliver one claimed dispatch; returns None when it has left, an
  exception (or ``Defer``/``Disable``) otherwise, and never raises for a delivery problem;
- ``is_outage(error)``: whether the error says the other side is down (refused, timed
  out, 5xx) rather than that it refused this one message; for an endpoint channel an
  outage stops only that endpoint's rows of the batch;
- ``describe(error)``: one line for ``last_error`` and the log, with every credential
  (keys, tokens, signatures in URLs) masked;
- ``close()``.
"""

import datetime


class Defer(Exception):
    """Not sent and not failed: try again at ``until`` without counting an attempt (a
    robot's per-minute limit reached, by us or as the platform answered)."""

    def __init__(self, until: datetime.datetime, reason: str = ""):
        super().__init__(reason or f"deferred until {until.isoformat()}")
        self.until = until
        self.reason = reason


class Disable(Exception):
    """The endpoint refuses us for good until someone fixes it (a wrong key, a robot
    removed from its group, a signature the platform rejects): pause the endpoint and
    tell the supervisors, rather than retry."""
