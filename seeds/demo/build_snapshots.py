#!/usr/bin/env python3
"""Build the dated feed snapshots of the Truce Watch offline demo.

Reads ``outlets.yaml`` and ``items.yaml`` next to this file and writes
``snapshots/YYYY-MM-DD/<outlet-id>.xml``: for every day D from 2025-03-14 to 2025-04-30
and every outlet with at least one item published (outlet-local calendar date) in the three
days D-2..D, a feed holding those items, newest first, at most 15. Consecutive snapshots
overlap on purpose: a consumer replaying them must deduplicate.

Each outlet is rendered in its own shape (``style`` in outlets.yaml):

* ``wire``        RSS 2.0, plain-text descriptions, RFC 822 dates in GMT, guid isPermaLink="false"
* ``daily``       RSS 2.0, entity-escaped HTML descriptions, dc:creator, media:content,
                  dates as "+0000", links carrying utm_* tracking parameters
* ``atom``        Atom 1.0, ISO 8601 dates with the outlet's offset, <content type="html"> in CDATA
* ``state``       RSS 2.0, CDATA descriptions with <p>/<a>, dates in the outlet's offset (+0300),
                  plus a yandex:full-text element in a custom namespace
* ``broadcaster`` RSS 2.0, CDATA descriptions (HTML as published, including any <script>/<style>),
                  dates in the outlet's offset
* ``rdf``         RSS 1.0 (RDF) with dc:date

Standard library + PyYAML only. The output is deterministic (no build timestamps), so
rebuilding leaves unchanged files byte-identical.

Usage: python seeds/demo/build_snapshots.py [--out DIR]
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

import yaml

HERE = Path(__file__).resolve().parent
FIRST_DAY = date(2025, 3, 14)
LAST_DAY = date(2025, 4, 30)
WINDOW_DAYS = 3
MAX_ITEMS = 15
UTM = "utm_source=rss&utm_medium=feed"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------------------- helpers
def esc(text: str) -> str:
    """Escape text for an XML element or a double-quoted attribute."""
    return _xml_escape(text, {'"': "&quot;"})


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rfc822(ts: datetime, gmt: bool = False, utc: bool = False) -> str:
    """RFC 822 date without locale dependence: GMT, +0000 or the timestamp's own offset."""
    if gmt or utc:
        ts = ts.astimezone(timezone.utc)
    base = f"{_DAYS[ts.weekday()]}, {ts.day:02d} {_MONTHS[ts.month - 1]} {ts.year} {ts:%H:%M:%S}"
    if gmt:
        return base + " GMT"
    off = ts.utcoffset() or timedelta(0)
    sign = "-" if off < timedelta(0) else "+"
    minutes = abs(int(off.total_seconds())) // 60
    return f"{base} {sign}{minutes // 60:02d}{minutes % 60:02d}"


def iso(ts: datetime) -> str:
    return ts.isoformat(timespec="seconds")


