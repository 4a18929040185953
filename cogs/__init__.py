"""discord.py cogs, one file per feature: each names its group of the core's declared
commands, which `bot.adapters.discord_commands` turns into slash commands. No SQL, no
card layout and no option parsing here."""
