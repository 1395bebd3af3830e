"""`truce serve`: run the schedules of prefect.yaml in this process.

Prefect's scheduler does not run on the temporary API server that a plain flow run starts, so
without `PREFECT_API_URL` we start a real local server (`prefect server start`) as a child
process on a free 127.0.0.1 port with its own PREFECT_HOME, wait until it is healthy, serve the
deployments against it, and stop it on the way out.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from truce.config import read_yaml
from truce.errors import ConfigError, TruceError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of prefect.yaml, read without Prefect."""

    name: str
    entrypoint: str  # "flows/pipeline.py:pipeline"
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    interval: float | None = None  # seconds
    cron: str | None = None
    timezone: str | None = None
    concurrency_limit: int | None = None


def load_deployments(path: Path) -> list[DeploymentSpec]:
    """Read and check the deployments of a prefect.yaml."""
    raw = read_yaml(path)
    items = raw.get("deployments") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError("expected `deployments:` with at least one deployment", str(path))
    specs = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not item.get("name")
            or ":" not in str(item.get("entrypoint", ""))
        ):
            raise ConfigError("each deployment needs a name and an entrypoint FILE:FLOW", str(path))
        schedules = item.get("schedules") or []
        if len(schedules) > 1:
            raise ConfigError(f"deployment {item['name']}: one schedule at most", str(path))
        schedule = schedules[0] if schedules else {}
        specs.append(
            DeploymentSpec(
                name=str(item["name"]),
                entrypoint=str(item["entrypoint"]),
                description=str(item.get("description", "")),
                parameters=dict(item.get("parameters") or {}),
                interval=float(schedule["interval"]) if "interval" in schedule else None,
                cron=schedule.get("cron"),
                timezone=schedule.get("timezone"),
                concurrency_limit=item.get("concurrency_limit"),
            )
        )
    return specs


def resolve_entrypoint(entrypoint: str, root: Path) -> Any:
    """The flow object an entrypoint names ("flows/pipeline.py:pipeline")."""
    file, _, name = entrypoint.partition(":")
    if not (root / file).is_file():
        root = PROJECT_ROOT  # a prefect.yaml kept elsewhere still names this project's flows
    path = (root / file).resolve()
    if not path.is_file():
        raise ConfigError(f"entrypoint file not found: {file}")
    module = ".".join(path.relative_to(root.resolve()).with_suffix("").parts)
    flow = getattr(importlib.import_module(module), name, None)
    if flow is None or not hasattr(flow, "to_deployment"):
        raise ConfigError(f"entrypoint {entrypoint} is not a Prefect flow")
    return flow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def local_server(home: Path, timeout: float = 90.0) -> Iterator[str]:
    """A Prefect server (API, scheduler and UI) as a child process; yields its API URL."""
    port = _free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_API_URL": "",
    }
    log = (home / "server.log").open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise TruceError(f"the Prefect server exited early (see {home / 'server.log'})")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TruceError(f"the Prefect server did not answer within {timeout:.0f} s")
            time.sleep(0.5)
        yield url
    finally:
        _stop(process)
        log.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass  # already gone


def serve_deployments(
    specs: list[DeploymentSpec], root: Path, overrides: dict[str, Any] | None = None
) -> None:
    """Serve the deployments with the Prefect API in the environment (blocks until stopped).
    Schedules stay active when we stop: `serve()` would otherwise pause them."""
    from prefect import serve
    from prefect.schedules import Cron, Interval

    deployments = []
    for spec in specs:
        flow = resolve_entrypoint(spec.entrypoint, root)
        parameters = {
            **spec.parameters,
            **{k: v for k, v in (overrides or {}).items() if k in spec.parameters},
        }
        schedule = (
            Interval(spec.interval, timezone=spec.timezone)
            if spec.interval
            else Cron(spec.cron, timezone=spec.timezone)
            if spec.cron
            else None
        )
        deployments.append(
            flow.to_deployment(
                name=spec.name,
                description=spec.description or None,
                parameters=parameters,
                schedules=[schedule] if schedule else None,
                concurrency_limit=spec.concurrency_limit,
            )
        )
    serve(*deployments, pause_on_shutdown=False, print_starting_message=False)
