"""Benchmark: how well the importer reads real pages and attaches them to the right film.

    .venv/bin/python bench/import_quality.py DIR MANIFEST [--split test] [--baseline REV]
    .venv/bin/python bench/import_quality.py tests/fixtures/pages tests/fixtures/pages/manifest.json

Every page the manifest lists (format: docs/import-corpus.md) is imported, in order,
into one fresh database built from the bundled catalog. Printed per page and in total:
the decision (attach / new / pending / reject) against the labelled one, the film it
went to, and each labelled field against what the parser read.

The totals are shown beside a baseline measured in the same run: the same pages through
the importer at git revision REV (default: the revision before issue 16), run from a
temporary worktree in a child process. `--no-baseline` skips it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASELINE_REV = "e52a816"  # the importer before issue 16 (real pages)

FIELDS = [
    "year",
    "directors",
    "runtime_min",
    "format",
    "region",
    "release_date",
    "label",
    "spine",
    "aspect_ratios",
    "disc_count",
    "video_resolution",
    "video_codec",
    "audio_codecs",
    "audio_languages",
    "subtitles",
    "msrp",
    "street_price",
    "features",
    "scores",
    "cast",
    "original_title",
    "has_verdict",
    "spoiler_free",
]


# --- what the parser read, as plain JSON (runs in the worker, any revision) -----------


def _money(value: Any) -> str | None:
    if not value:
        return None
    cents, currency = value
    return f"{cents / 100:.2f} {currency}"


def _doc_fields(doc: Any) -> dict[str, Any]:
    edition = doc.edition
    review = doc.review
    out: dict[str, Any] = {
        "year": doc.year,
        "directors": list(doc.directors),
        "runtime_min": doc.runtime_min,
        "cast": list(doc.cast),
        "original_title": getattr(doc, "original_title", None),
    }
    if edition is not None:
        out.update(
            format=edition.format,
            region=edition.region,
            release_date=edition.release_date,
            label=edition.label,
            spine=edition.spine,
            aspect_ratios=list(edition.aspect_ratios),
            disc_count=edition.disc_count,
            video_resolution=edition.video_resolution,
            video_codec=edition.video_codec,
            audio_codecs=sorted({t.codec for t in edition.audio if t.codec}),
            audio_languages=sorted({t.language for t in edition.audio if t.language}),
            subtitles=list(edition.subtitles),
            msrp=_money(edition.msrp),
            street_price=_money(edition.street_price),
            features=[f.title for f in edition.features],
        )
    if review is not None:
        out["scores"] = {k: [s.value, s.scale_max] for k, s in review.scores.items()}
        out["has_verdict"] = bool(review.verdict)
    # docs/import-corpus.md: no section that is not about the plot marked as a spoiler; a
    # document without review sections (a listing) marks none.
    sections = review.sections if review is not None else []
    out["spoiler_free"] = not any(s.is_spoiler for s in sections)
    return out


async def _worker(db_path: str, folder: str, names: list[str]) -> list[dict[str, Any]]:
    """Import the pages with whatever revision is on sys.path; one JSON row per page."""
    from bot.importers.catalog import build_catalog
    from bot.importers.documents import importer, parsers
    from bot.importers.documents.model import DocumentError
    from bot.store import open_database

    try:
        from bot.importers.documents.reader import read_page
    except ImportError:  # before HTML pages were read
        read_page = None
    from bot.importers.documents.reader import decode_document

    db = await open_database(Path(db_path))
    rows = []
    try:
        await build_catalog(db, progress=False)
        for name in names:
            raw = (Path(folder) / name).read_bytes()
            row: dict[str, Any] = {"file": name}
            try:
                source = read_page(raw) if read_page else decode_document(raw)
                doc = parsers.parse_document(source)
                row["kind"] = doc.kind
                row["fields"] = _doc_fields(doc)
            except DocumentError as exc:
                row["kind"], row["fields"], row["parse_error"] = None, {}, exc.reason
            outcome = await importer.import_document(db, name, raw)
            row["status"] = outcome.status
            row["message"] = outcome.message
            row["film_id"] = outcome.film_id
            rows.append(row)
        for row in rows:
            if row["film_id"] is not None:
                found = await db._fetchone(
                    "SELECT title, year FROM films WHERE id = ?", (row["film_id"],)
                )
                row["film"] = [found[0], found[1]] if found else None
    finally:
        await db.close()
    return rows


# --- comparing with the labels ---------------------------------------------------------


def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _label_key(text: str) -> str:
    words = _fold(text).split()
    return " ".join(w for w in words if w not in {"the", "collection", "video", "films"})


# A label is right when it names the same company: pages name one company by its imprint
# or in a longer or shorter form ('Arrow Academy' and 'Arrow Video', 'Universal' and
# 'Universal Studios Home Entertainment', 'Masters of Cinema' is Eureka's series).
_COMPANY = {"masters": "eureka", "buena": "disney", "scream": "shout", "twentieth": "20th"}


def _company(text: str) -> str:
    words = _label_key(text).split()
    return _COMPANY.get(words[0], words[0]) if words else ""


def _person_same(a: str, b: str) -> bool:
    fa, fb = _fold(a).split(), _fold(b).split()
    return bool(fa and fb) and (fa == fb or (fa[-1] == fb[-1] and fa[0][:1] == fb[0][:1]))


def _score_share(text: Any) -> float | None:
    if isinstance(text, list):
        return float(text[0]) / float(text[1]) if text[1] else None
    from bot.importers.documents.fields import parse_score

    score = parse_score(str(text))
    return score.value / score.scale_max if score and score.scale_max else None


def _right(key: str, want: Any, got: Any) -> bool:
    if got in (None, [], {}, ""):
        return False
    if key in ("year", "disc_count", "spine", "release_date", "video_resolution", "region"):
        return str(want).replace(" ", "").lower() == str(got).replace(" ", "").lower()
    if key == "runtime_min":
        return abs(int(want) - int(got)) <= 1
    if key in ("format", "video_codec", "original_title"):
        return _fold(str(want)) == _fold(str(got))
    if key == "label":
        return _company(want) == _company(got)
    if key in ("msrp", "street_price"):
        return str(want) == str(got)
    if key == "audio_codecs":  # LPCM is PCM; 'DTS-HD' is how a page may write DTS-HD MA
        same = {"lpcm": "pcm", "linear pcm": "pcm", "dts hd": "dts hd ma"}
        return {same.get(_fold(x), _fold(x)) for x in want} == {
            same.get(_fold(x), _fold(x)) for x in got
        }
    if key in ("aspect_ratios", "audio_languages", "subtitles"):
        return {_fold(x) for x in want} == {_fold(x) for x in got}
    if key in ("directors", "cast"):
        return all(any(_person_same(w, g) for g in got) for w in want)
    if key == "features":
        found = sum(
            1 for w in want if any(_fold(w) in _fold(g) or _fold(g) in _fold(w) for g in got)
        )
        return found == len(want) and len(got) <= len(want) + 2
    if key == "scores":
        for category, value in want.items():
            mine = got.get(category)
            a, b = _score_share(value), _score_share(mine) if mine else None
            if a is None or b is None or abs(a - b) > 0.02:
                return False
        return True
    if key in ("has_verdict", "spoiler_free"):
        return bool(want) == bool(got)
    return want == got


def _decision(status: str) -> str:
    return {"merged": "attach", "imported": "new", "pending": "pending"}.get(status, "reject")


def _right_film(entry: dict[str, Any], row: dict[str, Any]) -> bool:
    about = entry.get("about")
    film = row.get("film")
    if not about or not film:
        return False
    same_title = _fold(about["title"]) == _fold(film[0]) or _label_key(about["title"]) == (
        _label_key(film[0])
    )
    year_ok = not about.get("year") or not film[1] or abs(int(about["year"]) - film[1]) <= 1
    return same_title and year_ok


def score(manifest: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_file = {r["file"]: r for r in rows}
    totals = dict(pages=0, fields=0, right=0, decisions=0, attach=0, attach_right=0)
    totals.update(junk=0, wrong_merge=0, rejected=0, pending=0, kind_right=0)
    per_field: dict[str, list[int]] = {k: [0, 0] for k in FIELDS}
    for entry in manifest:
        row = by_file[entry["file"]]
        totals["pages"] += 1
        decision = _decision(row["status"])
        expect = entry["expect"]
        totals["decisions"] += decision == expect
        totals["rejected"] += decision == "reject"
        totals["pending"] += decision == "pending"
        totals["kind_right"] += (row.get("kind") or None) == (entry.get("kind") or None)
        if expect == "attach":
            totals["attach"] += 1
            totals["attach_right"] += decision == "attach" and _right_film(entry, row)
        if decision == "new" and expect != "new":
            totals["junk"] += 1
        if decision == "attach" and not _right_film(entry, row):
            totals["wrong_merge"] += 1
        for key, want in (entry.get("fields") or {}).items():
            if key not in per_field:
                continue
            ok = _right(key, want, row["fields"].get(key))
            per_field[key][0] += ok
            per_field[key][1] += 1
            totals["fields"] += 1
            totals["right"] += ok
    totals["per_field"] = per_field
    return totals


def _summary(t: dict[str, Any]) -> list[tuple[str, str]]:
    share = t["right"] / t["fields"] if t["fields"] else 0.0
    return [
        ("fields right", f"{t['right']}/{t['fields']} ({share:.0%})"),
        ("attached to the right film", f"{t['attach_right']}/{t['attach']}"),
        ("decision as labelled", f"{t['decisions']}/{t['pages']}"),
        ("kind as labelled", f"{t['kind_right']}/{t['pages']}"),
        ("junk new films", str(t["junk"])),
        ("wrong merges", str(t["wrong_merge"])),
        ("rejected", str(t["rejected"])),
        ("pending", str(t["pending"])),
    ]


def _run_worker(python_path: Path, folder: Path, names: list[str], tmp: Path) -> list[dict]:
    db = tmp / f"bench-{python_path.name}.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(python_path))
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(db), str(folder)],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        env=env,
        cwd=python_path,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"the import run from {python_path} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--split", help="only the manifest entries with this 'split'")
    parser.add_argument("--baseline", default=BASELINE_REV, help="git revision to compare")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--pages", action="store_true", help="a line per page")
    args = parser.parse_args()
    manifest = json.loads(args.manifest.read_text())
    if args.split:
        manifest = [e for e in manifest if e.get("split") == args.split]
    names = [e["file"] for e in manifest]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        rows = _run_worker(ROOT, args.folder.resolve(), names, tmp)
        seconds = time.perf_counter() - started
        now = score(manifest, rows)
        base = None
        if not args.no_baseline:
            tree = tmp / "baseline"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.baseline],
                check=True,
                capture_output=True,
            )
            try:
                base = score(manifest, _run_worker(tree, args.folder.resolve(), names, tmp))
            finally:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                    check=False,
                    capture_output=True,
                )
    if args.pages:
        by_file = {r["file"]: r for r in rows}
        for entry in manifest:
            row = by_file[entry["file"]]
            film = row.get("film")
            shown = f"{film[0]} ({film[1]})" if film else "-"
            print(
                f"{entry['expect']:>7} -> {_decision(row['status']):<7} {entry['file']}: "
                f"{shown} | {row['message'][:110]}"
            )
        print()
    print(f"{len(manifest)} pages from {args.folder} ({seconds:.1f} s with the catalog build)")
    mine = _summary(now)
    theirs = _summary(base) if base is not None else [(k, "") for k, _ in mine]
    head = f"baseline ({args.baseline})" if base is not None else ""
    print(f"{'':<28}{'now':<16}{head}")
    for (label, value), (_, old) in zip(mine, theirs, strict=True):
        print(f"{label:<28}{value:<16}{old}")
    print("\nper field (right/labelled):")
    for key, (ok, total) in now["per_field"].items():
        if total:
            extra = ""
            if base is not None:
                b_ok, b_total = base["per_field"][key]
                extra = f"   baseline {b_ok}/{b_total}"
            print(f"  {key:<17}{ok}/{total}{extra}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        sys.path.insert(0, os.getcwd())
        result = asyncio.run(_worker(sys.argv[2], sys.argv[3], json.loads(sys.stdin.read())))
        print(json.dumps(result))
    else:
        main()
