"""The claim engine: articles in, evidence and verdicts out. No database, no Prefect, no clock."""

from pathlib import Path


def _stale_compiled_modules() -> list[str]:
    """Sources edited since `make` compiled them (tools/build_native.py): Python would import
    the older compiled module and silently run the old rules."""
    here = Path(__file__).parent
    return [
        f"claims/{source.name}"
        for compiled in here.glob("*.so")
        if (source := here / f"{compiled.name.split('.')[0]}.py").exists()
        and source.stat().st_mtime > compiled.stat().st_mtime
    ]


if _stale := _stale_compiled_modules():
    raise ImportError(
        f"{', '.join(_stale)} changed since the claim engine was compiled: run `make native` "
        "(or `make plain` to run it as plain Python)"
    )

from claims.engine import ENGINE_VERSION, Assessment, Engine  # noqa: E402

__all__ = ["ENGINE_VERSION", "Assessment", "Engine"]
