"""Storage: the connection (SQLite, or PostgreSQL given a URL), numbered migrations, and
the queries the core needs."""

from bot.store.busy import DatabaseBusyError, DatabaseWriteError, is_busy, write_problem
from bot.store.connect import open_database
from bot.store.db import Database, Transaction

__all__ = [
    "Database",
    "DatabaseBusyError",
    "DatabaseWriteError",
    "Transaction",
    "is_busy",
    "open_database",
    "write_problem",
]