def plain(html_text: str) -> str:
    """Crude HTML -> text, only for the state agency's yandex:full-text element."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html_text)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def with_utm(link: str) -> str:
    return link + ("&" if "?" in link else "?") + UTM


def slug_of(link: str) -> str:
    parts = [p for p in re.split(r"[/?#]", link) if p]
    return re.sub(r"[^a-z0-9-]", "", parts[-1].lower())[:60] or "image"


# ---------------------------------------------------------------------------- renderers
def render_wire(outlet: dict, items: list[dict], built: datetime) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0">',
        "<channel>",
        f"<title>{esc(outlet['name'])} - World News</title>",
        f"<link>{esc(outlet['homepage'])}</link>",
        f"<description>{esc(outlet['name'])}: top world news, updated around the clock</description>",
        f"<language>{esc(outlet.get('language', 'en'))}</language>",
        f"<copyright>Copyright 2025 {esc(outlet['name'])}. All rights reserved.</copyright>",
        f"<lastBuildDate>{rfc822(built, gmt=True)}</lastBuildDate>",
        "<ttl>5</ttl>",
    ]
    for it in items:
        out += [
            "<item>",
            f"<title>{esc(it['title'])}</title>",
            f"<link>{esc(it['link'])}</link>",
            f"<description>{esc(it['summary'])}</description>",
            "<category>World</category>",
            f"<pubDate>{rfc822(it['_ts'], gmt=True)}</pubDate>",
            f'<guid isPermaLink="false">{esc(it["guid"])}</guid>',
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def render_daily(outlet: dict, items: list[dict], built: datetime) -> str:
    home = outlet["homepage"].rstrip("/")
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>World news | {esc(outlet['name'])}</title>",
        f"<link>{esc(with_utm(home + '/world'))}</link>",
        f'<atom:link href="{esc(outlet["feed_url"])}" rel="self" type="application/rss+xml"/>',
        f"<description>Latest world news from {esc(outlet['name'])}</description>",
        f"<language>{esc(outlet.get('language', 'en'))}</language>",
        f"<lastBuildDate>{rfc822(built, utc=True)}</lastBuildDate>",
        f"<pubDate>{rfc822(built, utc=True)}</pubDate>",
        "<image>",
        f"<url>{esc(home)}/static/logo-rss.png</url>",
        f"<title>{esc(outlet['name'])}</title>",
        f"<link>{esc(home)}/</link>",
        "</image>",
    ]
    for it in items:
        ts = it["_ts"]
        img = f"{home}/img/{ts:%Y/%m/%d}/{slug_of(it['link'])}.jpg"
        out += [
            "<item>",
            f"<title>{esc(it['title'])}</title>",
            f"<link>{esc(with_utm(it['link']))}</link>",
            f"<description>{esc(it['summary'])}</description>",
            "<category>World news</category>",
            f"<dc:creator>{esc(it.get('author') or outlet['name'])}</dc:creator>",
            f"<pubDate>{rfc822(ts, utc=True)}</pubDate>",
            f'<guid isPermaLink="true">{esc(it["guid"])}</guid>',
            f'<media:content url="{esc(img)}" medium="image" width="1200" height="720">',
            f"<media:credit>{esc(outlet['name'])}</media:credit>",
            "</media:content>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def render_atom(outlet: dict, items: list[dict], built: datetime) -> str:
    home = outlet["homepage"].rstrip("/")
    host = re.sub(r"^https?://", "", home)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"<id>tag:{esc(host)},2025:feed/en</id>",
        f"<title>{esc(outlet['name'])} \u2014 News in English</title>",
        "<subtitle>News from Ukraine and the world</subtitle>",
        f'<link rel="self" type="application/atom+xml" href="{esc(outlet["feed_url"])}"/>',
        f'<link rel="alternate" type="text/html" href="{esc(home)}/en/"/>',
        f"<updated>{iso(built)}</updated>",
        f"<author><name>{esc(outlet['name'])}</name></author>",
        f"<rights>\u00a9 2025 {esc(outlet['name'])}</rights>",
    ]
    for it in items:
        out += [
            "<entry>",
            f"<id>{esc(it['guid'])}</id>",
            f'<title type="text">{esc(it["title"])}</title>',
            f'<link rel="alternate" type="text/html" href="{esc(it["link"])}"/>',
            f"<published>{iso(it['_ts'])}</published>",
            f"<updated>{iso(it['_ts'])}</updated>",
            f"<author><name>{esc(it.get('author') or outlet['name'])}</name></author>",
            '<category term="news"/>',
            f'<content type="html">{cdata(it["summary"])}</content>',
            "</entry>",
        ]
    out += ["</feed>", ""]
    return "\n".join(out)


def render_state(outlet: dict, items: list[dict], built: datetime) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:yandex="http://news.yandex.ru">',
        "<channel>",
        f"<title>{esc(outlet['name'])} - Top news</title>",
        f"<link>{esc(outlet['homepage'])}en/</link>",
        f"<description>{esc(outlet['name'])}: news of Russia and the world</description>",
        f"<language>{esc(outlet.get('language', 'en'))}</language>",
        f"<lastBuildDate>{rfc822(built)}</lastBuildDate>",
    ]
    for it in items:
        out += [
            "<item>",
            f"<title>{esc(it['title'])}</title>",
            f"<link>{esc(it['link'])}</link>",
            f'<guid isPermaLink="true">{esc(it["guid"])}</guid>',
            f"<pubDate>{rfc822(it['_ts'])}</pubDate>",
            f"<description>{cdata(it['summary'])}</description>",
            f"<yandex:full-text>{esc(plain(it['summary']))}</yandex:full-text>",
            "<category>Politics</category>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def render_broadcaster(outlet: dict, items: list[dict], built: datetime) -> str:
    home = outlet["homepage"].rstrip("/")
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:media="http://search.yahoo.com/mrss/">',
        "<channel>",
        f"<title>{cdata(outlet['name'] + ' - World')}</title>",
        f"<description>{cdata('News from around the world, from ' + outlet['name'])}</description>",
        f"<link>{esc(home)}/news/world</link>",
        f'<atom:link href="{esc(outlet["feed_url"])}" rel="self" type="application/rss+xml"/>',
        f"<generator>{esc(outlet['name'])} RSS</generator>",
        f"<lastBuildDate>{rfc822(built)}</lastBuildDate>",
        f"<language>{esc(outlet.get('language', 'en'))}</language>",
        "<ttl>15</ttl>",
    ]
    for it in items:
        num = it["guid"].rsplit("-", 1)[-1]
        out += [
            "<item>",
            f"<title>{cdata(it['title'])}</title>",
            f"<description>{cdata(it['summary'])}</description>",
            f"<link>{esc(it['link'])}</link>",
            f'<guid isPermaLink="false">{esc(it["guid"])}</guid>',
            f"<pubDate>{rfc822(it['_ts'])}</pubDate>",
            f'<media:thumbnail width="240" height="135" url="{esc(home)}/img/240/{esc(num)}.jpg"/>',
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def render_rdf(outlet: dict, items: list[dict], built: datetime) -> str:
    home = outlet["homepage"].rstrip("/")
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="{esc(outlet["feed_url"])}">',
        f"<title>{esc(outlet['name'])} (English)</title>",
        f"<link>{esc(home)}/en/</link>",
        f"<description>Independent journalism about Russia</description>",
        f"<dc:language>{esc(outlet.get('language', 'en'))}</dc:language>",
        f"<dc:publisher>{esc(outlet['name'])}</dc:publisher>",
        f"<dc:date>{iso(built)}</dc:date>",
        "<items>",
        "<rdf:Seq>",
    ]
    out += [f'<rdf:li rdf:resource="{esc(it["guid"])}"/>' for it in items]
    out += ["</rdf:Seq>", "</items>", "</channel>"]
    for it in items:
        out += [
            f'<item rdf:about="{esc(it["guid"])}">',
            f"<title>{esc(it['title'])}</title>",
            f"<link>{esc(it['link'])}</link>",
            f"<description>{esc(it['summary'])}</description>",
            f"<dc:creator>{esc(it.get('author') or outlet['name'])}</dc:creator>",
            f"<dc:date>{iso(it['_ts'])}</dc:date>",
            "<dc:subject>News</dc:subject>",
            "</item>",
        ]
    out += ["</rdf:RDF>", ""]
    return "\n".join(out)


RENDERERS = {
    "wire": render_wire,
    "daily": render_daily,
    "atom": render_atom,
    "state": render_state,
    "broadcaster": render_broadcaster,
    "rdf": render_rdf,
}
DEFAULT_STYLE = {"rss2": "wire", "atom": "atom", "rdf": "rdf"}


# ---------------------------------------------------------------------------- loading
def load(base: Path) -> tuple[dict[str, dict], list[dict]]:
    outlets = {o["id"]: o for o in yaml.safe_load((base / "outlets.yaml").read_text("utf-8"))}
    items = yaml.safe_load((base / "items.yaml").read_text("utf-8"))
    seen: set[str] = set()
    problems = []
    for it in items:
        iid = it.get("id")
        if iid in seen:
            problems.append(f"duplicate id {iid}")
        seen.add(iid)
        if it.get("outlet") not in outlets:
            problems.append(f"{iid}: unknown outlet {it.get('outlet')!r}")
        for key in ("published", "title", "summary", "link"):
            if not it.get(key):
                problems.append(f"{iid}: missing {key}")
        try:
            ts = datetime.fromisoformat(str(it["published"]))
            if ts.tzinfo is None:
                raise ValueError("no UTC offset")
            it["_ts"] = ts
        except (KeyError, ValueError) as exc:
            problems.append(f"{iid}: bad published: {exc}")
        it.setdefault("guid", it.get("link"))
    for it in items:
        if it.get("copy_of") and it["copy_of"] not in seen:
            problems.append(f"{it['id']}: copy_of unknown item {it['copy_of']}")
    if problems:
        raise SystemExit("items.yaml problems:\n  " + "\n  ".join(problems))
    return outlets, items


def build(base: Path, out_dir: Path) -> tuple[int, int]:
    outlets, items = load(base)
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        by_outlet[it["outlet"]].append(it)
    for lst in by_outlet.values():
        lst.sort(key=lambda i: (i["_ts"].astimezone(timezone.utc), i["id"]), reverse=True)

    if out_dir.exists():
        shutil.rmtree(out_dir)
    files = 0
    day = FIRST_DAY
    while day <= LAST_DAY:
        first = day - timedelta(days=WINDOW_DAYS - 1)
        for oid, outlet in outlets.items():
            # calendar days are the outlet's own local dates, as carried by `published`
            window = [i for i in by_outlet.get(oid, []) if first <= i["_ts"].date() <= day]
            if not window:
                continue
            window = window[:MAX_ITEMS]
            style = outlet.get("style") or DEFAULT_STYLE[outlet["format"]]
            xml = RENDERERS[style](outlet, window, window[0]["_ts"])
            path = out_dir / day.isoformat() / f"{oid}.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(xml, encoding="utf-8")
            files += 1
        day += timedelta(days=1)
    return files, len(items)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "snapshots",
                    help="output directory (default: snapshots/ next to this script; it is replaced)")
    args = ap.parse_args(argv)
    files, n_items = build(HERE, args.out)
    print(f"{n_items} items -> {files} snapshot files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
