"""Reading TheDiscDb's JSON files, and the one spelling of each value they hold.

`Reader` reads a release's files (hashing every byte, naming each file by its path in the
tree in errors); `Obj` gives typed access to a JSON object, so a missing or mistyped key
names its file and place ('Titles[3].Item.Type is missing'). The rest turns TheDiscDb's
wording into filmbot's: formats, regions, barcodes, labels, codecs, channels, languages
(the rules are told in `bot.importers.thediscdb`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.importers.discdb_model import Audio, DiscdbError, DiscdbFilm, Video
from bot.text import fold, split_cast

# --- reading files -----------------------------------------------------------------------


class Reader:
    """Reads a release's files, naming them by their path under the tree in errors, and
    hashing every byte read (the release's source is its hash)."""

    def __init__(self, movies: Path) -> None:
        self.movies = movies
        self.hash = hashlib.sha256()
        self.files: list[str] = []

    def shown(self, path: Path) -> str:
        """'movie/Citizen Kane (1941)/2021-criterion-4k/disc01.json'."""
        try:
            return path.relative_to(self.movies.parent).as_posix()
        except ValueError:
            return str(path)

    def json(self, path: Path) -> Any:
        shown = self.shown(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DiscdbError(shown, None, f"cannot read the file ({exc.strerror})") from exc
        self.hash.update(shown.encode() + b"\0" + raw + b"\0")
        self.files.append(shown)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DiscdbError(shown, line, "the file is not UTF-8 text") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DiscdbError(shown, exc.lineno, f"not valid JSON ({exc.msg})") from exc

    def object(self, path: Path) -> Obj:
        data = self.json(path)
        shown = self.shown(path)
        if not isinstance(data, dict):
            raise DiscdbError(shown, None, "expected a JSON object")
        return Obj(data, shown)


@dataclass(frozen=True)
class Obj:
    """A JSON object with typed access; a wrong or missing key names the file."""

    data: dict[str, Any]
    file: str
    where: str = ""  # 'Titles[3].Item': which part of the file

    def fail(self, key: str, problem: str) -> DiscdbError:
        place = f"{self.where}.{key}" if self.where else key
        return DiscdbError(self.file, None, f"{place} {problem}")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, "should be text")
        value = " ".join(str(value).split())
        if required and not value:
            raise self.fail(key, "is empty")
        return value or None

    def number(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(key, "should be a number")
        try:
            return int(value)
        except ValueError:
            raise self.fail(key, f"should be a number, not {value!r}") from None

    def objects(self, key: str) -> list[Obj]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "should be a list")
        found = []
        for n, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{n}]", "should be an object")
            place = f"{self.where}.{key}[{n}]" if self.where else f"{key}[{n}]"
            found.append(Obj(item, self.file, place))
        return found

    def object(self, key: str) -> Obj | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "should be an object")
        return Obj(value, self.file, f"{self.where}.{key}" if self.where else key)

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings, or one comma-separated string ('Dan Kwan, Daniel Scheinert')."""
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(split_cast(value))  # 'Roy Blount, Jr.' stays one name
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(v.strip() for v in value if v.strip())
        raise self.fail(key, "should be text or a list of text")


# --- values --------------------------------------------------------------------------------

_DURATION = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})(?:\.\d+)?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|T)")


def duration_seconds(obj: Obj, key: str = "Duration") -> int | None:
    """'2:11:34' -> 7894 seconds."""
    value = obj.text(key)
    if value is None:
        return None
    match = _DURATION.match(value)
    if not match:
        raise obj.fail(key, f"{value!r} is not a duration (h:mm:ss)")
    hours, minutes, seconds = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def minutes(seconds: int | None) -> int | None:
    """Rounded to the minute; anything shorter than a minute is 1 minute, not 0."""
    if seconds is None:
        return None
    return max(1, round(seconds / 60)) if seconds > 0 else None


def iso_date(obj: Obj, key: str) -> str | None:
    """The date part of an ISO timestamp as written (the street date where it was sold);
    TheDiscDb's '0001-01-01' placeholder is no date."""
    value = obj.text(key)
    if value is None:
        return None
    match = _DATE.match(value)
    if not match:
        raise obj.fail(key, f"{value!r} is not an ISO date")
    if int(match[1]) < 1900:
        return None
    return f"{match[1]}-{match[2]}-{match[3]}"


