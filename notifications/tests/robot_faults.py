"""The group robots' faults for test_smtp_faults: a robot platform that stalls (accepts the
connection and never answers) or is down (connection refused), on a real loopback
receiver that otherwise answers as the platform does (``fake_robots``).

``FAULTS[channel][fault]`` is a ``fault_scenarios.Scenario``: ``setup(receiver)`` makes
one robot (the supervising office's) pointing at the receiver and queues three messages to it.
"""

import datetime
import itertools

from django.utils import timezone

from notifications.models import Dispatch, GroupRobot
from notifications.robots import queue_rows
from notifications.tests.fake_robots import DingTalkFake, WeComFake
from notifications.tests.fault_scenarios import Scenario

FAKES = {"wecom": WeComFake, "dingtalk": DingTalkFake}
numbers = itertools.count(1)


def queue_three(channel):
    def setup(receiver):
        fake = FAKES[channel](receiver=receiver)  # the receiver now answers as the platform
        if channel == "dingtalk":
            fake.secret = "SEC-fault-secret"
        number = next(numbers)
        robot = GroupRobot.objects.create(
            name=f"{channel} robot",
            platform=channel,
            department=None,  # the supervising office's
            webhook_url=fake.url,
            secret=fake.secret if channel == "dingtalk" else "",
        )
        # A day to come: never out of date while the test runs.
        day = timezone.localdate() + datetime.timedelta(days=1)
        return [
            row
            for index in range(3)
            for row in queue_rows(
                [robot],
                kind=Dispatch.Kind.NOTICE,
                subject_key=f"fault:{channel}:{number}:{index}",
                period=day,
                title=f"测试消息 {index}",
                markdown=f"### 测试消息 {index}\n正文",
            )
        ]

    return setup


def stall(receiver):
    receiver.stall()


def unstall(receiver):
    receiver.unstall()


def stop(receiver):
    receiver.stop()


def start(receiver):
    receiver.start()


FAULTS = {
    channel: {
        "stalls": Scenario(
            setup=queue_three(channel), breaks=stall, mends=unstall, says="timed out"
        ),
        "is down": Scenario(setup=queue_three(channel), breaks=stop, mends=start, says="refused"),
    }
    for channel in ("wecom", "dingtalk")
}
