"""Discord components: the asker-only menu of a disambiguation, and page buttons.

Both expire cleanly: when their time is up the message is edited to say so and the
components are removed, so nobody clicks a dead menu.
"""

from __future__ import annotations

import logging

import discord

from bot.adapters.discord_send import NO_MENTIONS, message_parts, note, send
from bot.cards import Reply
from bot.constants import PICK_TIMEOUT_SECONDS
from bot.core.engine import EXPIRED, Core
from bot.core.request import Request
from bot.render import discord as render
from bot.render.safety import discord_escape

log = logging.getLogger(__name__)
PAGE_TIMEOUT_SECONDS = 10 * 60


class _OwnedView(discord.ui.View):
    """A view only the user who asked may use; it tidies its message when it expires."""

    def __init__(self, origin: discord.Interaction, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.origin = origin
        self.owner_id = origin.user.id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can use this. Ask your own question with /film.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        return False

    async def expire(self, note: str) -> None:
        self.stop()
        try:
            await self.origin.edit_original_response(content=note, embeds=[], view=None)
        except discord.HTTPException as exc:  # the message is gone or the token expired
            log.debug("could not tidy an expired view: %s", exc)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        log.error("component %s failed for user %s", item, interaction.user.id, exc_info=error)
        await note(interaction, "That did not work on my side; the error is logged.")


class PickView(_OwnedView):
    """The select menu of 'Which film did you mean?'; values are the choices' ids."""

    def __init__(self, core: Core, req: Request, origin: discord.Interaction, reply: Reply):
        super().__init__(origin, timeout=PICK_TIMEOUT_SECONDS)
        self.core, self.req, self.question = core, req, reply.question
        menu = render.select_menu(reply.choices)["components"][0]
        select: discord.ui.Select = discord.ui.Select(
            # One id per question: two users' open menus must never share one.
            custom_id=f"{menu['custom_id']}:{origin.id}",
            placeholder=menu["placeholder"],
            options=[
                discord.SelectOption(label=o["label"], value=o["value"]) for o in menu["options"]
            ],
        )
        select.callback = self._chosen
        self.add_item(select)
        self.select = select

    async def _chosen(self, interaction: discord.Interaction) -> None:
        chosen = self.select.values[0]
        number = [o.value for o in self.select.options].index(chosen) + 1
        reply = await self.core.call("pick", self.req, number=number, question=self.question)
        label = next((o.label for o in self.select.options if o.value == chosen), chosen)
        expired = reply.cards[0].title == EXPIRED
        self.stop()
        await interaction.response.edit_message(
            content=chosen_note(label, expired=expired), embeds=[], view=None
        )
        await send(interaction, reply, view=view_for(self.core, self.req, interaction, reply))

    async def on_timeout(self) -> None:
        await self.expire("This list has expired; ask again to choose.")


def chosen_note(label: str, *, expired: bool = False) -> str:
    """What the menu's message says once a film is chosen. The label comes from data: it
    is escaped as the renderer escapes (no markdown, mentions or invite links)."""
    return "This list has expired." if expired else f"You chose {discord_escape(label)}."


class PageView(_OwnedView):
    """◀ ▶ buttons through the pages of a reply too long for one message."""

    def __init__(self, origin: discord.Interaction, pages: list[Reply]) -> None:
        super().__init__(origin, timeout=PAGE_TIMEOUT_SECONDS)
        self.pages, self.index = pages, 0
        self._update()

    def _update(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(self.pages) - 1
        self.position.label = f"{self.index + 1} / {len(self.pages)}"

    async def _show(self, interaction: discord.Interaction) -> None:
        self._update()
        parts = message_parts(self.pages[self.index])
        parts.pop("allowed_mentions", None)  # not an edit argument; edits cannot ping anyway
        parts.setdefault("content", None)
        await interaction.response.edit_message(view=self, **parts)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)

    async def on_timeout(self) -> None:
        try:
            await self.origin.edit_original_response(view=None)
        except discord.HTTPException as exc:
            log.debug("could not remove page buttons: %s", exc)


def pages_of(reply: Reply) -> list[Reply]:
    """Split a reply into messages that each show their cards whole within Discord's
    limits (a card too big for any message is cut on a page of its own)."""
    pages: list[Reply] = []
    current: list = []
    for card in reply.cards:
        trial = render.render_reply(Reply((*current, card), reply.choices, reply.ephemeral))
        whole = "content" not in trial and trial["embeds"][-1] == render.render_card(card)
        if current and not whole:
            pages.append(Reply(tuple(current), reply.choices, reply.ephemeral))
            current = [card]
        else:
            current.append(card)
    pages.append(Reply(tuple(current), reply.choices, reply.ephemeral))
    return pages


def view_for(
    core: Core, req: Request, origin: discord.Interaction, reply: Reply
) -> discord.ui.View | None:
    """The components a reply needs: a menu when it asks which film, else none."""
    if reply.choices:
        return PickView(core, req, origin, reply)
    return None