def disc_format(value: str | None) -> str | None:
    """'UHD' -> '4K UHD'; 'Blu-Ray' and 'Blu-ray' -> 'Blu-ray'; 'DVD'."""
    if value is None:
        return None
    folded = fold(value).replace(" ", "")
    if folded in {"uhd", "4k", "4kuhd", "uhdbd", "ultrahd"}:
        return "4K UHD"
    if folded in {"bluray", "bd", "bluray3d"}:
        return "Blu-ray"
    if folded == "dvd":
        return "DVD"
    return value


def region(value: str | None) -> str | None:
    """'1', 'B', 'ABC' -> 'A,B,C', 'Region free' -> 'free' (as documents write regions)."""
    if value is None:
        return None
    if "free" in value.lower() or value.strip() in {"0", "ALL"}:
        return "free"
    codes = re.findall(r"[ABC1-8]", value.upper().replace("REGION", ""))
    return ",".join(dict.fromkeys(codes)) or None


def barcode(value: str | None) -> str | None:
    """A UPC or EAN as digits; anything else ('', 'n/a') is no barcode."""
    if value is None:
        return None
    digits = re.sub(r"[\s-]", "", value)
    return digits if digits.isdigit() and 8 <= len(digits) <= 14 else None


# --- labels ---------------------------------------------------------------------------------

# Canonical names as the document importer spells them, so a label is one row whoever
# names it; patterns over folded words (slug hyphens and title punctuation are spaces).
_LABELS: tuple[tuple[str, str], ...] = (
    ("The Criterion Collection", r"criterion"),
    ("Arrow Video", r"arrow"),
    ("A24", r"a24"),
    ("Scream Factory", r"scream factory"),
    ("Shout! Factory", r"shout(?: factory)?"),
    ("Kino Lorber", r"kino(?: lorber)?"),
    ("Eureka Entertainment", r"eureka|masters of cinema"),
    ("Second Sight", r"second sight"),
    ("Vinegar Syndrome", r"vinegar syndrome"),
    ("Severin Films", r"severin"),
    ("Indicator", r"indicator|powerhouse films"),
    ("BFI", r"bfi"),
    ("Radiance Films", r"radiance"),
    ("88 Films", r"88 films"),
    ("Umbrella Entertainment", r"umbrella entertainment"),
    ("Warner Archive", r"warner archive"),
    ("StudioCanal", r"studio ?canal"),
    ("Universal", r"universal"),
    ("Warner Bros.", r"warner(?: bros| brothers)?"),
    ("Sony Pictures", r"sony"),
    ("Paramount", r"paramount"),
    ("20th Century Fox", r"20th century(?: fox| studios)?"),
    ("Disney", r"disney"),
    ("Lionsgate", r"lions ?gate"),
    ("MGM", r"mgm"),
)
_LABEL_RX = [(name, re.compile(rf"(?:^| )(?:{rx})(?: |$)")) for name, rx in _LABELS]
# GS1 company prefixes known to be one label's (a UPC-A, or its EAN-13 with a leading 0).
UPC_PREFIXES = {
    "715515": "The Criterion Collection",
    "5027035": "Arrow Video",
    "826663": "Shout! Factory",
}


def _words(text: str) -> str:
    return f" {fold(text.replace('-', ' '))} "


def _without_film(text: str, film: DiscdbFilm) -> str:
    """Folded words of a slug or title with the film's own title taken out."""
    words = _words(text)
    title = fold(film.title)
    if title:
        words = words.replace(f" {title} ", " ")
    return " ".join(words.split())


def label_of(
    film: DiscdbFilm, slug: str, title: str, groups: tuple[str, ...], upc: str | None
) -> str | None:
    """The label the release names (groups, then slug, then title), else the one its UPC
    prefix belongs to, else None."""
    for text in (*groups, slug, title):
        words = _without_film(text, film)
        for name, rx in _LABEL_RX:
            if rx.search(words):
                return name
    if upc:
        upc_a = upc[1:] if len(upc) == 13 and upc.startswith("0") else upc
        for prefix, name in UPC_PREFIXES.items():
            if upc_a.startswith(prefix) or upc.startswith(prefix):
                return name
    return None


