"""Release listings for tests, in the shape of the seed listing (a retailer's page)."""

from __future__ import annotations

from datetime import date


def listing(
    title: str,
    year: int,
    released: date | str,
    *,
    director: str = "Mikhail Kalatozov",
    studio: str = "Criterion Collection",
    fmt: str = "Blu-ray",
    genres: str = "Drama, War",
    country: str = "United States",
    price: str = "39.95",
) -> str:
    day = date.fromisoformat(released) if isinstance(released, str) else released
    specs = {"Blu-ray": "Blu-ray Disc", "DVD": "DVD", "4K UHD": "4K Ultra HD Blu-ray"}[fmt]
    return f"""{fmt} Releases Details
{title}

List Price {price}
In Stock.

Genres: {genres}
Starring: Tatiana Samoilova, Aleksey Batalov
Director: {director}
Plot Synopsis:

A film about people who love each other and a war that keeps them apart, told with a
camera that never stops moving; the disc presents it in a new restoration.

  • Release Details
    Release Date: {day:%B} {day.day}, {day.year}
    Movie Release Year: {year}
    Release Country: {country}
    Movie Studio: {studio}
  • Technical Specs
    Length:96 Minutes
    Specs:{specs}
    Video Resolution/Codec:1080p AVC/MPEG-4
    Aspect Ratio(s):1.37:1
    Audio Formats:Russian: PCM Mono
    Subtitles/Captions:English
"""
