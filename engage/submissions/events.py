"""What happens to a submission, announced for the packages built on top of submissions.

Submissions and responses raise these events; the digests package, which reads both, receives
them and turns them into alerts sent when each person chose. The events keep dependencies one
way: neither submissions nor responses imports digests. Each is sent with the Submission as
sender, in the transaction that made the change, so an alert is written with its cause.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# A new item was submitted: its handlers are told.
raised = _events.signal("submission-raised")
# Something changed on an item: its identifiable submitter is told.
updated = _events.signal("submission-updated")
# An overdue item was passed up the line; keyword `people`: the users it went to.
escalated = _events.signal("submission-escalated")
