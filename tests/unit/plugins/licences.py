"""Test licences for the module tests, from the emulator's codec (no licence text is committed)."""

from __future__ import annotations

import sys
from pathlib import Path

_EMULATOR = Path(__file__).resolve().parents[2] / "emulator"
if str(_EMULATOR) not in sys.path:
    sys.path.insert(0, str(_EMULATOR))

from bitbucket_emulator.license_codec import make_license, normalise, parse_date  # noqa: E402

__all__ = ["make_license", "normalise", "parse_date"]
