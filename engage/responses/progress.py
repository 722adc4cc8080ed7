"""Status and progress of actions agree, and a parent follows its parts.

- An action at 100% is done; marking it done makes it 100%; progress above 0% on a planned
  action means it has started (in progress). Dropped is a choice of its own, left as chosen.
- A parent action (and the response as a whole, over its main actions) takes its status and
  progress from its live parts (dropped ones do not count): all done, done ("Completed" for
  the response); any started, in progress; none started, planned. Its progress is the mean
  of theirs.

Pure functions on statuses and numbers: actions.py applies them when an action is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engage.errors import ValidationFailed
from engage.responses.models import ActionStatus


@dataclass(frozen=True)
class Progress:
    status: ActionStatus
    percent: int

    @property
    def label(self) -> str:
        """The response's state in words: "Completed" once every action is done."""
        return "Completed" if self.status is ActionStatus.DONE else self.status.label


def settle(status: ActionStatus, percent: int, was: ActionStatus | None = None) -> Progress:
    """The status and progress an action is saved with, from what was chosen and typed.

    `was` is its status before: an action that was done and is reopened (status changed,
    progress left at 100%) is asked for a lower progress rather than silently done again.
    """
    if status is ActionStatus.DROPPED:
        return Progress(status, percent)
    if status is ActionStatus.DONE:
        return Progress(ActionStatus.DONE, 100)
    if percent >= 100:
        if was is ActionStatus.DONE:
            raise ValidationFailed(
                "To reopen a done action, set its progress below 100%", "progress"
            )
        return Progress(ActionStatus.DONE, 100)
    if status is ActionStatus.PLANNED and percent > 0:
        return Progress(ActionStatus.IN_PROGRESS, percent)
    return Progress(status, percent)


def combined(parts: Iterable[Progress]) -> Progress | None:
    """What a parent shows from its parts; None when it has no live part to follow."""
    live = [part for part in parts if part.status is not ActionStatus.DROPPED]
    if not live:
        return None
    percent = round(sum(part.percent for part in live) / len(live))
    if all(part.status is ActionStatus.DONE for part in live):
        return Progress(ActionStatus.DONE, 100)
    started = any(part.status is not ActionStatus.PLANNED or part.percent > 0 for part in live)
    return Progress(ActionStatus.IN_PROGRESS if started else ActionStatus.PLANNED, percent)
