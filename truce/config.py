"""Read the seeds files (stories, feeds, lexicons) into records. Read when a command runs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from truce.clock import iso
from truce.errors import ConfigError
from truce.records import CLAIM_KINDS, TIERS, Claim, Feed, Party, Story, Window

DEFAULT_STORY = "energy-truce-2025"
DETECTORS = ("commitment", "statement", "window", "scope", "fighting")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def seeds_dir() -> Path:
    """`$TRUCE_SEEDS`, else the `seeds/` folder shipped beside the packages."""
    env = os.environ.get("TRUCE_SEEDS")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "seeds"


class _Mapping(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key, for error messages."""

    lines: dict[Any, int]


class _List(list[Any]):
    """A YAML list that remembers the line of each item, for error messages."""

    lines: list[int]


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[_Mapping]:
    data = _Mapping()
    yield data  # first, so that anchors and aliases resolve as with plain dicts
    data.update(loader.construct_mapping(node))
    data.lines = {}
    for key, _value in node.value:
        data.lines.setdefault(loader.construct_object(key), key.start_mark.line + 1)


def _list(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> Iterator[_List]:
    data = _List()
    yield data
    data.extend(loader.construct_sequence(node))
    data.lines = [item.start_mark.line + 1 for item in node.value]


class _Loader(yaml.SafeLoader):
    """yaml.safe_load's loader, with mappings and lists that know their lines."""


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _list)


def line_of(container: Any, key: Any) -> int | None:
    """The line of a key of a mapping, or of an item of a list, read by `read_yaml`."""
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        line = lines.get(key)
    elif isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
        line = lines[key]
    else:
        line = None
    return line if isinstance(line, int) else None


