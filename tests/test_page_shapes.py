"""The line shapes real review, shop and database pages use, one finder at a time: scores,
spec rows and labelled details, prices and special-feature lists. Every fact is invented."""

from __future__ import annotations

import pytest

from bot.importers.documents.details import (
    extract_details,
    shop_prices,
    spec_row,
    split_run_together,
)
from bot.importers.documents.features import find_features
from bot.importers.documents.fields import parse_audio, parse_price
from bot.importers.documents.scores import find_scores


def scores(lines: list[str]) -> dict[str, tuple[float, float]]:
    return {c: (s.value, s.scale_max) for c, s in find_scores(lines).scores.items()}


# --- scores ------------------------------------------------------------------------------

SCORE_SHAPES = [
    (
        ["Video: 4/5 Audio: 3.5/5 Extras: 2/5"],
        {"picture": (4, 5), "audio": (3.5, 5), "extras": (2, 5)},
    ),
    (
        ["Movie 4 | Video 4.5 | Audio 4 | Extras 3 | Overall 4"],
        {"film": (4, 5), "picture": (4.5, 5), "audio": (4, 5), "extras": (3, 5), "overall": (4, 5)},
    ),
    (
        ["Film | Video | Audio | Extras", "", "3.5 | 5 | 4 | 2"],
        {"film": (3.5, 5), "picture": (5, 5), "audio": (4, 5), "extras": (2, 5)},
    ),
    (["• Picture: 7/10", "• Sound: 9/10"], {"picture": (7, 10), "audio": (9, 10)}),
    (
        ["Video", "4.5/5", "Audio", "", "★★★★☆", "Bonus Material", "3"],
        {"picture": (4.5, 5), "audio": (4, 5), "extras": (3, 5)},
    ),
    (["Video: 88/100", "Overall 80"], {"picture": (88, 100), "overall": (80, 100)}),
    (["Image: B+", "Grade: A-"], {"picture": (3.33, 4.33), "overall": (3.67, 4.33)}),
    (
        ["The Movie Itself: ★★★½", "Transfer: ***", "Sound: ****1/2", "Supplements: 4 stars"],
        {"film": (3.5, 5), "picture": (3, 5), "audio": (4.5, 5), "extras": (4, 5)},
    ),
    (["Content: 4.5 Stars", "Final Score: 3½ out of 5"], {"film": (4.5, 5), "overall": (3.5, 5)}),
    (["Movie: **** 1/2 out of 5", "4K Video: *****"], {"film": (4.5, 5), "picture": (5, 5)}),
    (
        ["The Film (5/5)", "A story of two sisters.", "Video Quality (4.5/5)"],
        {"film": (5, 5), "picture": (4.5, 5)},
    ),
    (["Special Features", "(2/5)"], {"extras": (2, 5)}),
    (["[rating=4]"], {"overall": (4, 5)}),
    (["[usr 4.5]"], {"overall": (4.5, 5)}),
    (["[usr 7.5 text=true]"], {"overall": (7.5, 10)}),
    (["Rating: 7/10"], {"overall": (7, 10)}),
    (
        ["Film Rating: C+", "Video (1-20): 17.5", "Audio (1-20): 16"],
        {"film": (2.33, 4.33), "picture": (17.5, 20), "audio": (16, 20)},
    ),
    (
        ["Overall Enjoyment", "***1/2", "Picture Quality", "****"],
        {"overall": (3.5, 5), "picture": (4, 5)},
    ),
    (["Video | 4.5/5", "Audio Quality | 3/5"], {"picture": (4.5, 5), "audio": (3, 5)}),
    # A bare number takes the scale the page uses elsewhere.
    (["Video: 7/10", "Audio: 6"], {"picture": (7, 10), "audio": (6, 10)}),
    (
        ["Video: 8", "Audio: 6", "Extras: 3"],
        {"picture": (8, 10), "audio": (6, 10), "extras": (3, 10)},
    ),
    # Several grades per category (one per disc): the first is the page's own.
    (["Picture: B/B-/C Sound: B+/B"], {"picture": (3, 4.33), "audio": (3.33, 4.33)}),
    (["Recommendation: 4/5"], {"overall": (4, 5)}),
]


@pytest.mark.parametrize(("lines", "expected"), SCORE_SHAPES, ids=[s[0][0] for s in SCORE_SHAPES])
def test_score_shapes(lines: list[str], expected: dict[str, tuple[float, float]]) -> None:
    found = scores(lines)
    assert found.keys() == expected.keys()
    for category, (value, scale) in expected.items():
        assert found[category] == (pytest.approx(value, abs=0.01), scale)


