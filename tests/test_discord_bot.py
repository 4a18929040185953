"""filmbot's Discord bot end to end: real discord.py against the loopback emulator.

Assertions are on the JSON Discord would receive: embeds within limits, spoiler markup,
ephemeral flags, autocomplete choices, select menus and their callbacks, mentions off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import discord
import pytest

from bot.adapters import discord_answer, discord_views
from bot.adapters.discord_bot import FilmBot, sync_commands
from bot.cards import Card, Reply, plain
from bot.core.engine import Core
from tests import sql
from tests.discord_emulator import PRIVILEGED_INTENTS, DiscordEmulator
from tests.limits import check_discord_payload

TIMEOUT = 15
EPHEMERAL = 64
CRANES = "The Cranes Are Flying"


class EmulatedFilmBot(FilmBot):
    """FilmBot as shipped, plus what a test run needs: commands synced to the emulator
    and no 5 s pause before a re-IDENTIFY."""

    async def setup_hook(self) -> None:
        await super().setup_hook()
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@pytest.fixture
async def bot(emu: DiscordEmulator, core: Core) -> AsyncIterator[EmulatedFilmBot]:
    with emu.patch():
        client = EmulatedFilmBot(core, guild_ready_timeout=0)
        task = asyncio.create_task(client.start("emulator-token"))
        ready = asyncio.create_task(emu.wait_ready(TIMEOUT))
        try:
            done, _ = await asyncio.wait(
                {task, ready}, timeout=TIMEOUT, return_when="FIRST_COMPLETED"
            )
            if task in done:
                task.result()
                raise AssertionError("the bot stopped before it was ready")
            await ready
            await asyncio.wait_for(client.wait_until_ready(), TIMEOUT)
            yield client
        finally:
            ready.cancel()
            await asyncio.wait_for(client.close(), TIMEOUT)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, TIMEOUT)
    assert emu.duplicates == []  # no interaction was ever answered twice


def _message(callback: dict) -> dict:
    assert callback["type"] == 4, callback
    data = callback["data"]
    check_discord_payload(data)
    return data


def _text(data: dict) -> str:
    parts = [data.get("content") or ""]
    for embed in data.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [
        ("film", {"title": CRANES}, "The Cranes Are Flying (1957)"),
        ("edition", {"title": CRANES, "format": "blu-ray", "label": "criterion"}, "#146 (Blu-ray)"),
        ("editions", {"title": CRANES}, "Editions of The Cranes Are Flying (1957)"),
        ("review", {"title": CRANES, "source": "disc"}, "Picture ████████░░ 8/10"),
        ("plot", {"title": CRANES}, "Veronika and Boris come together"),
        ("person", {"name": "Mikhail Kalatozov"}, "The Cranes Are Flying (1957)"),
        ("releases", {"when": "recent", "format": "blu-ray"}, "Releases · Blu-ray"),
        ("help", {}, "/editions <title>"),
        ("help", {"command": "review"}, "/review <title>"),
        ("about", {}, "films"),
    ],
)
async def test_every_command_answers_within_limits(
    emu: DiscordEmulator, bot: EmulatedFilmBot, name: str, options: dict, expected: str
) -> None:
    handle = await emu.command(name, options)
    callback = await handle.callback(TIMEOUT)
    if callback["type"] == 5:  # slow (e.g. the person index built on first use): deferred
        await emu.wait_until(lambda: handle.followups, TIMEOUT, "the deferred answer")
        data = handle.followups[0]
        check_discord_payload(data)
    else:
        data = _message(callback)
    assert expected in _text(data).replace("\\", "")
    assert data["allowed_mentions"] == {"parse": []}


async def test_find_and_pick_menu_is_for_the_asker_only(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    question = await emu.command("film", {"title": "solaris"})
    data = _message(await question.callback(TIMEOUT))
    assert data["flags"] & EPHEMERAL
    menu = data["components"][0]["components"][0]
    assert [o["label"] for o in menu["options"]] == [
        "Solaris (1972) · Andrei Tarkovsky",
        "Solaris (2002) · Steven Soderbergh",
    ]
    message = await question.final_message(TIMEOUT)
    intruder = await emu.component(
        message, menu["custom_id"], ["film:500"], user_id=emu.other_user_id
    )
    refusal = _message(await intruder.callback(TIMEOUT))
    assert refusal["flags"] & EPHEMERAL and "Only the person who asked" in refusal["content"]
    chosen = await emu.component(message, menu["custom_id"], [menu["options"][0]["value"]])
    update = await chosen.callback(TIMEOUT)
    assert update["type"] == 7 and update["data"]["components"] == []  # the menu is gone
    await emu.wait_until(lambda: chosen.followups, TIMEOUT, "the chosen film's card")
    answer = chosen.followups[0]
    check_discord_payload(answer)
    assert answer["embeds"][0]["title"] == "Solaris (1972)"
    assert not (answer.get("flags") or 0) & EPHEMERAL  # the answer itself is public


async def test_a_menu_answers_with_the_choice_made_and_says_so(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    question = await emu.command("film", {"title": "solaris"})
    data = _message(await question.callback(TIMEOUT))
    menu = data["components"][0]["components"][0]
    message = await question.final_message(TIMEOUT)
    chosen = await emu.component(message, menu["custom_id"], [menu["options"][1]["value"]])
    update = await chosen.callback(TIMEOUT)
    assert "You chose Solaris (2002)" in update["data"]["content"]
    await emu.wait_until(lambda: chosen.followups, TIMEOUT, "the chosen film's card")
    assert chosen.followups[0]["embeds"][0]["title"] == "Solaris (2002)"  # not the first


async def test_an_unanswered_menu_expires_cleanly(
    emu: DiscordEmulator, bot: EmulatedFilmBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord_views, "PICK_TIMEOUT_SECONDS", 0.3)
    question = await emu.command("find", {"keywords": "samurai"})  # a list of films
    await question.callback(TIMEOUT)
    await emu.wait_until(lambda: question.edits, TIMEOUT, "the expiry edit")
    edit = question.edits[-1]
    assert "expired" in edit["content"] and edit["components"] == []


async def test_autocomplete_offers_ids_and_free_text_still_works(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    choices = await emu.autocomplete("film", {"title": "the cranes are"}, "title", timeout=TIMEOUT)
    assert choices[0] == {"name": "The Cranes Are Flying (1957)", "value": "film:4471"}
    assert len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)
    by_id = _message(await (await emu.command("plot", {"title": "film:4471"})).callback(TIMEOUT))
    assert by_id["embeds"][0]["title"] == "The Cranes Are Flying (1957) — plot"
    typed = _message(
        await (await emu.command("film", {"title": "cranes are flyng"})).callback(TIMEOUT)
    )
    assert typed["embeds"][0]["title"] == "The Cranes Are Flying (1957)"

    async def people() -> list[dict]:
        return await emu.autocomplete("person", {"name": "kalatoz"}, "name", timeout=TIMEOUT)

    # The person index is built on first use: the first keystrokes may get nothing (for
    # a few seconds on a busy machine: wait up to 30 s, not a speed assertion).
    for _ in range(300):
        if found := await people():
            break
        await asyncio.sleep(0.1)
    assert found[0] == {"name": "Mikhail Kalatozov", "value": "Mikhail Kalatozov"}


async def test_spoilers_are_wrapped_and_mentions_never_ping(
    emu: DiscordEmulator, bot: EmulatedFilmBot, core: Core
) -> None:
    handle = await emu.command("plot", {"title": CRANES, "spoilers": True})
    data = _message(await handle.callback(TIMEOUT))
    values = [f["value"] for f in data["embeds"][0]["fields"]]
    assert any("Boris died" in v for v in values)
    assert all(v.startswith("||") and v.endswith("||") for v in values)
    async with core.db.transaction() as tx:
        film_id = await sql.execute(
            tx,
            "INSERT INTO films (external_key, title, year) VALUES ('test:ping', "
            "'@everyone Party <@&123>', 1999)",
        )
    hostile = _message(
        await (await emu.command("film", {"title": f"film:{film_id}"})).callback(TIMEOUT)
    )
    title = hostile["embeds"][0]["title"]
    assert "@everyone" not in title and "@\u200beveryone" in title
    assert hostile["allowed_mentions"] == {"parse": []}


async def test_slow_answers_defer_first(
    emu: DiscordEmulator, bot: EmulatedFilmBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord_answer, "DISCORD_ANSWER_BUDGET_SECONDS", 0.0)
    handle = await emu.command("editions", {"title": CRANES})
    assert (await handle.callback(TIMEOUT))["type"] == 5  # "filmbot is thinking…"
    await emu.wait_until(lambda: handle.followups, TIMEOUT, "the answer after the defer")
    check_discord_payload(handle.followups[0])
    final = await handle.final_message(TIMEOUT)  # what the user sees in place of "thinking"
    assert final["embeds"][0]["title"] == "Editions of The Cranes Are Flying (1957)"


async def test_cooldowns_errors_and_missing_permissions_are_friendly(
    emu: DiscordEmulator,
    bot: EmulatedFilmBot,
    core: Core,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for _ in range(5):
        _message(await (await emu.command("find", {"keywords": "war"})).callback(TIMEOUT))
    slow_down = _message(await (await emu.command("find", {"keywords": "war"})).callback(TIMEOUT))
    assert slow_down["flags"] & EPHEMERAL and slow_down["content"].startswith("Easy there")

    async def broken(*args: object, **options: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(core, "call", broken)
    with caplog.at_level(logging.ERROR):
        failed = _message(await (await emu.command("about", {})).callback(TIMEOUT))
    assert failed["flags"] & EPHEMERAL and "Something went wrong" in failed["content"]
    assert "database on fire" in caplog.text and "/about failed" in caplog.text
    monkeypatch.undo()

    emu.app_permissions &= ~int(discord.Permissions(embed_links=True).value)
    plain = _message(await (await emu.command("film", {"title": CRANES})).callback(TIMEOUT))
    assert not plain.get("embeds") and "Embed Links" in plain["content"]
    assert plain["content"].startswith("The Cranes Are Flying (1957)")


async def test_a_refused_callback_is_logged_and_the_bot_keeps_answering(
    emu: DiscordEmulator, bot: EmulatedFilmBot, caplog: pytest.LogCaptureFixture
) -> None:
    emu.deny("POST", "/interactions/{id}/{token}/callback")
    with caplog.at_level(logging.WARNING):
        refused = await emu.command("film", {"title": CRANES})
        await emu.wait_until(lambda: "cannot answer in channel" in caplog.text, TIMEOUT, "a log")
    assert refused.callbacks == []
    emu.undeny()
    data = _message(await (await emu.command("film", {"title": CRANES})).callback(TIMEOUT))
    assert data["embeds"][0]["title"] == "The Cranes Are Flying (1957)"
    assert "emulator-token" not in caplog.text  # the token is never logged


async def test_the_bot_resumes_after_the_websocket_drops(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    await emu.drop_gateway()
    await emu.wait_resumed(1, TIMEOUT)
    assert emu.identifies == 1  # resumed, not a new session
    data = _message(await (await emu.command("film", {"title": CRANES})).callback(TIMEOUT))
    assert data["embeds"][0]["title"] == "The Cranes Are Flying (1957)"


@pytest.mark.parametrize(("status", "retry_after"), [(429, 0.2), (500, None)])
async def test_a_failed_callback_is_retried_and_arrives_once(
    emu: DiscordEmulator, bot: EmulatedFilmBot, status: int, retry_after: float | None
) -> None:
    emu.fail_next("POST", "/interactions/{id}/{token}/callback", status, retry_after=retry_after)
    handle = await emu.command("film", {"title": CRANES})
    data = _message(await handle.callback(TIMEOUT))
    assert data["embeds"][0]["title"] == "The Cranes Are Flying (1957)"
    assert len(handle.callbacks) == 1 and emu.faults_hit


async def test_a_long_answer_pages_with_buttons(
    emu: DiscordEmulator, bot: EmulatedFilmBot, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = tuple(
        Card(f"Card {n}", plain(f"Text of card {n}. " * 100)) for n in range(12)
    )  # 12 cards of ~1,800 characters: four messages' worth

    async def long_answer(*args: object, **options: object) -> Reply:
        return Reply(cards)

    monkeypatch.setattr(core, "call", long_answer)
    handle = await emu.command("about", {})
    first = _message(await handle.callback(TIMEOUT))
    assert [e["title"] for e in first["embeds"]] == ["Card 0", "Card 1", "Card 2"]
    previous, position, following = first["components"][0]["components"]
    assert previous["disabled"] and position["label"] == "1 / 4"
    message = await handle.final_message(TIMEOUT)
    intruder = await emu.component(message, following["custom_id"], user_id=emu.other_user_id)
    assert "Only the person who asked" in (await intruder.callback(TIMEOUT))["data"]["content"]
    turn = await emu.component(message, following["custom_id"])
    update = await turn.callback(TIMEOUT)
    assert update["type"] == 7
    assert [e["title"] for e in update["data"]["embeds"]] == ["Card 3", "Card 4", "Card 5"]
    assert update["data"]["components"][0]["components"][1]["label"] == "2 / 4"


async def test_pick_answers_the_open_question_by_number(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    question = _message(await (await emu.command("film", {"title": "solaris"})).callback(TIMEOUT))
    assert "/pick N" in question["embeds"][0]["footer"]["text"]
    picked = _message(await (await emu.command("pick", {"number": 2})).callback(TIMEOUT))
    assert picked["embeds"][0]["title"] == "Solaris (2002)"
    again = _message(await (await emu.command("pick", {"number": 1})).callback(TIMEOUT))
    assert again["flags"] & EPHEMERAL and again["embeds"][0]["title"] == "Nothing to pick"


async def test_commands_are_synced_only_when_asked(emu: DiscordEmulator, core: Core) -> None:
    with emu.patch():
        names, application_id = await sync_commands(core, "emulator-token", emu.guild_id)
        assert application_id == emu.application_id
        assert emu.sync_calls == [{"guild_id": emu.guild_id, "count": len(names)}]
        expected = {"film", "edition", "editions", "review", "plot", "person", "find", "pick"}
        announcing = {"subscribe", "unsubscribe", "subscriptions", "announce-test"}
        assert expected | announcing | {"releases", "help", "about", "ask"} == set(names)
        # /ask question: (issue 19)
        assert [o["name"] for o in emu.commands["ask"]["options"]] == ["question"]
        assert emu.commands["edition"]["options"][1]["choices"][1]["value"] == "blu-ray"
        await sync_commands(core, "emulator-token", None)
        assert emu.sync_calls[-1]["guild_id"] is None


async def test_slash_commands_follow_the_core_declarations(
    emu: DiscordEmulator, core: Core
) -> None:
    """What Discord receives is made from the one declaration of each command."""
    types = {"text": 3, "title": 3, "person": 3, "command": 3, "number": 4, "flag": 5}
    with emu.patch():
        await sync_commands(core, "emulator-token", emu.guild_id)
    assert set(emu.commands) == {c.name for c in core.commands}
    for declared in core.commands:
        synced = emu.commands[declared.name]
        assert synced["description"] == declared.summary
        shown = [o for o in declared.options if not o.hidden]
        by_name = {o["name"]: o for o in synced.get("options", [])}
        assert list(by_name) == [o.name for o in shown if o.required] + [
            o.name for o in shown if not o.required
        ]
        for option in shown:
            sent = by_name[option.name]
            assert sent["type"] == types.get(option.kind, 8), option.name  # 8: a role
            assert sent["description"] == option.description
            assert bool(sent.get("required")) == option.required
            assert [(c["name"], c["value"]) for c in sent.get("choices", [])] == list(
                option.choices
            )
            assert bool(sent.get("autocomplete")) == (option.kind in ("title", "person", "command"))
            low = sent.get("min_length", sent.get("min_value"))
            high = sent.get("max_length", sent.get("max_value"))
            assert (low, high) == (option.minimum, option.maximum), option.name
        server_only = synced.get("dm_permission") is False or synced.get("contexts") == [0]
        assert server_only == (declared.access != "anyone"), declared.name


async def test_a_deferred_question_still_reaches_only_the_asker(
    emu: DiscordEmulator, bot: EmulatedFilmBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord_answer, "DISCORD_ANSWER_BUDGET_SECONDS", 0.0)
    handle = await emu.command("film", {"title": "solaris"})
    assert (await handle.callback(TIMEOUT))["type"] == 5
    await emu.wait_until(lambda: handle.followups, TIMEOUT, "the question")
    assert handle.deletes  # the public "thinking…" message is removed first
    question = handle.followups[-1]
    check_discord_payload(question)
    assert question["flags"] & EPHEMERAL and question["components"]


async def test_a_menu_answers_its_own_question_only(
    emu: DiscordEmulator, bot: EmulatedFilmBot, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await emu.command("film", {"title": "solaris"})
    first_menu = _message(await first.callback(TIMEOUT))["components"][0]["components"][0]
    second = await emu.command("plot", {"title": "solaris"})
    second_menu = _message(await second.callback(TIMEOUT))["components"][0]["components"][0]
    stale = await emu.component(
        await first.final_message(TIMEOUT), first_menu["custom_id"], ["film:500"]
    )
    assert (await stale.callback(TIMEOUT))["data"]["content"] == "This list has expired."
    await emu.wait_until(lambda: stale.followups, TIMEOUT, "the expiry note")
    assert stale.followups[0]["embeds"][0]["title"] == "That question has expired"
    # The newer question is still open, and a failure while answering it is told, not lost.
    monkeypatch.setattr("bot.store.films.film_details", _broken)
    fresh = await emu.component(
        await second.final_message(TIMEOUT), second_menu["custom_id"], ["film:500"]
    )
    await fresh.callback(TIMEOUT)
    await emu.wait_until(lambda: fresh.followups, TIMEOUT, "the error")
    assert fresh.followups[0]["embeds"][0]["title"] == "Something went wrong"


async def _broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("database on fire")


async def test_review_source_and_release_label_options_are_taken_as_given(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    unknown = _message(
        await (await emu.command("review", {"title": "film:4471", "source": "xyz"})).callback(
            TIMEOUT
        )
    )
    assert unknown["embeds"][0]["title"] == "No review of The Cranes Are Flying (1957) from “xyz”"
    blog = _message(
        await (await emu.command("review", {"title": CRANES, "source": "blog"})).callback(TIMEOUT)
    )
    assert [e["title"] for e in blog["embeds"]] == ["The Cranes Are Flying (1957) — blog review"]
    wave = _message(
        await (await emu.command("releases", {"when": "upcoming", "label": "New Wave"})).callback(
            TIMEOUT
        )
    )
    assert wave["embeds"][0]["title"] == "Releases · New Wave"


def _posted(emu: DiscordEmulator) -> list[dict]:
    """The bodies of the messages the bot posted in the "films" channel, in order."""
    path = f"/channels/{emu.channel_id}/messages"
    return [r["json"] for r in emu.requests if r["method"] == "POST" and r["path"] == path]


async def test_a_message_that_mentions_the_bot_is_answered_as_a_question(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    # No privileged intent: the text of a message that mentions the bot still arrives.
    assert not emu.identify_payloads[-1]["intents"] & PRIVILEGED_INTENTS
    me = f"<@{emu.bot_user_id}>"
    asked = await emu.user_message(f"{me} how long is seven samurai?")
    assert asked["dispatched"]
    await emu.wait_until(lambda: _posted(emu), TIMEOUT, "the answer to the mention")
    body = _posted(emu)[0]
    # A reply to the question that pings no one, not even the asker.
    assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert str(body["message_reference"]["message_id"]) == asked["id"]
    check_discord_payload(
        {
            **{k: v for k, v in body.items() if k != "message_reference"},
            "allowed_mentions": {"parse": []},
        }
    )
    text = _text(body)
    assert "Seven Samurai (1954) runs 207 minutes, from Wikidata." in text
    # The same card as /ask.
    slash = _message(
        await (await emu.command("ask", {"question": "how long is seven samurai?"})).callback(
            TIMEOUT
        )
    )
    assert body["embeds"] == slash["embeds"]

    # The mention may come anywhere, in its nickname form too; a name the data holds
    # (a hostile title) never pings.
    await emu.user_message(f"who directed the cranes are flying, <@!{emu.bot_user_id}>?")
    await emu.wait_until(lambda: len(_posted(emu)) == 2, TIMEOUT, "the second answer")
    assert "directed by Mikhail Kalatozov" in _text(_posted(emu)[1])

    # Conversation that does not mention the bot reaches it without its text, and is
    # never answered; neither is a mention of someone else.
    chat = await emu.user_message("I love the cranes are flying")
    other = await emu.user_message(f"<@{emu.other_user_id}> who directed stalker")
    assert chat["dispatched"] and other["dispatched"]
    await emu.user_message(f"{me} who directed stalker 1979")  # a sentinel: answered next
    await emu.wait_until(lambda: len(_posted(emu)) == 3, TIMEOUT, "the sentinel's answer")
    assert "Andrei Tarkovsky" in _text(_posted(emu)[2])


async def test_a_mention_that_asks_which_film_is_answered_with_pick(
    emu: DiscordEmulator, bot: EmulatedFilmBot
) -> None:
    await emu.user_message(f"<@{emu.bot_user_id}> who directed solaris")
    await emu.wait_until(lambda: _posted(emu), TIMEOUT, "the question back")
    question = _posted(emu)[0]
    assert "Which film did you mean?" in _text(question)
    assert not question.get("components")  # no menu on a message: /pick answers it
    assert "Answer with /pick N" in question["embeds"][0]["footer"]["text"]
    picked = _message(await (await emu.command("pick", {"number": 2})).callback(TIMEOUT))
    assert "Solaris (2002) was directed by Steven Soderbergh" in _text(picked)
    # A command after the mention runs that command.
    await emu.user_message(f"<@{emu.bot_user_id}> /film the cranes are flying")
    await emu.wait_until(lambda: len(_posted(emu)) == 2, TIMEOUT, "the film card")
    assert _posted(emu)[1]["embeds"][0]["title"] == "The Cranes Are Flying (1957)"
