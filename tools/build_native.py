"""Compile the claim engine with mypyc: the same Python source, run as C extension modules
beside it (claims/*.so), about 1.7x faster (bench/RESULTS.md). `make` runs this whenever a
compiled module's source changes. Without a C compiler the build fails, this says so, and the
engine runs as plain Python with the same results.

Usage: python tools/build_native.py [--clean]
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the modules an article passes through; evaluate and status are not on the hot path
MODULES = [
    "claims/text.py",
    "claims/cues.py",
    "claims/lexicon.py",
    "claims/analysis.py",
    "claims/rules.py",
    "claims/breach.py",
    "claims/statements.py",
    "claims/terms.py",
    "claims/fighting.py",
    "claims/engine.py",
]
# the library every compiled module links to: inside the package, so the editable install's
# import finder (which maps only our packages) finds it
GROUP = "claims.native"


def compiled_files() -> list[Path]:
    return sorted((ROOT / "claims").glob("*.so"))


def clean() -> None:
    for path in compiled_files():
        path.unlink()


def build() -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    extensions = mypycify(MODULES, opt_level="3", group_name=GROUP)
    with warnings.catch_warnings():  # setuptools' notes on pyproject.toml: not ours to act on
        warnings.simplefilter("ignore")
        setup(
            name="truce-watch-native",
            ext_modules=extensions,
            packages=[],
            script_args=["--quiet", "build_ext", "--inplace", "--build-temp", "build/native"],
        )
    for path in compiled_files():
        # an unchanged module is copied from the build cache with its old time, which would
        # look older than its source (claims/__init__.py checks)
        path.touch()


def main() -> int:
    os.chdir(ROOT)  # MODULES and the build directory are relative to the project
    clean()  # a failed build must not leave an older engine to be imported
    if sys.argv[1:] == ["--clean"]:
        return 0
    try:
        build()
    except (Exception, SystemExit) as error:  # setuptools exits on a compiler error
        clean()
        print(
            f"mypyc could not compile the claim engine ({error}); it runs as plain Python",
            file=sys.stderr,
        )
        return 0
    print(f"compiled the claim engine: {len(compiled_files())} extension modules in claims/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