NOT_SCORES = [
    "Video: 1080p AVC",
    "Video: 2.39:1 Anamorphic Widescreen",
    "Audio: DTS-HD Master Audio 5.1",
    "Audio: 5.1",
    "Audio: 2.0",
    "Rating: 15",
    "Rated R",
    "Region 2",
    "Price: $29.95",
    "Runtime: 112 min",
    "Release Date: 2019",
    "Extras: Commentary; Trailer; Booklet",
    "Extras: A making-of featurette",
    "The video is presented in 1080p and the audio is 5.1.",
    "Sound 5.1 mix",
    "Aspect ratio 1.85:1",
    "Film 1962",
]


@pytest.mark.parametrize("line", NOT_SCORES)
def test_not_scores(line: str) -> None:
    found = find_scores([line])
    assert found.scores == {} and found.lines_used == set()


def test_label_then_spec_on_the_next_line_is_not_a_score() -> None:
    assert scores(["Video", "1080p HEVC", "Audio", "English LPCM 2.0", "Rating", "PG-13"]) == {}


def test_channel_layout_is_a_score_only_beside_other_bare_scores() -> None:
    assert scores(["Video: 4", "Audio: 2.0"]) == {"picture": (4, 5), "audio": (2, 5)}
    assert scores(["Video: 4", "Audio: 5.1"]) == {"picture": (4, 5)}


def test_lines_used_and_raw_text() -> None:
    lines = ["Some Film", "", "Movie", "★★★★☆", "prose here.", "Audio: 3/5"]
    found = find_scores(lines)
    assert found.lines_used == {2, 3, 5}
    assert found.raw == {"film": "★★★★☆", "audio": "3/5"}
    assert found.scores["audio"].raw == "3/5"


# --- spec rows and labelled details -------------------------------------------------------


def test_spec_row_with_label_year_runtime_rating_and_disc_date() -> None:
    pairs = spec_row("Criterion | 1961 | 104 min | Rated NR | Aug 13, 2019")
    assert pairs == [
        ("series", "Criterion"),
        ("year", "1961"),
        ("runtime", "104 min"),
        ("rated", "NR"),
        ("release_date", "Aug 13, 2019"),
    ]


def test_spec_row_of_disc_specs() -> None:
    pairs = dict(spec_row("Blu-ray | Region B | 1080p | 1.66:1 | LPCM Mono") or [])
    assert pairs == {
        "specs": "Blu-ray",
        "region": "B",
        "video": "1080p",
        "aspect": "1.66:1",
        "audio": "LPCM Mono",
    }


def test_dash_separated_row_with_studio_and_label_in_brackets() -> None:
    pairs = spec_row("Northgate Pictures – 126 mins – 2004 – Rated PG – 1080p 2.39:1")
    assert pairs is not None and ("studio", "Northgate Pictures") in pairs
    assert ("runtime", "126 mins") in pairs and ("year", "2004") in pairs
    assert ("video", "1080p 2.39:1") in pairs and ("aspect", "1080p 2.39:1") in pairs
    assert spec_row("1998 (2021) - Halcyon (Eureka)") == [
        ("year", "1998"),
        ("studio", "Halcyon"),
        ("series", "Eureka"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Home | Reviews | News | Forum",
        "Blu-ray | DVD | 4K UHD",  # a menu of formats
        "A quiet film | a loud finale",
        "Posted by Sam | 12 comments",
    ],
)
def test_chrome_is_not_a_spec_row(line: str) -> None:
    assert spec_row(line) is None


def test_spec_row_feeds_the_details() -> None:
    details = extract_details(["Some Film", "Eureka | 1971 | 98 min | Mar 3, 2022"])
    assert details.first("series") == "Eureka"
    assert details.first("year") == "1971"
    assert details.first("runtime") == "98 min"
    assert details.first("release_date") == "Mar 3, 2022"
    assert details.lines_used == {1}