_BOXSET = re.compile(r"(?:^| )(?:collection|archive|trilogy|box ?set|anthology|films)(?: |$)")


def looks_like_boxset(film: DiscdbFilm, slug: str, title: str) -> bool:
    """'Bong Joon Ho Collection', 'The Wes Anderson Archive: Ten Films': a set, not
    'Criterion Collection 4K' (the label's name) or 'Collector's Edition'."""
    for text in (slug, title):
        words = _without_film(text, film).replace("criterion collection", " ")
        if _BOXSET.search(" ".join(words.split())):
            return True
    return False


_FORMAT_WORDS = (("4K UHD", r"4k|uhd|ultra hd"), ("Blu-ray", r"blu ?ray|bd"), ("DVD", r"dvd"))


def formats_named(*texts: str) -> set[str]:
    """Formats a slug or title names: '2012-blu-ray' -> {'Blu-ray'}."""
    found = set()
    for text in texts:
        words = _words(text)
        for name, rx in _FORMAT_WORDS:
            if re.search(rf" (?:{rx}) ", words):
                found.add(name)
    return found


_GENERIC_WORDS = re.compile(
    r"\b(?:\d{4}|4k|uhd|ultra|hd|blu|ray|bluray|dvd|bd|criterion|collection|the|edition|"
    r"disc|discs|region|[abc]|standard|release)\b"
)


def edition_title(film: DiscdbFilm, name: str, is_boxset: bool) -> str:
    """The edition's title: the release's own name when it says something ('Collector's
    Edition 4K', a box set's name), else the film's ('2022 Blu-ray', 'Criterion 4K'),
    as the document importer names the editions it makes."""
    if is_boxset:
        return name
    rest = _GENERIC_WORDS.sub(" ", _without_film(name, film)).split()
    return name if rest else film.title


# --- tracks --------------------------------------------------------------------------------

_VIDEO_CODECS = (
    ("HEVC", r"hevc|h\.?265"),
    ("AVC/MPEG-4", r"avc|h\.?264|mpeg-?4"),
    ("VC-1", r"vc-?1"),
    ("MPEG-2", r"mpeg-?2"),
    ("MPEG-1", r"mpeg-?1"),
)
_AUDIO_CODECS = (
    ("Dolby Atmos", r"atmos"),
    ("Dolby TrueHD", r"true ?hd"),
    ("DTS-HD MA", r"dts-?hd ?(?:ma|master)"),
    ("DTS-HD HR", r"dts-?hd ?(?:hr|high)"),
    ("DTS:X", r"dts ?: ?x"),
    ("DTS Express", r"dts ?express"),
    ("DTS", r"\bdts"),
    ("Dolby Digital Plus", r"dolby digital plus|e-?ac-?3|dd\+"),
    ("Dolby Digital", r"dolby digital|\bac-?3\b"),
    ("LPCM", r"\bl?pcm\b|linear pcm"),
    ("FLAC", r"flac"),
    ("AAC", r"\baac\b"),
    ("MPEG Audio", r"mpeg audio|\bmp[23]\b"),
)
_LOSSLESS_CORES = {"DTS-HD MA": "DTS", "DTS-HD HR": "DTS", "Dolby TrueHD": "Dolby Digital"}
_LOSSLESS_CORES["Dolby Atmos"] = "Dolby Digital"
_CHANNEL_WORDS = {"mono": "1.0", "stereo": "2.0"}
# ISO 639-2 codes, for a track that gives a code but no language name.
_LANGUAGE_CODES = {
    "eng": "English", "fra": "French", "fre": "French", "spa": "Spanish", "deu": "German",
    "ger": "German", "ita": "Italian", "jpn": "Japanese", "kor": "Korean", "zho": "Chinese",
    "chi": "Chinese", "rus": "Russian", "por": "Portuguese", "nld": "Dutch", "dut": "Dutch",
    "swe": "Swedish", "dan": "Danish", "nor": "Norwegian", "fin": "Finnish", "pol": "Polish",
    "ces": "Czech", "cze": "Czech", "hun": "Hungarian", "tur": "Turkish", "ell": "Greek",
    "gre": "Greek", "heb": "Hebrew", "ara": "Arabic", "hin": "Hindi", "tha": "Thai",
}  # fmt: skip
_NO_LANGUAGE = {"und", "zxx", "mis", "mul", "qaa"}


