"""The council the reports are for (``params/council.yaml``): name, area, colour, disclosure."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from perfkit.config.yaml import read_model

__all__ = ["Council", "contrast_with_white", "load_council"]


class Council(BaseModel):
    """The council the reports are for (``params/council.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    area_code: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,24}$")
    area_name: str
    colour: str = Field(default="#0b5394", pattern=r"^#[0-9a-fA-F]{6}$")  # links and rules in reports
    disclosure_threshold: int = Field(default=5, ge=2, le=100)  # public reports hide counts 1 to this - 1
    small_denominator: int = Field(default=100, ge=0)  # percentages on fewer cases also show their counts ("10 of 39")
    #: the commentary owners must give, unless an indicator says otherwise: for red and amber figures, for all, or none
    commentary: Literal["red_amber", "all", "none"] = "red_amber"

    @field_validator("colour")
    @classmethod
    def _readable(cls, value: str) -> str:
        ratio = contrast_with_white(value)
        if ratio < 4.5:
            raise ValueError(f"{value} has a contrast of {ratio:.1f}:1 on white; WCAG AA needs 4.5:1 for text: choose a darker colour")
        return value


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of ``colour`` ('#rrggbb') against white.

    >>> round(contrast_with_white("#0b5394"), 1), round(contrast_with_white("#ffbf47"), 1)
    (7.8, 1.6)
    """
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def load_council(params: str | Path) -> Council:
    """Read ``params/council.yaml``."""
    return read_model(Path(params) / "council.yaml", Council, "council", "names the council (name, area_code, area_name)")