LABEL_NEXT_LINE = [
    ("Region", "B", "region"),
    ("Aspect Ratio", "1.85:1", "aspect"),
    ("Audio", "English LPCM 2.0", "audio"),
    ("Subtitles", "English, German", "subtitles"),
    ("Release Date", "June 2, 2021", "release_date"),
    ("Studio", "Halcyon Home Video", "studio"),
    ("Price", "£17.99", "street_price"),
    ("Running Time", "104 minutes", "runtime"),
    ("Distributor", "Halcyon Home Video", "studio"),
    ("Label", "Eureka", "series"),
    ("Rated", "PG-13", "rated"),
    ("Blu-ray release date", "June 2, 2021", "disc_date"),
    ("Disc Release Date", "June 2, 2021", "disc_date"),
    ("Video Codec", "MPEG-4 AVC", "video"),
    ("Resolution", "1080p", "video"),
    ("Audio Formats", "German DTS-HD Master Audio 5.1", "audio"),
    ("Region Code", "A, B", "region"),
    ("Number of discs", "2", "discs"),
    ("Discs", "2", "discs"),
    ("Packaging", "Keep case with slipcover", "packaging"),
    ("Catalog #", "HAL-0042", "catalog"),
    ("UPC", "715515123456", "upc"),
    ("Original aspect ratio", "1.37:1", "original_aspect"),
]


@pytest.mark.parametrize(("label", "value", "name"), LABEL_NEXT_LINE)
def test_label_then_value_on_the_next_line(label: str, value: str, name: str) -> None:
    details = extract_details([label, value])
    assert details.all(name) == [value]
    assert details.lines_used == {0, 1}
    same_line = extract_details([f"{label}: {value}"])
    assert same_line.all(name) == [value]


def test_a_proven_value_may_follow_a_blank_line_but_a_loose_one_may_not() -> None:
    assert extract_details(["Price:", "", "£19.99"]).first("street_price") == "£19.99"
    assert extract_details(["Aspect Ratio", "", "2.35:1"]).first("aspect") == "2.35:1"
    assert extract_details(["Studio", "", "Some words"]).first("studio") is None


def test_original_aspect_ratio_is_kept_apart_from_the_disc_ratio() -> None:
    details = extract_details(["Aspect ratio: 1.78:1", "Original aspect ratio: 1.66:1"])
    assert details.all("aspect") == ["1.78:1"]
    assert details.all("original_aspect") == ["1.66:1"]


def test_a_disc_date_is_never_the_film_year() -> None:
    details = extract_details(
        ["Year: 1962", "Blu-ray release date: 2018", "Released on Blu-ray: 2019"]
    )
    assert details.all("year") == ["1962"]
    assert details.all("disc_date") == ["2018", "2019"]
    assert details.all("release_date") == []


def test_a_score_is_not_an_audio_or_video_detail() -> None:
    details = extract_details(["Audio: 4.5", "Video: ★★★★☆", "Audio: 2.0"])
    assert details.all("audio") == ["2.0"] and details.all("video") == []


# --- prices -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("$29.95", (2995, "USD")),
        ("£19.99", (1999, "GBP")),
        ("€24,99", (2499, "EUR")),
        ("RRP £24.99", (2499, "GBP")),
        ("Our price: 19.99", (1999, "USD")),
        ("£14.99Add to basket", (1499, "GBP")),
    ],
)
def test_price_spellings(text: str, price: tuple[int, str]) -> None:
    assert parse_price(text) == price


def test_shop_price_lines() -> None:
    assert shop_prices("£14.99Add to basket") == [("street_price", "£14.99")]
    assert shop_prices("$29.95") == [("street_price", "$29.95")]
    assert shop_prices("Was £20 Now £12") == [("msrp", "£20"), ("street_price", "£12")]
    assert shop_prices("Was £20.00, now only £12.50") == [
        ("msrp", "£20.00"),
        ("street_price", "£12.50"),
    ]
    assert shop_prices("It cost me $5 to rent it.") is None
    assert shop_prices("Free delivery on orders over £25") is None


def test_listing_prices_in_details() -> None:
    details = extract_details(["RRP £24.99", "£14.99Add to basket"])
    assert details.first("msrp") == "£24.99"
    assert details.first("street_price") == "£14.99"
    assert extract_details(["Was £20 Now £12"]).values == {"msrp": ["£20"], "street_price": ["£12"]}
    bare = extract_details(["Price:", "£9.99"])
    assert bare.first("street_price") == "£9.99"
    assert extract_details(["Price: call for details"]).first("street_price") is None
    none = extract_details(["Format: Blu-ray", "Region: B"])
    assert none.first("street_price") is None and none.first("msrp") is None


def test_dts_hd_master_audio_with_channels_between() -> None:
    track = parse_audio("DTS-HD 5.1 Master Audio")
    assert track is not None and track.codec == "DTS-HD MA"


# --- special features ---------------------------------------------------------------------


