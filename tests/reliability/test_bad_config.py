"""A broken claims.yaml or feeds.yaml stops a command with one line naming the file and the line
(`Error: FILE:LINE: what`), exit code 2, and before anything is written.

Each case in data/bad_config/ says what it is in its first line and what the error must be in
its second (`# Expect: LINE: message`; `-` for a file with no line to name)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.cli import main
from truce.config import load_feeds, load_story
from truce.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data" / "bad_config"
FEEDS_CASES = sorted((DATA / "feeds").glob("*.yaml"))
CLAIMS_CASES = sorted((DATA / "claims").glob("*.yaml"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def expected_error(case: Path) -> str:
    header = case.read_bytes().split(b"\n")[1].decode()
    assert header.startswith("# Expect: "), case
    line, message = header.removeprefix("# Expect: ").split(": ", 1)
    return f"Error: {case}: {message}\n" if line == "-" else f"Error: {case}:{line}: {message}\n"


@pytest.mark.parametrize("case", FEEDS_CASES, ids=lambda p: p.stem)
def test_a_broken_feeds_file_is_one_line_naming_file_and_line(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "t.db"
    code, out, err = run(capsys, "run", "--feeds", str(case), "--db", str(db))
    assert (code, out, err) == (2, "", expected_error(case))
    assert list(tmp_path.iterdir()) == []  # no database, no lock file


@pytest.mark.parametrize("case", CLAIMS_CASES, ids=lambda p: p.stem)
def test_a_broken_claims_file_is_one_line_naming_file_and_line(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = DATA / "good_feeds.yaml"
    db = tmp_path / "t.db"
    args = ("run", "--story", str(case), "--feeds", str(feeds), "--db", str(db))
    code, out, err = run(capsys, *args)
    assert (code, out, err) == (2, "", expected_error(case))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_feeds_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run(capsys, "run", "--feeds", str(missing), "--db", str(tmp_path / "t.db"))
    assert (code, out, err) == (2, "", f"Error: {missing}: file not found\n")


def test_the_real_claims_file_broken_in_the_middle_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds" / "lexicons", seeds / "lexicons")
    story = seeds / "broken-story"
    story.mkdir()
    lines = (ROOT / "seeds/energy-truce-2025/claims.yaml").read_text().splitlines()
    # a line of data in the middle (a comment would stay a comment)
    index = next(
        i
        for i in range(40, len(lines))
        if lines[i].strip() and not lines[i].lstrip().startswith("#")
    )
    lines[index] += " ]]: {"
    (story / "claims.yaml").write_text("\n".join(lines))
    code, _, err = run(
        capsys, "eval", str(ROOT / "tests/data/labelled/test.jsonl"), "--story", str(story)
    )
    where = f"{story / 'claims.yaml'}:{index + 1}"
    assert code == 2 and err.startswith(f"Error: {where}: invalid YAML: "), err
    assert len(err.splitlines()) == 1


def test_a_bad_word_list_entry_names_the_lexicon_file_and_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds, ignore=shutil.ignore_patterns("demo"))
    lexicon = seeds / "lexicons" / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace('"hits?|hitting"', '"hits?|(?<!a+)hitting"'), encoding="utf-8")
    line = text[: text.index("\nattack:")].count("\n") + 2
    story = seeds / "energy-truce-2025"
    code, _, err = run(
        capsys, "eval", str(ROOT / "tests/data/labelled/test.jsonl"), "--story", str(story)
    )
    assert code == 2 and err.startswith(f"Error: {lexicon}:{line}: attack: bad pattern ")
    assert len(err.splitlines()) == 1


# Any damage to the real files -------------------------------------------------------------------

REAL = {
    "claims.yaml": (ROOT / "seeds" / "energy-truce-2025" / "claims.yaml", load_story),
    "feeds.yaml": (ROOT / "seeds" / "feeds.yaml", load_feeds),
}


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """The file cut short, a byte changed, or a line dropped, doubled or shifted."""
    lines = original.split(b"\n")
    at = draw(st.integers(0, len(original) - 1))
    row = draw(st.integers(0, len(lines) - 1))
    damage = draw(st.sampled_from(["cut", "byte", "drop", "double", "shift"]))
    if damage == "cut":
        return original[:at]
    if damage == "byte":
        return original[:at] + bytes([draw(st.integers(0, 255))]) + original[at + 1 :]
    if damage == "drop":
        return b"\n".join(lines[:row] + lines[row + 1 :])
    if damage == "double":
        return b"\n".join(lines[: row + 1] + lines[row:])
    return b"\n".join([*lines[:row], b"  " + lines[row], *lines[row + 1 :]])


@pytest.mark.parametrize("name", sorted(REAL))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_seeds_file_loads_or_fails_with_one_line_naming_the_file(
    name: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    original, load = REAL[name]
    path = tmp_path_factory.mktemp("damaged") / name
    path.write_bytes(data.draw(damaged(original.read_bytes())))
    try:
        load(path)
    except ConfigError as exc:  # never another kind of exception
        assert str(exc).startswith(f"{path}") and "\n" not in str(exc)
