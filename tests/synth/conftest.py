from __future__ import annotations

import pytest

from dibwatch.synth import WorldFiles, WorldParams, generate_world


@pytest.fixture(scope="session")
def default_world(tmp_path_factory: pytest.TempPathFactory) -> WorldFiles:
    """The default world (50,000 lines): generated once for the whole session."""
    return generate_world(tmp_path_factory.mktemp("default_world"), WorldParams())

