"""The items of the quarterly Freedom to Speak Up data return: the one place they are listed.

NHS England's Freedom to Speak Up data collection took over from the National Guardian's
Office in July 2026 and its items may change; change this list (or set FTSU_RETURN_ITEMS in
the app's configuration to a list of ReturnItem) and the page, the CSV download and
`flask --app engage ftsu-return` all follow.

Each item has a `measure`:
- "cases": cases raised in the quarter;
- "anonymous": of those, raised anonymously;
- "theme": of those, with the named theme among the case's themes;
- "detriment": of those, where the person indicated detriment for speaking up;
- "worker_groups": one row per worker group (cases with none recorded count as "Not known");
- "speak_up_again": one row per answer to the feedback question, answered in the quarter;
- "detriment_follow_up": one row per answer to the follow-up question, answered in the quarter.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

MEASURES = frozenset(
    {
        "cases",
        "anonymous",
        "theme",
        "detriment",
        "worker_groups",
        "speak_up_again",
        "detriment_follow_up",
    }
)


@dataclass(frozen=True)
class ReturnItem:
    key: str
    label: str
    measure: str
    theme: str | None = None

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown FTSU return measure {self.measure!r}")
        if (self.measure == "theme") != (self.theme is not None):
            raise ValueError(f"return item {self.key}: a theme item names its theme")


DEFAULT_RETURN_ITEMS: tuple[ReturnItem, ...] = (
    ReturnItem("cases", "Number of cases brought to Freedom to Speak Up guardians", "cases"),
    ReturnItem("anonymous", "Cases raised anonymously", "anonymous"),
    ReturnItem(
        "patient_safety",
        "Cases with an element of patient safety or quality",
        "theme",
        "Patient safety and quality",
    ),
    ReturnItem(
        "worker_safety",
        "Cases with an element of worker safety or wellbeing",
        "theme",
        "Worker safety and wellbeing",
    ),
    ReturnItem(
        "bullying",
        "Cases with an element of bullying or harassment",
        "theme",
        "Bullying or harassment",
    ),
    ReturnItem(
        "behaviours",
        "Cases with an element of inappropriate attitudes or behaviours",
        "theme",
        "Inappropriate attitudes and behaviours",
    ),
    ReturnItem(
        "detriment",
        "Cases where people indicate that they are suffering detriment as a result of speaking up",
        "detriment",
    ),
    ReturnItem("worker_group", "Cases by worker group", "worker_groups"),
    ReturnItem(
        "speak_up_again",
        "Given your experience, would you speak up again?",
        "speak_up_again",
    ),
    ReturnItem(
        "detriment_follow_up",
        "Asked after closure: have you experienced any detriment as a result of speaking up?",
        "detriment_follow_up",
    ),
)


def return_items() -> tuple[ReturnItem, ...]:
    return tuple(current_app.config.get("FTSU_RETURN_ITEMS") or DEFAULT_RETURN_ITEMS)