def _named(name: str, table: tuple[tuple[str, str], ...]) -> str | None:
    lowered = name.lower()
    return next((label for label, rx in table if re.search(rx, lowered)), None)


def video_codec(name: str) -> str | None:
    """'Mpeg4 AVC High@L4.1' -> 'AVC/MPEG-4'; 'MpegH HEVC Main10@L5.1' -> 'HEVC'."""
    return _named(name.replace("MpegH", ""), _VIDEO_CODECS)


def resolution(value: str | None) -> str | None:
    """'3840x2160' -> '2160p', '1920x1080' -> '1080p', '720x480' -> '480i'."""
    match = re.match(r"^\s*(\d+)\s*x\s*(\d+)", value or "")
    if not match:
        return None
    height = int(match[2])
    if height in (480, 576):
        return f"{height}i"
    return f"{height}p"


def hdr_of(name: str, codec: str | None, lines: str | None) -> str | None:
    """Dolby Vision when MakeMKV names its profile (dvhe, 'Dolby Vision'); HDR10 for any
    other HEVC Main10 stream at 2160p (UHD Blu-ray's HDR base); else None (SDR or unknown)."""
    lowered = name.lower()
    if codec != "HEVC":
        return None
    if "dvhe" in lowered or "dolby vision" in lowered:
        return "Dolby Vision"
    if "main10" in lowered.replace(" ", "") and lines == "2160p":
        return "HDR10"
    return None


def audio_codec(name: str) -> str:
    return _named(name, _AUDIO_CODECS) or name


def channels(value: str | None) -> str | None:
    """'Surround 5.1' -> '5.1', 'Stereo' -> '2.0', 'Mono' -> '1.0'."""
    if not value:
        return None
    match = re.search(r"\d\.\d(?:\.\d)?", value)
    if match:
        return match[0]
    return _CHANNEL_WORDS.get(value.strip().lower())


def language(track: Obj) -> str | None:
    code = (track.text("LanguageCode") or "").lower()
    if code in _NO_LANGUAGE:
        return None
    name = track.text("Language")
    if name and name.lower() not in {"undetermined", "unknown", "none"}:
        return name
    return _LANGUAGE_CODES.get(code, code or None)


def read_video(tracks: list[Obj]) -> Video | None:
    track = next((t for t in tracks if (t.text("Type") or "").lower() == "video"), None)
    if track is None:
        return None
    name = track.text("Name") or ""
    codec = video_codec(name)
    lines = resolution(track.text("Resolution"))
    return Video(
        codec=codec,
        resolution=lines,
        hdr=hdr_of(name, codec, lines),
        frame=track.text("AspectRatio"),
        name=name,
    )


def read_audio(tracks: list[Obj]) -> list[Audio]:
    """The audio tracks, lossy cores left out, identical tracks counted once."""
    found: list[Audio] = []
    previous: Audio | None = None
    for track in tracks:
        if (track.text("Type") or "").lower() != "audio":
            continue
        label = track.text("Description")
        audio = Audio(
            language=language(track),
            codec=audio_codec(track.text("Name") or "unknown codec"),
            channels=channels(track.text("AudioType")),
            commentary=bool(label and "commentary" in label.lower()),
            label=label,
        )
        core = previous is not None and not label and _is_core(previous, audio)
        previous = audio
        if core:
            continue
        twin = next((n for n, a in enumerate(found) if replace(a, count=1) == audio), None)
        if twin is None:
            found.append(audio)
        else:
            found[twin] = replace(found[twin], count=found[twin].count + 1)
    return found


def _is_core(before: Audio, audio: Audio) -> bool:
    """The lossy core MakeMKV lists right after a lossless track: DTS after DTS-HD MA with
    the same channels; Dolby Digital after TrueHD or Atmos (a core has at most 5.1)."""
    if _LOSSLESS_CORES.get(before.codec) != audio.codec or before.language != audio.language:
        return False
    return audio.codec != "DTS" or before.channels == audio.channels


def read_subtitles(tracks: list[Obj]) -> list[str]:
    found: dict[str, None] = {}
    for track in tracks:
        if (track.text("Type") or "").lower() == "subtitles":
            name = language(track)
            if name:
                found.setdefault(name, None)
    return list(found)
