"""Test and live data never mix: every record is keyed by tenant and mode."""

from enum import StrEnum


class Mode(StrEnum):
    TEST = "test"  # ARCA homologation, test data
    LIVE = "live"  # ARCA production, live data

    @property
    def key_prefix(self) -> str:
        return f"sk_{self.value}_"

    @property
    def arca_environment(self) -> str:
        return "homologation" if self is Mode.TEST else "production"

    @classmethod
    def of_key(cls, secret: str) -> "Mode | None":
        return next((mode for mode in cls if secret.startswith(mode.key_prefix)), None)
