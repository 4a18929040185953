"""Writing a parsed document into the database: attach to the right film, keep provenance.

Everything here runs inside the caller's transaction. Display columns (films.runtime_min,
editions.aspect_ratio, ...) are only filled when empty; every value the document states is
also written to `facts` with the document as its source, so disagreements stay visible.
Films, editions, people, credits and facts are written the catalog's way
(`bot.store.catalog_writes`), row by row; what only documents have goes through
`bot.store.document_writes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.importers.documents.common import canonical_label
from bot.importers.documents.features import same_feature
from bot.importers.documents.model import DocumentError, EditionInfo, Feature, ParsedDocument
from bot.kinds import RELEASE_LISTING
from bot.store import document_writes as documents
from bot.store import import_lookups as lookups
from bot.store.catalog_writes import CatalogWrites, FilmRow
from bot.store.db import Transaction
from bot.text import fold, format_money, norm_name, norm_title, same_person, translit_key


@dataclass
class MergeResult:
    film_id: int
    film_label: str
    new_film: bool
    edition_id: int | None = None


class DocumentMerger:
    def __init__(
        self, tx: Transaction, source_id: int, doc: ParsedDocument, film_id: int | None = None
    ) -> None:
        self.forced_film = film_id
        self.tx = tx
        self.writes = CatalogWrites(tx)
        self.source_id = source_id
        self.doc = doc

    async def fact(self, entity: str, entity_id: int, field: str, value: object) -> None:
        if value is None or value == "":
            return
        await self.writes.fact(entity, entity_id, field, value, self.source_id)

    # --- the film --------------------------------------------------------------------

    async def find_film(self) -> tuple[int, str] | None:
        """The catalog film this document is about: same title or alias, year within one,
        and a compatible director when both sides name one."""
        doc = self.doc
        if self.forced_film is not None:
            return self.forced_film, await lookups.film_label(self.tx, self.forced_film)
        candidates = []
        for film_id, title, year in await lookups.films_titled(self.tx, norm_title(doc.title)):
            if doc.year and year and abs(doc.year - year) > 1:
                continue
            directors = await lookups.directors_of(self.tx, film_id)
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
            film = FilmRow(
                external_key=f"doc:{norm_title(doc.title)}:{doc.year or ''}",
                title=doc.title,
                year=doc.year,
                runtime_min=doc.runtime_min,
                released=doc.released,
                synopsis=doc.synopsis,
            )
            # Keyed by the document's title: one an earlier document created is kept as it is.
            film_id = await self.writes.film(film, self.source_id, replace=False)
            label = f"{doc.title} ({doc.year})" if doc.year else doc.title
            result = MergeResult(film_id, label, new_film=True)
            kind = "primary"
        else:
            film_id, label = found
            result = MergeResult(film_id, label, new_film=False)
            kind = "alternative"
        known_titles = await lookups.titles_of(self.tx, film_id)
        # A film chosen by the matcher keeps its titles: the page's title line is the
        # page's wording ('Seven Samurai 4K'), not another name of the film.
        titles = [] if self.forced_film is not None else [(doc.title, kind)]
        if doc.original_title:
            titles.append((doc.original_title, "original"))
        for title, title_kind in titles:
            if all(fold(t) != fold(title) for t in known_titles):
                await self.writes.title(film_id, title, title_kind, self.source_id)
        # Fill what the film lacks; keep every claim as a fact either way.
        await self.writes.fill_film(
            film_id,
            runtime_min=doc.runtime_min,
            released=doc.released,
            synopsis=doc.synopsis,
            year=doc.year,
        )
        for field, value in (
            ("title", doc.title),
            ("year", doc.year),
            ("runtime_min", doc.runtime_min),
            ("released", doc.released),
            ("synopsis", doc.synopsis),
        ):
            await self.fact("film", film_id, field, value)
        for genre in doc.genres:
            genre_id = await self.writes.name_id("genres", genre)
            await self.writes.link("genres", film_id, genre_id, self.source_id)
        for country in doc.countries:
            country_id = await self.writes.name_id("countries", country)
            await self.writes.link("countries", film_id, country_id, self.source_id)
        await self._credits(film_id)
        await self._characters(film_id)
        return result

    # --- people ----------------------------------------------------------------------

    async def person_for(self, film_id: int, name: str) -> int:
        """A person already credited on this film under another spelling, else the
        person of that exact name, else a new person; the spelling becomes an alias."""
        credited = await lookups.credited_spellings(self.tx, film_id)
        person_id = next((pid for pid, spelled in credited if fold(spelled) == fold(name)), None)
        if person_id is None:
            person_id = next((pid for pid, spelled in credited if same_person(name, spelled)), None)
        if person_id is None:
            person_id = await lookups.person_spelled(self.tx, norm_name(name))
        if person_id is None:
            person_id = await self.writes.person(name)
        await self.writes.alias(person_id, name, self.source_id)
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
                await self.writes.credit(
                    film_id, person_id, role, billing, self.source_id, fill_billing=True
                )

    async def _characters(self, film_id: int) -> None:
        """'Veronica (Tatyana Samoylova)' names a role; 'Veronika' elsewhere is its alias."""
        cast = await lookups.cast_spellings(self.tx, film_id)
        for character, actor in self.doc.characters:
            credit_id = next((cid for cid, spelled in cast if same_person(actor, spelled)), None)
            if credit_id is None:
                continue  # not a role: '(Golden Palm)' after 'Palme d'Or'
            character_id = await lookups.character_keyed(self.tx, film_id, translit_key(character))
            if character_id is None:
                character_id = await documents.add_character(self.tx, film_id, character)
            await self._character_alias(character_id, character)
            await documents.cast_as(self.tx, credit_id, character_id)
        characters = await lookups.characters_of(self.tx, film_id)
        for word in self.doc.names_in_text:
            for character_id, name in characters:
                if word != name and translit_key(word) == translit_key(name):
                    await self._character_alias(character_id, word)

    async def _character_alias(self, character_id: int, name: str) -> None:
        await documents.add_character_alias(
            self.tx, character_id, name, translit_key(name), self.source_id
        )

    # --- the edition -----------------------------------------------------------------

    async def _label_id(self, label: str | None) -> int | None:
        if not label:
            return None
        return await self.writes.name_id("labels", label)

    async def find_edition(
        self, film_id: int, info: EditionInfo, label_id: int | None
    ) -> int | None:
        """This film's edition from the same label whose spine and format do not contradict."""
        best = None
        for edition_id, spine, fmt, edition_label, region in await lookups.single_editions_of(
            self.tx, film_id
        ):
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
        await self.writes.fill_edition(edition_id, values)
        if self.doc.kind == RELEASE_LISTING and info.release_date:
            # A retailer's listing is the authority on a date, and a newer listing knows
            # better than an older one: a moved date moves (announcements are edited).
            await self.writes.set_release_date(edition_id, info.release_date)
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
        tracks = await lookups.audio_tracks(self.tx, edition_id)
        for track in info.audio:
            await self.fact("edition", edition_id, "audio", track.description)
            if (track.language, track.codec) in set(tracks):
                continue  # the same track in another source's words
            tracks.append((track.language, track.codec))
            await documents.add_audio(
                self.tx,
                edition_id,
                language=track.language,
                codec=track.codec,
                channels=track.channels,
                description=track.description,
                source_id=self.source_id,
            )
        for language in info.subtitles:
            await documents.add_subtitles(self.tx, edition_id, language, self.source_id)
        await self._features(edition_id, info.features)
        await self._replaces(film_id, edition_id, info)
        result.edition_id = edition_id
        return edition_id

    async def _features(self, edition_id: int, features: list[Feature]) -> None:
        existing = await lookups.features_of(self.tx, edition_id)
        position = len(existing)
        for feature in features:
            twin = next(
                (fid for fid, title in existing if same_feature(title, feature.title)), None
            )
            if twin is not None:
                await documents.fill_feature(
                    self.tx,
                    twin,
                    runtime_min=feature.runtime_min,
                    year=feature.year,
                    kind=feature.kind,
                )
                feature_id = twin
            else:
                feature_id = await documents.add_feature(
                    self.tx,
                    edition_id,
                    position=position,
                    title=feature.title,
                    kind=feature.kind,
                    runtime_min=feature.runtime_min,
                    year=feature.year,
                    source_id=self.source_id,
                )
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
        film_key, title = await lookups.film_key_and_title(self.tx, film_id)
        edition_id = await self.writes.edition(
            f"doc:{film_key}:{fold(label or 'unknown')}:{key_suffix}",
            title,
            label_id=label_id,
            spine=spine,
            fmt=fmt,
            source_id=self.source_id,
            replace=False,
        )
        await self.writes.edition_film(edition_id, film_id, 0, self.source_id)
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
            await documents.add_replaces(
                self.tx, edition_id, earlier_id, earlier.note, self.source_id
            )

    # --- review and plot -------------------------------------------------------------

    async def review(self, result: MergeResult) -> None:
        review = self.doc.review
        if review is None:
            return
        review_id = await documents.add_review(
            self.tx,
            film_id=result.film_id,
            edition_id=result.edition_id,
            source_id=self.source_id,
            kind=review.kind,
            publication=review.publication,
            author=review.author,
            url=review.url,
            verdict=review.verdict,
        )
        for category, score in review.scores.items():
            await documents.add_score(
                self.tx, review_id, category, score.value, score.scale_max, score.raw
            )
        for position, section in enumerate(review.sections):
            await documents.add_section(
                self.tx,
                review_id,
                position,
                section.heading,
                section.body,
                is_spoiler=section.is_spoiler,
            )

    async def plot_notes(self, result: MergeResult) -> None:
        for position, note in enumerate(self.doc.plot_notes):
            await documents.add_plot_note(
                self.tx,
                result.film_id,
                self.source_id,
                position,
                note.body,
                is_spoiler=note.is_spoiler,
            )


async def merge_document(
    tx: Transaction, source_id: int, doc: ParsedDocument, film_id: int | None = None
) -> MergeResult:
    """Call inside `db.transaction()`: the caller commits or rolls back the whole document.
    With `film_id` the document is merged into that film (a person chose it)."""
    merger = DocumentMerger(tx, source_id, doc, film_id)
    result = await merger.film()
    await merger.edition(result)
    await merger.review(result)
    await merger.plot_notes(result)
    return result
