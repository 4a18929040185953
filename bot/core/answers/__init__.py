"""The commands themselves, one module per feature, registered on one table.

Import order is the order `help` lists them in, so it is kept as written.
"""

# isort: skip_file
from bot.core.answers import films, ask, reviews, people, releases, subscriptions, meta  # noqa: F401
from bot.core.answers.table import COMMANDS

__all__ = ["COMMANDS"]
