"""DingTalk (钉钉) custom robots: ``POST <webhook_url>`` (``…/robot/send?access_token=…``),
signed when the robot's security setting is 加签, with
``{"msgtype": "markdown", "markdown": {"title", "text"}, "at": {…}}``.

Sources (see docs/plans/issue-18-integrations.md, 5.2): DingTalk's custom robot pages
(https://open.dingtalk.com/document/robots/customize-robot-security-settings and
…/custom-robot-access): the signature is ``base64(HMAC-SHA256(key=secret,
msg=f"{timestamp}\\n{secret}"))`` with ``timestamp`` in milliseconds (within an hour of
DingTalk's clock), sent as the ``timestamp`` and ``sign`` query parameters; a robot with
custom keywords takes only messages containing one; 20 messages a minute, after which
the robot is throttled for ten minutes. Error codes: 310000 (security check failed:
``sign not match``, ``keywords not in content``, ``invalid timestamp``, ``ip … not in
whitelist``), 300001/300005 (token missing or not found), 400101/400102/400106/400013
(robot not found, stopped; group dissolved), 130101 and 410100 (too fast), -1 busy.
"""

import base64
import hashlib
import hmac
import time

from .robot import RobotChannel


def sign(secret, timestamp):
    """The signature of ``timestamp`` (ms, a string), raw base64: ``requests`` encodes the
    query parameters once (encoding it here too would double-encode ``+`` and ``/``)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingTalkChannel(RobotChannel):
    name = "dingtalk"
    # Over 20 a minute DingTalk blocks the robot for ten minutes.
    rate_limited = {130101: 600, 410100: 600}
    disabling = {300001, 300005, 310000, 400013, 400101, 400102, 400106}

    def params(self, robot):
        if not robot.secret:
            return None
        # DingTalk compares with its own clock: the real time, whatever the run's.
        timestamp = str(round(time.time() * 1000))
        return {"timestamp": timestamp, "sign": sign(robot.secret, timestamp)}

    def body(self, dispatch):
        title, text = dispatch.subject, dispatch.body_text
        keyword = " ".join(dispatch.robot.keyword.split())
        if keyword and keyword not in text:
            # A robot with a keyword takes only messages that contain it: in the title
            # shown in the chat list, and in the heading of the message.
            title = f"【{keyword}】{title}"
            marker = f"【{keyword}】"
            heading = "### "  # every chat message starts with its title as a heading
            if text.startswith(heading):
                text = heading + marker + text.removeprefix(heading)
            else:
                text = f"{marker}\n\n{text}"
        return {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
            "at": {"atMobiles": [], "isAtAll": False},
        }
