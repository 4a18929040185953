"""The value parsers, on the spellings real review and retail sites use."""

from __future__ import annotations

import pytest

from bot.importers.documents import fields


@pytest.mark.parametrize(
    ("text", "value", "scale"),
    [
        ("8/10", 8, 10),
        ("Picture 8/10", 8, 10),
        ("4.5/5", 4.5, 5),
        ("4.5 of 5", 4.5, 5),
        ("3 out of 4", 3, 4),
        ("4,5/5", 4.5, 5),
        ("★★★★☆", 4, 5),
        ("★★★½☆", 3.5, 5),
        ("****", 4, 5),
        ("4 stars", 4, 5),
        ("3½ stars", 3.5, 5),
        ("B+", 3.33, 4.33),
        ("Grade: A-", 3.67, 4.33),
        ("C", 2, 4.33),
    ],
)
def test_scores(text: str, value: float, scale: float) -> None:
    score = fields.parse_score(text)
    assert score is not None
    assert (score.value, score.scale_max) == (pytest.approx(value), scale)


@pytest.mark.parametrize("text", ["", "great picture", "11/10", "Region B", "1957"])
def test_not_scores(text: str) -> None:
    assert fields.parse_score(text) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("95 min.", 95),
        ("Time: 95 min.", 95),
        ("Length:96 Minutes", 96),
        ("1 h 37 min", 97),
        ("1hr 43", 103),
        ("2 Hr. 21 Min.", 141),
        ("02h:21m:09s", 141),
        ("2:21:09", 141),
        ("2 hours", 120),
        ("a 74-minute documentary", 74),
        ("covering a lot in 19-minutes", 19),
    ],
)
def test_runtimes(text: str, minutes: int) -> None:
    assert fields.parse_runtime(text) == minutes


@pytest.mark.parametrize("text", ["", "1957", "Region A", "1 Disc"])
def test_not_runtimes(text: str) -> None:
    assert fields.parse_runtime(text) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("March 24 2020", "2020-03-24"),
        ("March 24th, 2020", "2020-03-24"),
        ("12 October 1957", "1957-10-12"),
        ("12\u00a0October 1957", "1957-10-12"),
        ("2020-03-24", "2020-03-24"),
        ("Oct. 12, 1957", "1957-10-12"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    assert fields.parse_date(text) == iso


@pytest.mark.parametrize("text", ["1957", "March 2020", "soon", "", "32 March 2020"])
def test_partial_or_bad_dates_are_not_dates(text: str) -> None:
    assert fields.parse_date(text) is None


def test_prices() -> None:
    assert fields.parse_price("MSRP: $39.95") == (3995, "USD")
    assert fields.parse_price("List Price 39.95(30% OFF)") == (3995, "USD")
    assert fields.parse_price("Sale Price 27.88") == (2788, "USD")
    assert fields.parse_price("£12.99") == (1299, "GBP")
    assert fields.parse_price("call us") is None


def test_disc_and_video_specs() -> None:
    assert fields.parse_discs("1 Disc | BD-50") == (1, "BD-50")
    assert fields.parse_discs("2-disc set, DVD9") == (2, "DVD-9")
    assert fields.parse_aspect_ratios("1.33:1 ratio") == ["1.33:1"]
    assert fields.parse_aspect_ratios("1.78 : 1 and 2.39:1") == ["1.78:1", "2.39:1"]
    assert fields.parse_region("Region A") == "A"
    assert fields.parse_region("Region: A, B") == "A,B"
    assert fields.parse_region("region B/C") == "B,C"
    assert fields.parse_region("Region Free") == "free"
    assert fields.parse_resolution("Video Resolution/Codec:1080p AVC/MPEG-4") == "1080p"
    assert fields.parse_codec("1080p AVC/MPEG-4") == "AVC/MPEG-4"
    assert fields.parse_codec("2160p HEVC") == "HEVC"
    assert fields.format_from("Specs:Blu-ray Disc") == "Blu-ray"
    assert fields.format_from("BD-50") == "Blu-ray"
    assert fields.format_from("4K UHD + Blu-ray") == "4K UHD"
    assert fields.format_from("DVD-9") == "DVD"


@pytest.mark.parametrize(
    ("text", "language", "codec", "channels"),
    [
        ("Russian 1.0 PCM Mono", "Russian", "PCM", "1.0"),
        ("Russian: PCM Mono", "Russian", "PCM", "Mono"),
        ("English DTS-HD Master Audio 5.1", "English", "DTS-HD MA", "5.1"),
        ("Japanese LPCM 2.0", "Japanese", "LPCM", "2.0"),
        ("Dolby Digital 2.0", None, "Dolby Digital", "2.0"),
    ],
)
def test_audio(text: str, language: str | None, codec: str, channels: str) -> None:
    track = fields.parse_audio(text)
    assert track is not None
    assert (track.language, track.codec, track.channels) == (language, codec, channels)
    assert track.description == text