def test_numbered_and_bulleted_lists_under_a_label() -> None:
    lines = [
        "Special Features:",
        "1. Audio commentary by two critics",
        "2) A 1999 short film by the director",
        "• Theatrical trailer",
        "- Image gallery",
        "* Booklet with a new essay",
        "· Restoration demonstration",
        "▪ Alternate ending",
        "✓ English subtitles",
        "",
        "Our verdict follows.",
    ]
    found = find_features(lines)
    assert len(found.items) == 8
    assert found.items[0] == "Audio commentary by two critics"
    assert found.items[-1] == "English subtitles"
    assert found.lines_used == set(range(9))


def test_plain_lines_until_a_blank_line_or_a_label() -> None:
    lines = ["Bonus Features", "Making-of featurette", "Trailer", "Region: B"]
    assert find_features(lines).items == ["Making-of featurette", "Trailer"]
    lines = ["Supplements", "", "Director interview", "Stills gallery", "", "Stray line"]
    assert find_features(lines).items == ["Director interview", "Stills gallery"]


def test_lists_on_the_label_line() -> None:
    assert find_features(["Extras: Commentary · Trailer · Booklet"]).items == [
        "Commentary",
        "Trailer",
        "Booklet",
    ]
    assert find_features(["Special Features: Commentary; Trailer; Stills gallery"]).items == [
        "Commentary",
        "Trailer",
        "Stills gallery",
    ]
    assert find_features(["Extras: Commentary, Trailer, Booklet"]).items == [
        "Commentary",
        "Trailer",
        "Booklet",
    ]
    # A score is not a list.
    assert find_features(["Extras: 4/5"]).items == []
    assert find_features(["Extras: B+"]).items == []


def test_unlabelled_dot_separated_and_run_together_lists() -> None:
    assert find_features(["Commentary · Trailer · Booklet"]).items == [
        "Commentary",
        "Trailer",
        "Booklet",
    ]
    run_on = "New interview with the editor   Trailer   Essay by a critic"
    assert find_features([run_on]).items == [
        "New interview with the editor",
        "Trailer",
        "Essay by a critic",
    ]
    # Prose with two spaces after its stops is not a list.
    assert find_features(["It looks fine.  The trailer is fun.  Buy it."]).items == []


def test_review_prose_under_an_extras_heading_is_not_a_list() -> None:
    lines = [
        "Extras",
        "The disc carries a commentary recorded in 2004 by the director and his editor. "
        "They talk a lot about the weather on location, which is more fun than it sounds.",
        "Video",
    ]
    found = find_features(lines)
    assert found.items == [] and found.lines_used == set()


def test_the_list_stops_at_the_next_score_or_heading() -> None:
    lines = ["Special Features", "Commentary", "Trailer", "Video: 4/5", "Not a feature"]
    assert find_features(lines).items == ["Commentary", "Trailer"]
    lines = ["Special Features", "Commentary", "Final Thoughts", "Not a feature"]
    assert find_features(lines).items == ["Commentary"]


def test_details_take_the_features_list() -> None:
    details = extract_details(["Extras:", "• Commentary", "• Trailer", "Region: A"])
    assert details.features == ["Commentary", "Trailer"]
    assert details.first("region") == "A"
    assert details.lines_used == {0, 1, 2, 3}
    scored = extract_details(["Extras: 3/5"])
    assert scored.features == [] and scored.lines_used == set()


def test_labels_run_together_with_pipes_and_a_disc_date_beside_disc_specs() -> None:
    lines = split_run_together(
        ["Eureka | Region: B | Discs: 2 | Runtime: 99 mins | Release date: 4 May 2020"]
    )
    assert lines == [
        "Eureka",
        "Region: B",
        "Discs: 2",
        "Runtime: 99 mins",
        "Disc release date: 4 May 2020",
    ]
    details = extract_details(split_run_together(["Director: Ana Holm Release date: 2 May 1961"]))
    assert details.all("release_date") == ["2 May 1961"]  # no disc specs: the film's date
    assert details.all("disc_date") == []


def test_a_stack_of_rating_labels_is_not_a_features_list() -> None:
    box = ["Video", "Audio", "Extras", "Replay", "Advice: Recommended"]
    assert find_features(box).items == []
    hdd = ["Audio", "3.5/5", "", "Extras", "3/5", "", "Overview"]
    assert find_features(hdd).items == []
    assert find_features(["Special Features", "****", "Prose follows here."]).items == []


def test_a_label_that_is_a_country_in_brackets() -> None:
    assert spec_row("The Criterion Collection (America) - Blu-ray - Region A") == [
        ("series", "The Criterion Collection"),
        ("specs", "Blu-ray"),
        ("region", "A"),
    ]
