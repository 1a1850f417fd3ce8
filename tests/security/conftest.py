"""The hostile corpus published through the real pipeline, once per test run."""

from __future__ import annotations

import os

import pytest

from tests.security.hostile_site import HostileSite, build_hostile_site


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> HostileSite:
    """GIVEN every XSS vector and template payload, in every input format and field,
    published with `pressroom build`'s machinery (real functions on the embedded backend)."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist every worker has its own base temp inside one per-run folder: build there,
    # once, for all of them. Alone, the base temp is already per run.
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return build_hostile_site(root / "hostile-site")
