"""Editions found by their number or name: Criterion spines and box sets (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answers.films import _SPINE
from tests.conftest import run_cli


def _ask(db: Path, message: str) -> str:
    out = run_cli("ask", "--as", "text", message, db=db)
    assert out.returncode == 0, out.stderr
    return " ".join(out.stdout.split())


@pytest.mark.parametrize(
    "message", ["!edition criterion 146", "!edition spine 146", "!edition Criterion #146"]
)
def test_a_spine_number_finds_its_edition(catalog_copy: Path, message: str) -> None:
    text = _ask(catalog_copy, message)
    assert text.startswith("The Cranes Are Flying (1957) — The Criterion Collection #146")


def test_a_box_set_by_its_name_lists_its_films(catalog_copy: Path) -> None:
    text = _ask(catalog_copy, "!edition the apu trilogy")
    assert "box set “The Apu Trilogy”" in text and "Pather Panchali" in text


def test_an_unknown_number_is_said_unknown(catalog_copy: Path) -> None:
    text = _ask(catalog_copy, "!edition criterion 9999")
    assert "No edition numbered 9999 is known in the Criterion Collection" in text


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("criterion 146", "146"),
        ("spine 2", "2"),
        ("#88", "88"),
        ("the criterion collection no. 7", "7"),
    ],
)
def test_the_number_forms(typed: str, number: str) -> None:
    found = _SPINE.match(typed)
    assert found and (found["n"] or found["bare"]) == number


@pytest.mark.parametrize("typed", ["2046", "seven samurai", "criterion", "ocean's 11"])
def test_titles_are_not_numbers(typed: str) -> None:
    assert _SPINE.match(typed) is None


def test_a_format_nobody_gave_is_unknown_not_no(catalog_copy: Path) -> None:
    """The Criterion list gives Seven Samurai's spine, not its format: asked for a DVD,
    the answer says the format is unknown and shows the edition, never 'no DVD'."""
    text = _ask(catalog_copy, "!edition seven samurai criterion dvd")
    assert "Format not known" in text and "unknown, not no" in text
    assert "The Criterion Collection #2" in text
    assert "No The Criterion Collection DVD edition" not in text


def test_a_barcode_typed_with_spaces_or_dashes_is_a_barcode(catalog_copy: Path) -> None:
    spaced = _ask(catalog_copy, "!edition 5027035 019901")
    dashed = _ask(catalog_copy, "!edition 5-027035-019901")
    assert spaced.startswith("12 Monkeys (1995) — Arrow Video") and dashed == spaced
