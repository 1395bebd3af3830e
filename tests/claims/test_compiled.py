"""The claim engine compiled with mypyc (tools/build_native.py) reads every article exactly as
the plain-Python engine does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import claims

ROOT = Path(__file__).resolve().parents[2]
# every labelled article, what the engine says of it, one JSON line each (run with -P, so that
# PYTHONPATH and not the working directory says where `claims` comes from)
_DUMP = """
import json, sys
from dataclasses import asdict
from pathlib import Path
import claims
from claims.engine import Engine
from truce.config import load_lexicon, load_story
from truce.labelled import load_labelled
engine = Engine(load_story(), *load_lexicon())
print(claims.__file__)
for path in sorted(Path(sys.argv[1]).glob("*.jsonl")):
    for item in load_labelled(path):
        found = engine.assess(item.article)
        print(json.dumps([[asdict(e) for e in found.evidence], found.mentions]))
"""


def _dump(pythonpath: Path | None) -> list[str]:
    env = dict(os.environ)
    if pythonpath:
        # the rest (truce) from this tree, whichever tree an editable install maps
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), str(ROOT)])
    labelled = ROOT / "tests" / "data" / "labelled"
    result = subprocess.run(
        [sys.executable, "-P", "-c", _DUMP, str(labelled)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_compiled_engine_reads_as_plain_python(tmp_path: Path) -> None:
    package = Path(claims.__file__).parent
    if not list(package.glob("*.so")):
        pytest.skip("the claim engine is not compiled here (`make native` compiles it)")
    shutil.copytree(package, tmp_path / "claims", ignore=shutil.ignore_patterns("*.so"))
    compiled, plain = _dump(None), _dump(tmp_path)
    assert compiled[0] == str(package / "__init__.py")
    assert plain[0] == str(tmp_path / "claims" / "__init__.py")
    assert len(compiled) > 2000
    assert compiled[1:] == plain[1:]
