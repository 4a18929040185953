"""Each command is declared once: the text parser, help and typed calls all follow it,
and the core answers any platform that describes itself, with no code of its own."""

from __future__ import annotations

import pytest

from bot.adapters.platforms import DISCORD, MATRIX
from bot.cards import Reply
from bot.core.answers import COMMANDS
from bot.core.commands import Command, Option, ParseError
from bot.core.engine import Core
from bot.core.request import MentionError, Mentions, Platform, Request
from bot.render.text import render_reply

# How help wrote each command before the declarations existed; generated now.
USAGE = {
    "film": "<title> [year]",
    "ask": "<question>",
    "edition": "<title> [format] [label]",
    "editions": "<title>",
    "review": "<title> [disc|blog|from <source>]",
    "plot": "<title> [spoilers]",
    "person": "<name>",
    "find": "<keywords>",
    "releases": "[upcoming|recent] [label] [format]",
    "subscribe": "[label:…] [format:…] [genre:…] [director:…] [country:…] [keyword:…] "
    "[since:DATE] [mention:…]",
    "unsubscribe": "[number|all]",
    "subscriptions": "",
    "announce-test": "",
    "pick": "<number>",
    "help": "[command]",
    "about": "",
}


def command(name: str) -> Command:
    found = COMMANDS.get(name)
    assert found is not None
    return found


def test_help_usage_is_generated_from_the_options() -> None:
    assert {c.name: c.usage for c in COMMANDS} == USAGE
    help_text = render_reply(COMMANDS.help_reply("!"))
    for name, usage in USAGE.items():
        assert f"!{name} {usage}".strip() in help_text


def test_every_declaration_fits_a_slash_command() -> None:
    for declared in COMMANDS:
        assert 1 <= len(declared.summary) <= 100, declared.name
        names = [o.name for o in declared.options]
        assert len(names) == len(set(names)), declared.name
        for option in declared.options:
            assert option.hidden or 1 <= len(option.description) <= 100, option.name
        assert sum(o.syntax == "rest" for o in declared.options) <= 1, declared.name


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("film", "solaris (1972)", {"title": "solaris (1972)"}),
        (
            "edition",
            "seven samurai blu ray criterion",
            {"title": "seven samurai", "format": "Blu-ray", "label": "The Criterion Collection"},
        ),
        ("edition", "criterion", {"title": "criterion", "format": None, "label": None}),
        (
            "edition",
            "cranes criterion label:arrow",  # a label given as an option stays as given
            {"title": "cranes criterion", "format": None, "label": "arrow"},
        ),
        ("plot", "cranes are flying spoilers", {"title": "cranes are flying", "spoilers": True}),
        # Punctuation after the word is the same word (as for formats and labels).
        ("plot", "cranes are flying spoilers!", {"title": "cranes are flying", "spoilers": True}),
        ("plot", "the spoilers guide", {"title": "the spoilers guide", "spoilers": False}),
        ("review", "cranes source:disc", {"title": "cranes", "source": "disc"}),
        (
            "releases",
            "coming soon 4k uhd arrow",
            {"when": "upcoming", "format": "4K UHD", "label": "arrow"},
        ),
        ("releases", "upcoming recent", {"when": None, "format": None, "label": None}),
        (
            "subscribe",
            "format:dvd format:4k label: masters of cinema since:2024-01-01",
            {
                "label": ("masters of cinema",),
                "format": ("dvd", "4k"),
                "genre": (),
                "director": (),
                "country": (),
                "keyword": (),
                "since": "2024-01-01",
                "mention": None,
            },
        ),
    ],
)
def test_the_text_parser_follows_the_declaration(name: str, text: str, expected: dict) -> None:
    assert command(name).parse(text) == expected


def test_stray_words_before_options_are_refused_kindly() -> None:
    with pytest.raises(ParseError, match="“criterion” means here"):
        command("subscribe").parse("criterion")


def test_typed_options_are_never_overridden_by_words() -> None:
    given = {"format": "dvd"}
    values = command("edition").parse("seven samurai blu-ray", given)
    assert values == {"title": "seven samurai blu-ray", "format": "DVD", "label": None}


async def _text(reply: Reply | None) -> str:
    assert reply is not None
    return render_reply(reply)


async def test_a_typed_call_answers_as_the_message_does(core: Core) -> None:
    typed = await core.call(
        "edition", Request(), title="seven samurai", format="blu-ray", label="criterion"
    )
    written = await core.handle("!edition seven samurai blu-ray label:criterion", Request())
    assert render_reply(typed) == await _text(written)
    # A title typed with filter words after it (Discord's free text) reads as a message.
    words = await core.call("edition", Request(), title="seven samurai criterion")
    assert render_reply(words) == await _text(
        await core.handle("!edition seven samurai criterion", Request())
    )
    plot = await core.call("plot", Request(), title="the cranes are flying", spoilers=True)
    assert render_reply(plot) == await _text(
        await core.handle("!plot the cranes are flying spoilers", Request())
    )


async def test_a_film_id_from_autocomplete_skips_the_lookup(core: Core) -> None:
    question = await core.handle("!film solaris", Request())
    assert question is not None and len(question.choices) == 2
    chosen = question.choices[1].id  # 'film:<id>'
    by_id = await core.call("film", Request(), title=chosen)
    assert by_id.cards[0].title == question.choices[1].label.split(" · ")[0]


async def test_a_menu_choice_is_a_typed_pick(core: Core) -> None:
    asker = Request(DISCORD, channel="5", user="7")
    question = await core.call("film", asker, title="solaris")
    assert question.choices and question.question
    other = await core.call("pick", asker, number=1, question="q-old")
    assert other.cards[0].title == "That question has expired"
    chosen = await core.call("pick", asker, number=1, question=question.question)
    assert chosen.cards[0].title == question.choices[0].label.split(" · ")[0]
    again = await core.call("pick", asker, number=1, question=question.question)
    assert again.cards[0].title == "That question has expired"


