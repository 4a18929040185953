"""Writing a parsed document into the database: attach to the right film, keep provenance.

Everything here runs inside the caller's transaction. Display columns (films.runtime_min,
editions.aspect_ratio, ...) are only filled when empty; every value the document states is
also written to `facts` with the document as its source, so disagreements stay visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.importers.documents.common import canonical_label
from bot.importers.documents.features import same_feature
from bot.importers.documents.model import (
    DocumentError,
    EditionInfo,
    Feature,
    ParsedDocument,
)
from bot.store.db import Database
from bot.text import fold, format_money, norm_name, norm_title, same_person, translit_key


@dataclass
class MergeResult:
    film_id: int
    film_label: str
    new_film: bool
    edition_id: int | None = None


class DocumentMerger:
    def __init__(self, db: Database, source_id: int, doc: ParsedDocument) -> None:
        self.db = db
        self.conn = db.conn
        self.source_id = source_id
        self.doc = doc

    async def fact(self, entity: str, entity_id: int, field: str, value: object) -> None:
        if value is None or value == "":
            return
        await self.conn.execute(
            "INSERT OR IGNORE INTO facts (entity, entity_id, field, value, source_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (entity, entity_id, field, str(value), self.source_id),
        )

    # --- the film --------------------------------------------------------------------

    async def find_film(self) -> tuple[int, str] | None:
        """The catalog film this document is about: same title or alias, year within one,
        and a compatible director when both sides name one."""
        doc = self.doc
        rows = await self.db.fetchall(
            "SELECT DISTINCT f.id, f.title, f.year FROM film_titles t "
            "JOIN films f ON f.id = t.film_id WHERE t.norm = ?",
            (norm_title(doc.title),),
        )
        candidates = []
        for film_id, title, year in rows:
            if doc.year and year and abs(doc.year - year) > 1:
                continue
            directors = [
                r[0]
                for r in await self.db.fetchall(
                    "SELECT a.name FROM credits c JOIN person_aliases a ON a.person_id = c.person_id "
                    "WHERE c.film_id = ? AND c.role = 'director'",
                    (film_id,),
                )
            ]
            if (
                doc.directors
                and directors
                and not any(same_person(d, known) for d in doc.directors for known in directors)
            ):
                continue
            distance = abs(doc.year - year) if doc.year and year else 0
            candidates.append((distance, film_id, title, year))
        if not candidates:
            return None
        candidates.sort()
        if len(candidates) > 1 and candidates[0][0] == candidates[1][0] and not doc.year:
            names = ", ".join(f"{t} ({y})" for _, _, t, y in candidates[:-1])
            names += f" or {candidates[-1][2]} ({candidates[-1][3]})"
            raise DocumentError(
                f"the document could be about {names}; add the film's year (and director) "
                "to the document so it attaches to the right one"
            )
        _, film_id, title, year = candidates[0]
        return film_id, f"{title} ({year})" if year else title

    async def film(self) -> MergeResult:
        doc = self.doc
        found = await self.find_film()
        if found is None:
            key = f"doc:{norm_title(doc.title)}:{doc.year or ''}"
            row = await self.db.fetchone(
                "INSERT INTO films (external_key, title, year, runtime_min, released, synopsis, "
                "source_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_key) DO UPDATE "
                "SET title = films.title RETURNING id",
                (
                    key,
                    doc.title,
                    doc.year,
                    doc.runtime_min,
                    doc.released,
                    doc.synopsis,
                    self.source_id,
                ),
            )
            film_id = int(row[0])
            label = f"{doc.title} ({doc.year})" if doc.year else doc.title
            result = MergeResult(film_id, label, new_film=True)
            kind = "primary"
        else:
            film_id, label = found
            result = MergeResult(film_id, label, new_film=False)
            kind = "alternative"
        known_titles = await self.db.fetchall(
            "SELECT title FROM film_titles WHERE film_id = ?", (film_id,)
        )
        titles = [(doc.title, kind)]
        if doc.original_title:
            titles.append((doc.original_title, "original"))
        for title, title_kind in titles:
            if all(fold(t[0]) != fold(title) for t in known_titles):
                await self.conn.execute(
                    "INSERT OR IGNORE INTO film_titles (film_id, title, norm, kind, source_id) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (film_id, title, norm_title(title), title_kind, self.source_id),
                )
        # Fill what the film lacks; keep every claim as a fact either way.
        await self.conn.execute(
            "UPDATE films SET runtime_min = coalesce(runtime_min, ?), "
            "released = coalesce(released, ?), synopsis = coalesce(synopsis, ?), "
            "year = coalesce(year, ?) WHERE id = ?",
            (doc.runtime_min, doc.released, doc.synopsis, doc.year, film_id),
        )
        for field, value in (
            ("title", doc.title),
            ("year", doc.year),
            ("runtime_min", doc.runtime_min),
            ("released", doc.released),
            ("synopsis", doc.synopsis),
        ):
            await self.fact("film", film_id, field, value)
        await self._names("genres", "film_genres", "genre_id", film_id, doc.genres)
        await self._names("countries", "film_countries", "country_id", film_id, doc.countries)
        await self._credits(film_id)
        await self._characters(film_id)
        return result

    async def _names(
        self, table: str, link: str, column: str, film_id: int, names: list[str]
    ) -> None:
        for name in names:
            await self.conn.execute(f"INSERT OR IGNORE INTO {table} (name) VALUES (?)", (name,))
            row = await self.db.fetchone(f"SELECT id FROM {table} WHERE name = ?", (name,))
            await self.conn.execute(
                f"INSERT OR IGNORE INTO {link} (film_id, {column}, source_id) VALUES (?, ?, ?)",
                (film_id, row[0], self.source_id),
            )

    # --- people ----------------------------------------------------------------------

    async def person_for(self, film_id: int, name: str) -> int:
        """A person already credited on this film under another spelling, else the
        person of that exact name, else a new person; the spelling becomes an alias."""
        credited = await self.db.fetchall(
            "SELECT DISTINCT a.person_id, a.name FROM credits c "
            "JOIN person_aliases a ON a.person_id = c.person_id WHERE c.film_id = ?",
            (film_id,),
        )
        person_id = next((pid for pid, spelled in credited if fold(spelled) == fold(name)), None)
        if person_id is None:
            person_id = next((pid for pid, spelled in credited if same_person(name, spelled)), None)
        if person_id is None:
            row = await self.db.fetchone(
                "SELECT p.id FROM people p WHERE p.norm = ? UNION ALL "
                "SELECT a.person_id FROM person_aliases a WHERE a.norm = ? LIMIT 1",
                (norm_name(name), norm_name(name)),
            )
            person_id = row[0] if row else None
        if person_id is None:
            row = await self.db.fetchone(
                "INSERT INTO people (name, norm) VALUES (?, ?) RETURNING id",
                (name, norm_name(name)),
            )
            person_id = int(row[0])
        await self.conn.execute(
            "INSERT OR IGNORE INTO person_aliases (person_id, name, norm, source_id) "
            "VALUES (?, ?, ?, ?)",
            (person_id, name, norm_name(name), self.source_id),
        )
        return person_id

    async def _credits(self, film_id: int) -> None:
        doc = self.doc
        for role, names in (
            ("director", doc.directors),
            ("writer", doc.writers),
            ("cinematographer", doc.cinematographers),
            ("cast", doc.cast),
        ):
            for billing, name in enumerate(names, start=1):
                person_id = await self.person_for(film_id, name)
                # The catalog's cast is alphabetical; a document's order is the billing.
                await self.conn.execute(
                    "INSERT INTO credits (film_id, person_id, role, billing, source_id) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (film_id, person_id, role) "
                    "DO UPDATE SET billing = coalesce(credits.billing, excluded.billing)",
                    (film_id, person_id, role, billing, self.source_id),
                )

    async def _characters(self, film_id: int) -> None:
        """'Veronica (Tatyana Samoylova)' names a role; 'Veronika' elsewhere is its alias."""
        cast = await self.db.fetchall(
            "SELECT c.id, a.name FROM credits c JOIN person_aliases a ON a.person_id = c.person_id "
            "WHERE c.film_id = ? AND c.role = 'cast'",
            (film_id,),
        )
        for character, actor in self.doc.characters:
            credit_id = next((cid for cid, spelled in cast if same_person(actor, spelled)), None)
            if credit_id is None:
                continue  # not a role: '(Golden Palm)' after 'Palme d'Or'
            row = await self.db.fetchone(
                "SELECT ch.id FROM characters ch JOIN character_aliases ca "
                "ON ca.character_id = ch.id WHERE ch.film_id = ? AND ca.norm = ?",
                (film_id, translit_key(character)),
            )
            if row is None:
                row = await self.db.fetchone(
                    "INSERT INTO characters (film_id, name) VALUES (?, ?) "
                    "ON CONFLICT (film_id, name) DO UPDATE SET name = excluded.name RETURNING id",
                    (film_id, character),
                )
            character_id = int(row[0])
            await self._character_alias(character_id, character)
            await self.conn.execute(
                "UPDATE credits SET character_id = coalesce(character_id, ?) WHERE id = ?",
                (character_id, credit_id),
            )
        characters = await self.db.fetchall(
            "SELECT id, name FROM characters WHERE film_id = ?", (film_id,)
        )
        for word in self.doc.names_in_text:
            for character_id, name in characters:
                if word != name and translit_key(word) == translit_key(name):
                    await self._character_alias(character_id, word)

    async def _character_alias(self, character_id: int, name: str) -> None:
        await self.conn.execute(
            "INSERT OR IGNORE INTO character_aliases (character_id, name, norm, source_id) "
            "VALUES (?, ?, ?, ?)",
            (character_id, name, translit_key(name), self.source_id),
        )

    # --- the edition -----------------------------------------------------------------

    async def _label_id(self, label: str | None) -> int | None:
        if not label:
            return None
        await self.conn.execute("INSERT OR IGNORE INTO labels (name) VALUES (?)", (label,))
        row = await self.db.fetchone("SELECT id FROM labels WHERE name = ?", (label,))
        return int(row[0])

    async def find_edition(
        self, film_id: int, info: EditionInfo, label_id: int | None
    ) -> int | None:
        """This film's edition from the same label whose spine and format do not contradict."""
        rows = await self.db.fetchall(
            "SELECT e.id, e.spine, e.format, e.label_id, e.region FROM editions e "
            "JOIN edition_films ef ON ef.edition_id = e.id "
            "WHERE ef.film_id = ? AND e.is_boxset = 0 ORDER BY e.id",
            (film_id,),
        )
        best = None
        for edition_id, spine, fmt, edition_label, region in rows:
            if info.region and region and info.region != region:
                continue  # a Region B disc is not the Region A one
            if label_id is not None and edition_label is not None and edition_label != label_id:
                continue
            if info.spine and spine and info.spine != spine:
                continue
            if info.format and fmt and info.format != fmt:
                continue
            rank = (fmt == info.format, spine == info.spine and spine is not None)
            if best is None or rank > best[0]:
                best = (rank, edition_id)
        return best[1] if best else None

    async def edition(self, result: MergeResult) -> int | None:
        info = self.doc.edition
        if info is None:
            return None
        film_id = result.film_id
        label_id = await self._label_id(info.label)
        edition_id = await self.find_edition(film_id, info, label_id)
        if edition_id is None:
            edition_id = await self._new_edition(
                film_id,
                f"{info.format or ''}:{info.spine or ''}",
                info.label,
                label_id,
                spine=info.spine,
            )
        values = {
            "format": info.format,
            "disc_count": info.disc_count,
            "disc_type": info.disc_type,
            "region": info.region,
            "video_resolution": info.video_resolution,
            "video_codec": info.video_codec,
            "aspect_ratio": info.aspect_ratios[0] if info.aspect_ratios else None,
            "release_date": info.release_date,
            "release_country": info.release_country,
            "msrp_cents": info.msrp[0] if info.msrp else None,
            "street_price_cents": info.street_price[0] if info.street_price else None,
            "currency": (info.msrp or info.street_price or (None, None))[1],
            "licensor": info.licensor,
            "studio": info.studio,
            "restoration_note": info.restoration_note,
            "spine": info.spine,
            "label_id": label_id,
        }
        assignments = ", ".join(f"{col} = coalesce({col}, :{col})" for col in values)
        await self.conn.execute(
            f"UPDATE editions SET {assignments} WHERE id = :id",
            {**values, "id": edition_id},
        )
        if self.doc.kind == "release_listing" and info.release_date:
            # A retailer's listing is the authority on a date, and a newer listing knows
            # better than an older one: a moved date moves (announcements are edited).
            await self.conn.execute(
                "UPDATE editions SET release_date = ? WHERE id = ?",
                (info.release_date, edition_id),
            )
        for field, value in values.items():
            if field in ("msrp_cents", "street_price_cents") and value is not None:
                price = info.msrp if field == "msrp_cents" else info.street_price
                value = format_money(*price)  # with its currency, so conflicts read right
            if field not in ("aspect_ratio", "label_id", "currency"):
                await self.fact("edition", edition_id, field, value)
        for ratio in info.aspect_ratios:
            await self.fact("edition", edition_id, "aspect_ratio", ratio)
        if info.label:
            await self.fact("edition", edition_id, "label", info.label)
        tracks = await self.db.fetchall(
            "SELECT language, codec FROM edition_audio WHERE edition_id = ?",
            (edition_id,),
        )
        for track in info.audio:
            await self.fact("edition", edition_id, "audio", track.description)
            if (track.language, track.codec) in {tuple(t) for t in tracks}:
                continue  # the same track in another source's words
            tracks.append((track.language, track.codec))
            await self.conn.execute(
                "INSERT OR IGNORE INTO edition_audio (edition_id, language, codec, channels, "
                "description, source_id) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    edition_id,
                    track.language,
                    track.codec,
                    track.channels,
                    track.description,
                    self.source_id,
                ),
            )
        for language in info.subtitles:
            await self.conn.execute(
                "INSERT OR IGNORE INTO edition_subtitles (edition_id, language, source_id) "
                "VALUES (?, ?, ?)",
                (edition_id, language, self.source_id),
            )
        await self._features(edition_id, info.features)
        await self._replaces(film_id, edition_id, info)
        result.edition_id = edition_id
        return edition_id

    async def _features(self, edition_id: int, features: list[Feature]) -> None:
        existing = await self.db.fetchall(
            "SELECT id, title FROM special_features WHERE edition_id = ?", (edition_id,)
        )
        position = len(existing)
        for feature in features:
            twin = next(
                (fid for fid, title in existing if same_feature(title, feature.title)), None
            )
            if twin is not None:
                await self.conn.execute(
                    "UPDATE special_features SET runtime_min = coalesce(runtime_min, ?), "
                    "year = coalesce(year, ?), kind = coalesce(kind, ?) WHERE id = ?",
                    (feature.runtime_min, feature.year, feature.kind, twin),
                )
                feature_id = twin
            else:
                row = await self.db.fetchone(
                    "INSERT INTO special_features (edition_id, position, title, kind, runtime_min, "
                    "year, source_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        edition_id,
                        position,
                        feature.title,
                        feature.kind,
                        feature.runtime_min,
                        feature.year,
                        self.source_id,
                    ),
                )
                feature_id = int(row[0])
                existing.append((feature_id, feature.title))
                position += 1
            await self.fact("special_feature", feature_id, "title", feature.title)
            await self.fact("special_feature", feature_id, "runtime_min", feature.runtime_min)

    async def _new_edition(
        self,
        film_id: int,
        key_suffix: str,
        label: str | None,
        label_id: int | None,
        *,
        spine: str | None = None,
        fmt: str | None = None,
    ) -> int:
        """An edition of this film the catalog lacks, keyed so a re-import finds it again."""
        film_key, title = await self.db.fetchone(
            "SELECT external_key, title FROM films WHERE id = ?", (film_id,)
        )
        key = f"doc:{film_key}:{fold(label or 'unknown')}:{key_suffix}"
        row = await self.db.fetchone(
            "INSERT INTO editions (external_key, title, label_id, spine, format, source_id) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (external_key) DO UPDATE "
            "SET title = editions.title RETURNING id",
            (key, title, label_id, spine, fmt, self.source_id),
        )
        edition_id = int(row[0])
        await self.conn.execute(
            "INSERT OR IGNORE INTO edition_films (edition_id, film_id, position, source_id) "
            "VALUES (?, ?, 0, ?)",
            (edition_id, film_id, self.source_id),
        )
        return edition_id

    async def _replaces(self, film_id: int, edition_id: int, info: EditionInfo) -> None:
        for earlier in info.replaces:
            label = canonical_label(earlier.label) or info.label
            label_id = await self._label_id(label)
            earlier_id = await self._new_edition(
                film_id, f"{earlier.format}:earlier", label, label_id, fmt=earlier.format
            )
            await self.fact("edition", earlier_id, "format", earlier.format)
            if label:
                await self.fact("edition", earlier_id, "label", label)
            await self.conn.execute(
                "INSERT OR IGNORE INTO edition_relations (edition_id, related_edition_id, "
                "relation, note, source_id) VALUES (?, ?, 'replaces', ?, ?)",
                (edition_id, earlier_id, earlier.note, self.source_id),
            )

    # --- review and plot -------------------------------------------------------------

    async def review(self, result: MergeResult) -> None:
        review = self.doc.review
        if review is None:
            return
        row = await self.db.fetchone(
            "INSERT INTO reviews (film_id, edition_id, source_id, kind, publication, author, url, "
            "verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                result.film_id,
                result.edition_id,
                self.source_id,
                review.kind,
                review.publication,
                review.author,
                review.url,
                review.verdict,
            ),
        )
        review_id = int(row[0])
        for category, score in review.scores.items():
            await self.conn.execute(
                "INSERT INTO review_scores (review_id, category, value, scale_max, raw) "
                "VALUES (?, ?, ?, ?, ?)",
                (review_id, category, score.value, score.scale_max, score.raw),
            )
        for position, section in enumerate(review.sections):
            await self.conn.execute(
                "INSERT INTO review_sections (review_id, position, heading, body, is_spoiler) "
                "VALUES (?, ?, ?, ?, ?)",
                (review_id, position, section.heading, section.body, int(section.is_spoiler)),
            )

    async def plot_notes(self, result: MergeResult) -> None:
        for position, note in enumerate(self.doc.plot_notes):
            await self.conn.execute(
                "INSERT INTO plot_notes (film_id, source_id, position, body, is_spoiler) "
                "VALUES (?, ?, ?, ?, ?)",
                (result.film_id, self.source_id, position, note.body, int(note.is_spoiler)),
            )


async def merge_document(db: Database, source_id: int, doc: ParsedDocument) -> MergeResult:
    """Call inside `db.transaction()`: the caller commits or rolls back the whole document."""
    merger = DocumentMerger(db, source_id, doc)
    result = await merger.film()
    await merger.edition(result)
    await merger.review(result)
    await merger.plot_notes(result)
    return result
