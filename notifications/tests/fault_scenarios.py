"""The shape of one endpoint-channel fault scenario for test_smtp_faults.

A non-email channel contributes `FAULTS[channel] = {fault_name: Scenario}`:
`setup(receiver)` queues dispatches to endpoints pointing at the receiver and
returns them, `breaks(receiver)` / `mends(receiver)` break and mend the
receiver (stall/unstall, stop/start), and `says` is a substring expected in
the failed rows' last_error.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Scenario:
    setup: Callable
    breaks: Callable
    mends: Callable
    says: str