async def test_film_ids_are_for_autocomplete_and_menus_not_messages(core: Core) -> None:
    question = await core.handle("!film solaris", Request())
    assert question is not None and question.choices
    typed_id = question.choices[0].id  # 'film:<id>'
    written = await core.handle(f"!film {typed_id}", Request())
    assert written is not None and written.cards[0].title == "Not in my catalog"
    picked = await core.handle(f"!pick {typed_id}", Request())
    assert picked is not None and picked.cards[0].title == "Pick a number from the list"


async def test_typed_values_are_checked_against_the_declaration(core: Core) -> None:
    admin = Request(DISCORD, channel="5", user="7", scope="1", can_manage=True)
    for name, options, wanted in [
        ("subscribe", {"label": 5}, "label: takes text."),
        ("plot", {"title": "solaris", "spoilers": "yes"}, "spoilers: is yes or no."),
        ("pick", {"number": 99}, "number: takes a number from 1 to 25."),
        ("pick", {"number": "²"}, "number: takes a whole number."),
        ("unsubscribe", {"number": -1}, "number: takes a whole number of at least 0."),
        ("edition", {"title": "solaris", "format": "vhs"}, "format: is one of dvd, blu-ray, 4k."),
        ("film", {"title": "solaris", "colour": "red"}, "has no option 'colour'"),
    ]:
        reply = await core.call(name, admin, **options)
        assert reply.cards[0].kind == "error", name
        assert wanted in render_reply(reply), name


async def test_unsubscribe_zero_means_all_only_when_typed(announcing) -> None:
    core, *_ = announcing
    admin = Request(MATRIX, channel="!room", user="@mod", can_manage=True)
    for filters in ("label:criterion", "format:dvd"):
        made = await core.handle(f"!subscribe {filters}", admin)
        assert made is not None and made.cards[0].title.startswith("Subscribed")
    written = await core.handle("!unsubscribe 0", admin)
    assert written is not None and written.cards[0].title == "No such subscription here"
    superscript = await core.handle("!unsubscribe ²", admin)
    assert superscript is not None and superscript.cards[0].title == "Which one?"
    discord_admin = Request(DISCORD, channel="9", user="1", scope="2", can_manage=True)
    await core.handle("!subscribe label:criterion", discord_admin)
    await core.handle("!subscribe format:dvd", discord_admin)
    typed = await core.call("unsubscribe", discord_admin, number=0)
    assert typed.cards[0].title == "Unsubscribed" and "#3" in render_reply(typed)
    listed = await core.handle("!subscriptions", admin)
    assert listed is not None and "#1" in render_reply(listed)  # the Matrix room kept both


async def test_options_without_a_title_ask_for_one(core: Core) -> None:
    reply = await core.handle("!edition label:criterion", Request())
    assert reply is not None and reply.cards[0].kind == "error"
    assert "!edition needs a title before its options." in render_reply(reply)


async def test_an_empty_key_is_refused(core: Core) -> None:
    reply = await core.handle("!review the cranes are flying source:", Request())
    assert reply is not None and "source: needs a value." in render_reply(reply)


async def test_the_footer_offers_a_menu_only_where_there_is_one(core: Core) -> None:
    menu = await core.call("film", Request(DISCORD, channel="1", user="1"), title="solaris")
    plain_list = await core.call("film", Request(MATRIX, channel="!r", user="@a"), title="solaris")
    assert menu.cards[0].footer and menu.cards[0].footer.startswith("Choose from the menu")
    assert plain_list.cards[0].footer and plain_list.cards[0].footer.startswith("Answer with !pick")


def _irc_nick(value: str) -> str:
    if value.isalnum():
        return value
    raise MentionError("Whom?", "mention: takes a nick, like mention:alice.")


# A platform the core has never heard of: it needs no code in the core.
IRC = Platform(
    name="irc",
    prefix="!",
    place="channel",
    mentions=Mentions(parse=_irc_nick, describe=lambda stored: f"nick {stored}"),
    manage_rule="channel operator status",
)


async def test_a_new_platform_needs_no_core_change(core: Core) -> None:
    member = Request(IRC, channel="#films", user="bob")
    refused = await core.handle("!subscribe label:criterion", member)
    assert "channel operator status" in await _text(refused)
    op = Request(IRC, channel="#films", user="alice", can_manage=True)
    bad = await core.handle("!subscribe mention:@every one", op)
    assert bad is not None and bad.cards[0].title == "Whom?"
    listed = await _text(await core.handle("!subscriptions", member))
    assert "This channel gets no release announcements" in listed
    console = await core.handle("!subscriptions", Request())
    assert console is not None and console.cards[0].title == "Announcements are for chat rooms"


def test_a_declaration_is_all_a_new_command_needs() -> None:
    """A command table of its own: parser and help come from the one declaration."""
    from bot.core.commands import CommandTable

    table = CommandTable()

    @table.command(
        "trailer",
        "A film's trailer.",
        "trailer solaris",
        options=(
            Option("title", "title", "The film's title", required=True),
            Option("lang", "text", "Language", syntax="key"),
        ),
    )
    async def trailer(core: Core, req: Request, **values: object) -> Reply:  # pragma: no cover
        raise AssertionError

    declared = table.get("trailer")
    assert declared is not None and declared.takes_film and declared.needs_args
    assert declared.usage == "<title> [lang:…]"
    assert declared.parse("solaris lang:ru") == {"title": "solaris", "lang": "ru"}
