"""Shared fixtures. Prefect's settings are fixed here, before anything imports Prefect."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="truce-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from claims.engine import Engine  # noqa: E402
from truce import clock  # noqa: E402
from truce.config import load_lexicon, load_story  # noqa: E402
from truce.records import Story  # noqa: E402

# CI draws the same examples every run, so a submission never fails on a lucky draw and any
# failure there is one a developer can repeat; local runs keep exploring new examples
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def story() -> Story:
    return load_story()


@pytest.fixture(scope="session")
def engine(story: Story) -> Engine:
    lexicon, gazetteer = load_lexicon()
    return Engine(story, lexicon, gazetteer)


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.set_now(None)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (it takes ~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def demo_db(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole demo, replayed once through the real pipeline flow."""
    from flows.demo import replay

    folder = tmp_path_factory.mktemp("demo")
    replay(folder / "demo.db", folder / "demo-reports")
    return folder / "demo.db"
