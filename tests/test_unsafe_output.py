"""What data may do on its way out (issue 15): control characters reach no terminal
(`filmbot import`, `filmbot search`) and no Discord message, the Discord menu's "You chose"
note cannot ping or advertise, and an absurd price is unknown rather than an internal error.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from bot.adapters.discord_views import chosen_note
from bot.cards import Card, Choice, Field, Reply, Span, plain
from bot.importers.documents import fields
from bot.importers.documents.importer import import_document
from bot.render.discord import render_reply
from bot.render.safety import ZERO_WIDTH_SPACE, discord_defuse, discord_escape, discord_url
from bot.store import open_database
from tests import sql
from tests.conftest import run_cli
from tests.test_documents import LISTING_VARIANT

# What a terminal or a chat client must never receive raw from data: NUL, ESC, a C1 CSI
# (0x9b, which some terminals take as ESC [), a C1 OSC (0x9d), and a right-to-left override.
NUL, ESC, CSI, OSC, RLO = "\x00", "\x1b", "\x9b", "\x9d", "\u202e"
C0_C1 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# --- Discord --------------------------------------------------------------------------


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_discord_renderer_drops_nul_esc_and_c1() -> None:
    dirty = f"Sol{NUL}aris{ESC}[31m {CSI}2J{OSC}x"
    card = Card(
        dirty,
        (
            Span(dirty),
            Span(dirty, "bold"),
            Span(dirty, "spoiler"),
            Span(dirty, "link", "https://a.b/"),
        ),
        (Field(dirty, plain(dirty)),),
        footer=dirty,
    )
    payload = render_reply(Reply((card,), (Choice("film:1", dirty), Choice("film:2", "B"))))
    texts = _strings(payload)
    assert any("Sol" in t for t in texts)
    assert not [t for t in texts if C0_C1.search(t.replace("\n", ""))]
    # The menu label as well as the embed.
    assert payload["components"][0]["components"][0]["options"][0]["label"].startswith("Solaris")


def test_a_control_character_cannot_hide_a_mention() -> None:
    assert discord_escape(f"@{NUL}everyone") == f"@{ZERO_WIDTH_SPACE}everyone"
    assert discord_defuse(f"<@{CSI}&123>") == f"<{ZERO_WIDTH_SPACE}@&123>"  # a footer
    assert discord_escape(f"<@{CSI}&123>") == discord_escape("<@&123>")


def test_a_link_with_a_c1_control_is_not_linked() -> None:
    assert discord_url("https://example.com/a") == "https://example.com/a"
    assert discord_url(f"https://example.com/{CSI}a") is None


# What Discord would act on in a message's content: pings, invites, markdown, controls.
LIVE = re.compile(r"@(?:everyone|here)|<@[!&]?\d+>|discord\.gg/|(?<!\\)\*\*|[\x00\x1b\x80-\x9f]")


@pytest.mark.parametrize(
    "label",
    [
        "Solaris @everyone (1972)",
        "Solaris @here (1972)",
        "Solaris <@&1234> (1972)",
        "Solaris <@!42> (1972)",
        "Solaris discord.gg/filmclub (1972)",
        "**Solaris** (1972)",
        f"Sol{NUL}aris{ESC} (1972)",
    ],
)
def test_the_you_chose_note_is_defused(label: str) -> None:
    assert LIVE.search(label)
    note = chosen_note(label)
    assert note == f"You chose {discord_escape(label)}."
    assert not LIVE.search(note)
    assert chosen_note(label, expired=True) == "This list has expired."


def test_the_you_chose_note_reads_as_before_for_a_plain_title() -> None:
    assert chosen_note("Solaris (2002) · Steven Soderbergh") == (
        "You chose Solaris (2002) · Steven Soderbergh."
    )


# --- the terminal ---------------------------------------------------------------------

# A CSI that would clear the screen, an OSC that would retitle the window (ended by a C1
# ST), a right-to-left override.
DIRTY_TITLE = f"The Quiet {CSI}2JOrchard{OSC}0;pwned\x9c {RLO}Tale"
SHOWN = "The Quiet Orchard Tale (2019)"


@pytest.fixture
def dirty_db(catalog_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    text = (
        LISTING_VARIANT.replace("Seven Samurai", DIRTY_TITLE)
        .replace("Akira Kurosawa", "Ana Lindqvist")
        .replace("1954", "2019")
    )
    document = tmp_path / f"orchard{RLO}txt.exe.txt"
    document.write_text(text, encoding="utf-8")
    return catalog_copy, document


def test_filmbot_import_prints_no_control_characters(dirty_db: tuple[Path, Path]) -> None:
    db, document = dirty_db
    result = run_cli("import", str(document), db=db)
    assert result.returncode == 0, result.stderr
    assert f"new film {SHOWN}" in result.stdout
    assert not TERMINAL_UNSAFE.search(result.stdout)


def test_filmbot_search_prints_no_control_characters(dirty_db: tuple[Path, Path]) -> None:
    db, document = dirty_db
    assert run_cli("import", str(document), db=db).returncode == 0
    text = run_cli("search", "quiet orchard", db=db)
    assert SHOWN in text.stdout
    assert not TERMINAL_UNSAFE.search(text.stdout)
    missing = run_cli("search", f"nothing{CSI}like{RLO}this", db=db)
    assert not TERMINAL_UNSAFE.search(missing.stdout) and "No match" in missing.stdout
    # JSON keeps the data exactly, written so that no terminal acts on it.
    found = run_cli("search", "--json", "quiet orchard", db=db, env={"PYTHONIOENCODING": "utf-8"})
    assert not TERMINAL_UNSAFE.search(found.stdout)
    assert json.loads(found.stdout)["results"][0]["title"] == DIRTY_TITLE
    batch = run_cli("search", "--batch", "-", db=db, stdin="quiet orchard\n")
    assert not TERMINAL_UNSAFE.search(batch.stdout)
    assert json.loads(batch.stdout)["results"][0]["title"] == DIRTY_TITLE


# --- prices ---------------------------------------------------------------------------


def test_an_absurd_price_is_unknown(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.importers.documents.fields"):
        assert fields.parse_price("$" + "9" * 30) is None
        assert fields.parse_price("List Price " + "1" * 5000) is None
        assert fields.parse_price("$10,000,000.01") is None
    assert "a price of 30 digits is taken as unknown" in caplog.text
    assert fields.parse_price("$9,999,999.99") == (999_999_999, "USD")
    assert fields.parse_price("¥5,800") == (580_000, "JPY")


async def test_a_document_with_an_absurd_price_is_imported(catalog_copy: Path) -> None:
    text = LISTING_VARIANT.replace("List Price: $49.95", "List Price: $" + "9" * 30)
    db = await open_database(catalog_copy)
    try:
        outcome = await import_document(db, "absurd-price.txt", text.encode())
        assert outcome.status == "merged", outcome.message  # not an internal error
        prices = await sql.fetchone(
            db,
            "SELECT msrp_cents, street_price_cents FROM editions WHERE id = ?",
            (outcome.edition_id,),
        )
        assert tuple(prices) == (None, 3499)  # the list price unknown, the sale price kept
    finally:
        await db.close()
