"""Action items: what the team will do so this incident does not happen again (or hurts less)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def label(self) -> str:
        return {
            "open": "Open",
            "in_progress": "In progress",
            "done": "Done",
            "wont_do": "Won't do",
        }[self.value]


class ActionType(StrEnum):
    MITIGATE = "mitigate"
    PREVENT = "prevent"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One action item as it now reads. `id` is None until it is saved; every save is a new
    revision of the same item, and removing one hides it."""

    description: str
    owner: str = ""
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    type: ActionType = ActionType.PREVENT
    ticket: str = ""
    id: int | None = None
    revision: int = 0
    hidden: bool = False