@contextmanager
def _at(line: int | None) -> Iterator[None]:
    """A ConfigError raised inside names `line` (that of the item being read) if it has none."""
    try:
        yield
    except ConfigError as exc:
        if exc.line is None and line is not None:
            raise ConfigError(exc.message, exc.path, line) from None
        raise


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a missing or malformed file is a ConfigError naming file and line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("file not found", str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            str(path),
            data[: exc.start].count(b"\n") + 1,
        ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:  # a control character, which YAML forbids
        raise ConfigError(
            f"invalid YAML: unacceptable character #x{exc.character:04x}",
            str(path),
            text[: exc.position].count("\n") + 1,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark, context = exc.problem_mark, exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"invalid YAML: {exc.problem or 'cannot parse'}"
        if exc.context and context is not None and context.line + 1 != line:
            message += f" ({exc.context} from line {context.line + 1})"
        raise ConfigError(message, str(path), line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", str(path)) from None


def story_path(story: str) -> Path:
    """A story name (a folder under seeds/) or a path to a folder or claims.yaml."""
    candidate = Path(story)
    if candidate.is_file():
        return candidate
    if candidate.is_dir():
        return candidate / "claims.yaml"
    return seeds_dir() / story / "claims.yaml"


def _strings(value: Any, path: Path, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ConfigError(f"{what} must be a list of strings", str(path))
    return tuple(str(v) for v in value)


def _check_patterns(patterns: tuple[str, ...], path: Path, what: str) -> None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{what}: bad pattern {pattern!r}: {exc}", str(path)) from None


def _claim(raw: Any, path: Path, parties: dict[str, Party]) -> Claim:
    if not isinstance(raw, dict) or "id" not in raw:
        raise ConfigError("each claim needs an id", str(path))
    claim_id = str(raw["id"])

    def field(key: str) -> AbstractContextManager[None]:
        return _at(line_of(raw, key))  # an error about one field names that field's line

    def strings(key: str) -> tuple[str, ...]:
        with field(key):
            return _strings(raw.get(key), path, f"claim {claim_id} {key}")

    with field("id"):
        if not _KEBAB.match(claim_id):
            raise ConfigError(f"claim id {claim_id!r} is not kebab-case", str(path))
    kind = raw.get("kind")
    with field("kind"):
        if kind not in CLAIM_KINDS:
            raise ConfigError(
                f"claim {claim_id}: kind must be one of {', '.join(CLAIM_KINDS)}", str(path)
            )
    default_detector = "commitment" if kind == "commitment" else "statement"
    detector = raw.get("detector", default_detector)
    with field("detector"):
        if detector not in DETECTORS:
            raise ConfigError(
                f"claim {claim_id}: detector must be one of {', '.join(DETECTORS)}", str(path)
            )
    party = raw.get("party")
    with field("party"):
        if kind == "commitment" and party not in parties:
            raise ConfigError(
                f"claim {claim_id}: a commitment needs a party from `parties`", str(path)
            )
    speakers = strings("speakers")
    unknown = [s for s in speakers if s not in parties]
    with field("speakers"):
        if unknown:
            raise ConfigError(f"claim {claim_id}: unknown speakers {unknown}", str(path))
    cues = {key: strings(key) for key in ("voices", "topic", "confirm", "contradict")}
    for key, patterns in cues.items():
        with field(key):
            _check_patterns(patterns, path, f"claim {claim_id} {key}")
    with field("while_deal_runs"):
        while_deal_runs = raw.get("while_deal_runs", False)
        if not isinstance(while_deal_runs, bool):
            raise ConfigError(f"claim {claim_id}: while_deal_runs must be true or false", str(path))
    with field("value"):
        value = raw.get("value")
        value = _int(value, path, f"claim {claim_id} value") if value is not None else None
    return Claim(
        id=claim_id,
        kind=kind,
        text=str(raw.get("text", "")).strip(),
        sources=strings("sources"),
        party=party,
        targets=strings("targets"),
        territory=strings("territory"),
        detector=detector,
        speakers=speakers,
        voices=cues["voices"],
        topic=cues["topic"],
        confirm=cues["confirm"],
        contradict=cues["contradict"],
        value=value,
        while_deal_runs=while_deal_runs,
    )


def _date(value: Any, path: Path, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{what} must be a date (YYYY-MM-DD), got {value!r}", str(path)) from None


def _instant(value: Any, path: Path, what: str) -> str:
    """A moment as the database stores it (UTC ISO with a Z)."""
    if isinstance(value, datetime):
        return iso(value)
    try:
        return iso(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        raise ConfigError(
            f"{what} must be a date and time (2025-03-18T16:00:00Z), got {value!r}", str(path)
        ) from None


def _int(value: Any, path: Path, what: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise ConfigError(f"{what} must be a whole number, got {value!r}", str(path)) from None


def load_story(story: str = DEFAULT_STORY) -> Story:
    """Load `seeds/<story>/claims.yaml` (or a path) into a Story."""
    path = story_path(story)
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping with story, window, parties and claims", str(path))
    for key in ("story", "deal_date", "window", "parties", "claims"):
        if key not in raw:
            raise ConfigError(f"missing `{key}`", str(path))
    parties: dict[str, Party] = {}
    if not isinstance(raw["parties"] or {}, dict):
        raise ConfigError("`parties` must be a mapping", str(path), line_of(raw, "parties"))
    for party_id, spec in (raw["parties"] or {}).items():
        with _at(line_of(raw["parties"], party_id)):
            if not isinstance(spec, dict):
                raise ConfigError(f"party {party_id} must be a mapping", str(path))
            aliases = _strings(spec.get("aliases"), path, f"party {party_id} aliases")
            operators = _strings(spec.get("operators"), path, f"party {party_id} operators")
            _check_patterns(aliases + operators, path, f"party {party_id}")
        parties[party_id] = Party(
            id=party_id,
            name=str(spec.get("name", party_id)),
            aliases=aliases,
            territory=str(spec.get("territory") or ""),
            operators=operators,
        )
    window = raw["window"]
    with _at(line_of(raw, "window")):
        if not isinstance(window, dict) or "start" not in window:
            raise ConfigError("window needs a start and either days or end", str(path))
        with _at(line_of(window, "start")):
            start = _date(window["start"], path, "window.start")
        if "end" in window:
            with _at(line_of(window, "end")):
                end = _date(window["end"], path, "window.end")
        elif "days" in window:
            with _at(line_of(window, "days")):
                end = start + timedelta(days=_int(window["days"], path, "window.days"))
        else:
            raise ConfigError("window needs `days` or `end`", str(path))
    if not isinstance(raw["claims"], list) or not raw["claims"]:
        raise ConfigError("`claims` must be a non-empty list", str(path), line_of(raw, "claims"))
    claims = []
    for index, item in enumerate(raw["claims"]):
        with _at(line_of(raw["claims"], index)):
            claims.append(_claim(item, path, parties))
    seen: set[str] = set()
    for index, claim in enumerate(claims):
        if claim.id in seen:
            raise ConfigError(
                f"claim ids must be unique: {claim.id} again",
                str(path),
                line_of(raw["claims"], index),
            )
        seen.add(claim.id)
    with _at(line_of(raw, "deal_date")):
        deal_date = _date(raw["deal_date"], path, "deal_date")
    deal_at = None
    if raw.get("deal_at") is not None:
        with _at(line_of(raw, "deal_at")):
            deal_at = _instant(raw["deal_at"], path, "deal_at")
        if deal_at[:10] != deal_date.isoformat():
            raise ConfigError(
                f"deal_at {deal_at} is not on deal_date {deal_date}",
                str(path),
                line_of(raw, "deal_at"),
            )
    return Story(
        id=str(raw["story"]),
        title=str(raw.get("title", raw["story"])),
        timezone=str(raw.get("timezone", "UTC")),
        deal_date=deal_date,
        window=Window(start, end),
        parties=tuple(parties.values()),
        claims=tuple(claims),
        deal_at=deal_at,
    )


def load_lexicon(story: str = DEFAULT_STORY) -> tuple[dict[str, Any], dict[str, Any]]:
    """The story's lexicon and gazetteer data (from its `lexicons:` folder)."""
    path = story_path(story)
    raw = read_yaml(path)
    folder = (path.parent / str(raw.get("lexicons", "../lexicons"))).resolve()
    lexicon = read_yaml(folder / "lexicon.yaml")
    gazetteer = read_yaml(folder / "gazetteer.yaml")
    if not isinstance(lexicon, dict) or not isinstance(gazetteer, dict):
        raise ConfigError("lexicon and gazetteer files must be mappings", str(folder))
    _check_lexicon(lexicon, folder / "lexicon.yaml")
    return lexicon, gazetteer


def _check_lexicon(lexicon: dict[str, Any], path: Path) -> None:
    """Every word list compiles: a bad entry is an error naming the file and the list's line."""
    for key, value in lexicon.items():
        if key == "operator_class":
            continue
        lists = value.items() if isinstance(value, dict) else [(key, value)]
        for name, patterns in lists:
            with _at(line_of(value, name) if isinstance(value, dict) else line_of(lexicon, key)):
                _check_patterns(_strings(patterns, path, str(name)), path, str(name))


def load_feeds(path: str | Path) -> list[Feed]:
    """Read a feeds file: `feeds:` a list of {id, url, outlet, tier, affiliation}."""
    path = Path(path)
    raw = read_yaml(path)
    items = raw.get("feeds") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError(
            "expected `feeds:` with a list of feeds", str(path), line_of(raw, "feeds")
        )
    feeds = []
    for number, item in enumerate(items, 1):
        with _at(line_of(items, number - 1)):
            if not isinstance(item, dict) or not item.get("url"):
                raise ConfigError(f"feed #{number} needs a url", str(path))
            tier = item.get("tier", "unknown")
            if tier not in TIERS:
                raise ConfigError(
                    f"feed #{number}: tier must be one of {', '.join(TIERS)}",
                    str(path),
                    line_of(item, "tier"),
                )
        url = str(item["url"])
        if "://" not in url and not Path(url).is_absolute():
            url = str((path.parent / url).resolve())  # local paths are relative to the file
        feeds.append(
            Feed(
                id=str(item.get("id") or url),
                url=url,
                outlet=str(item.get("outlet") or item.get("id") or url),
                tier=tier,
                affiliation=item.get("affiliation"),
            )
        )
    return feeds


def feed_from_location(location: str) -> Feed:
    """A feed given on the command line: a path, a file:// URL or an http(s) URL."""
    if "://" not in location:
        location = str(Path(location).resolve())
        return Feed(id=location, url=location, outlet=Path(location).stem)
    return Feed(id=location, url=location, outlet=urlsplit(location).netloc or location)


def load_outlets(path: str | Path) -> dict[str, Feed]:
    """Every outlet the feeds file knows, by name: its feeds' outlets and the extra `outlets:`
    list (outlets with no feed of their own, such as wire services)."""
    path = Path(path)
    known = {feed.outlet: feed for feed in load_feeds(path)}
    raw = read_yaml(path)
    for item in raw.get("outlets") or []:
        tier = item.get("tier", "unknown")
        if tier not in TIERS or not item.get("outlet"):
            raise ConfigError(
                f"outlet {item!r} needs a name and a tier from {', '.join(TIERS)}", str(path)
            )
        name = str(item["outlet"])
        known.setdefault(
            name, Feed(id=name, url="", outlet=name, tier=tier, affiliation=item.get("affiliation"))
        )
    return known
