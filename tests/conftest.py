from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dibwatch.testing import shared_file


@pytest.fixture
def shared() -> Callable[[str], Path]:
    """``shared("sanctions/ofac_sdn_2021-07/sdn.csv")`` -> Path, skipping when absent."""
    return shared_file
