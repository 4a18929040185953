"""/releases: editions coming out or just out, by label and format.

Declared once in the core (`bot/core/answers`), with their options and who may use
them; this extension lists them as slash commands.
"""

from bot.adapters.discord_commands import group_cog

setup = group_cog("releases")
