"""Screenshot the HTML digest of the demo's first breach day, for the README.

Usage: .venv/bin/python scripts/digest_screenshot.py [demo.db] [docs/digest-breach-day.png]
Needs Debian's chromium (apt-get install chromium) and a demo database (`make demo`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from db import open_db


def main() -> None:
    db_path = Path(sys.argv[1] if len(sys.argv) > 1 else "demo.db")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/digest-breach-day.png")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or not db_path.exists():
        sys.exit("Error: needs chromium and a demo database (make demo)")
    rows = list(
        open_db(db_path).query(
            "SELECT date, path FROM digests WHERE headline LIKE 'Breach reported%' ORDER BY date LIMIT 1"
        )
    )
    if not rows:
        sys.exit("Error: no digest with a breach headline in " + str(db_path))
    page = Path(rows[0]["path"]).with_suffix(".html")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={profile}",
                "--window-size=1000,1800",
                f"--screenshot={out.resolve()}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(f"{out} ({rows[0]['date']})")


if __name__ == "__main__":
    main()
