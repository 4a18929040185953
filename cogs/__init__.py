"""discord.py command cogs, one file per feature: thin wrappers that parse options, call
the core (`bot.adapters.discord_send.answer`) and reply. No SQL and no card layout here."""
