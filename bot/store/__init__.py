"""SQLite storage: connection, numbered migrations, and the queries the core needs."""

from bot.store.db import Database, Transaction, open_database

__all__ = ["Database", "Transaction", "open_database"]
