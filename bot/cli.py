"""The `filmbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot import __version__, cli_feeds, cli_pending, cli_search, logsafety
from bot.app import announcing, setup_logging, start_core
from bot.ask import render_answer
from bot.config import SettingError, Settings, load_settings, parse_shards
from bot.console import SETUP, log_to_file, run_console, shares_the_terminal
from bot.importers.catalog import CatalogFiles, build_catalog
from bot.importers.csvrows import CatalogError
from bot.importers.documents.importer import ImportOutcome, ImportStopped, import_paths
from bot.importers.imdb import import_imdb
from bot.importers.thediscdb import DiscdbError, import_discdb
from bot.importers.wikidata_query import import_wikidata_query
from bot.kinds import KINDS
from bot.net.policy import FetchPolicy
from bot.render.answer import RENDERERS
from bot.store import DatabaseBusyError, DatabaseWriteError, migrations, open_database
from bot.store.pending import list_pending
from bot.terminal import terminal_safe


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="database file (default: $FILMBOT_DB or var/filmbot.sqlite3)",
    )
    parser = argparse.ArgumentParser(
        prog="filmbot",
        parents=[common],
        description="A chat bot for films and their home-video editions.",
    )
    parser.add_argument("--version", action="version", version=f"filmbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        parents=[common],
        help="start the bot on the platforms configured in .env (else the console)",
    )
    run.add_argument(
        "--shards",
        metavar="FIRST-LAST/COUNT",
        help="run only these Discord shards, e.g. 0-3/16 (default: $FILMBOT_SHARDS, else all)",
    )
    sub.add_parser("console", parents=[common], help="chat with filmbot in this terminal")
    ask = sub.add_parser("ask", parents=[common], help="answer one message and print the reply")
    ask.add_argument("message", help='a chat message, e.g. "!film The Cranes Are Flying"')
    ask.add_argument(
        "--reveal", action="store_true", help="text: show spoilers instead of hiding them"
    )
    ask.add_argument(
        "--as",
        dest="render_as",
        choices=RENDERERS,
        default="text",
        help="print what would be sent: the Discord message payload, the Matrix event "
        "content, or the terminal text (default)",
    )
    ask.add_argument("--json", action="store_true", help='one line of JSON (text: {"text": ...})')

    cli_search.add_parser(sub, common)

    dc = sub.add_parser("discord", parents=[common], help="Discord set-up")
    dc_sub = dc.add_subparsers(dest="discord_command", metavar="ACTION", required=True)
    sync = dc_sub.add_parser(
        "sync",
        parents=[common],
        help="register the slash commands with Discord (globally, or in one server at once)",
    )
    sync.add_argument("--guild", type=int, default=None, metavar="ID", help="a server's id")

    catalog = sub.add_parser(
        "catalog",
        parents=[common],
        help="import the bundled catalog (done automatically on first use)",
    )
    catalog.add_argument(
        "--force",
        action="store_true",
        help="import again even if the files are unchanged (changes nothing)",
    )
    catalog.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="read the catalog files from this folder instead of data/",
    )
    # An optional action: `filmbot catalog` alone builds the bundled catalog, as before.
    catalog_sub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION")
    discdb = catalog_sub.add_parser(
        "import-discdb",
        parents=[common],
        help="import edition data from a clone of TheDiscDb/data (its root or data/ folder)",
    )
    discdb.add_argument("path", type=Path, metavar="PATH", help="the clone, or its data/ folder")
    imdb = catalog_sub.add_parser(
        "import-imdb",
        parents=[common],
        help="import films from IMDb's dataset files (title.basics.tsv.gz, ...) in DIR",
    )
    imdb.add_argument(
        "dir", type=Path, metavar="DIR", help="the folder of the .tsv.gz (or .tsv) files"
    )
    wikidata = catalog_sub.add_parser(
        "import-wikidata",
        parents=[common],
        help="import films from a Wikidata query's result (CSV or JSON; docs/wikidata-query.md)",
    )
    wikidata.add_argument("file", type=Path, metavar="FILE", help="the downloaded result")
    for bulk in (imdb, wikidata):
        bulk.add_argument(
            "--force",
            action="store_true",
            help="import again even if the files were imported as they are (changes nothing)",
        )

    imp = sub.add_parser(
        "import",
        parents=[common],
        help="import review, listing and blog documents (files, folders, globs, URLs, - for stdin)",
    )
    imp.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a file, a folder, a glob, an http(s):// URL of a page, or - for stdin",
    )
    imp.add_argument(
        "--kind",
        choices=KINDS,
        default=None,
        help="the documents' kind, when detection is not enough",
    )

    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", parents=[common], help="apply pending schema migrations")
    db_sub.add_parser("current", parents=[common], help="print the schema version")
    db_sub.add_parser("stats", parents=[common], help="print row counts")
    backup = db_sub.add_parser("backup", parents=[common], help="copy the live database to PATH")
    backup.add_argument("path", type=Path)
    cli_feeds.add_parser(sub, common)
    cli_pending.add_parser(sub, common)
    return parser


async def _cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    shards = settings.shards
    if getattr(args, "shards", None):
        try:
            shards = parse_shards(args.shards, "--shards")
        except SettingError as exc:
            print(f"filmbot: {exc}", file=sys.stderr)
            return 2
    platforms = settings.platforms()
    if not platforms:
        print(
            "filmbot: no chat platform configured in .env (DISCORD_TOKEN, MATRIX_*); "
            "starting the console chat on the bundled catalog. " + SETUP,
            file=sys.stderr,
        )
        return await _cmd_console(settings, args)
    core = await start_core(settings)
    try:
        runners = []
        if "discord" in platforms:
            from bot.adapters.discord_bot import run_discord

            assert settings.discord_token is not None
            runners.append(run_discord(core, settings.discord_token, shards))
            if shards is not None:
                print(f"filmbot: Discord shards {shards}", file=sys.stderr)
        if "matrix" in platforms:
            from bot.adapters.matrix_bot import run_matrix

            runners.append(run_matrix(core, settings))
        print(f"filmbot: starting on {' and '.join(platforms)}", file=sys.stderr)
        # One core, one database, both platforms; one platform failing for good (a wrong
        # token) does not stop the other, and the core closes only when both are done.
        async with announcing(core, settings):
            results = await asyncio.gather(*runners, return_exceptions=True)
    finally:
        await core.close()
    failed = [r for r in results if isinstance(r, BaseException)]
    for failure in failed:
        print(f"filmbot: a platform stopped: {failure}", file=sys.stderr)
    return 2 if failed else 0


async def _cmd_discord(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.discord_token:
        print("filmbot: set DISCORD_TOKEN in the environment or .env first.", file=sys.stderr)
        return 2
    from bot.adapters.discord_bot import invite_url, sync_commands

    core = await start_core(settings)
    try:
        names, application_id = await sync_commands(core, settings.discord_token, args.guild)
    finally:
        await core.close()
    where = f"server {args.guild}" if args.guild else "all servers (may take up to an hour)"
    print(f"synced {len(names)} commands to {where}: {', '.join('/' + n for n in names)}")
    print(f"invite link: {invite_url(application_id)}")
    return 0


async def _cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    # On a terminal, stderr is the chat's screen too: log lines (migrations when the
    # database is opened, background work, failures) go to a file beside the database.
    log_file = log_to_file(settings.db_path.with_suffix(".log")) if shares_the_terminal() else None
    core = await start_core(settings)
    try:
        await run_console(core, log_file=log_file)
    finally:
        await core.close()
    return 0


async def _cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    core = await start_core(settings)
    try:
        output = await render_answer(core, args.message, args.render_as, reveal=args.reveal)
    finally:
        await core.close()
    if args.json or args.render_as != "text":
        data = output if args.render_as != "text" else {"text": output}
        indent = None if args.json else 2
        print(json.dumps(data, ensure_ascii=False, indent=indent))
    else:
        print(terminal_safe(output))
    return 0


async def _cmd_search(settings: Settings, args: argparse.Namespace) -> int:
    problem = cli_search.usage_problem(args)
    if problem:
        print(f"filmbot search: {problem}", file=sys.stderr)
        return 2
    core = await start_core(settings)
    try:
        return await cli_search.run(core, args)
    finally:
        await core.close()


async def _cmd_catalog(settings: Settings, args: argparse.Namespace) -> int:
    if getattr(args, "catalog_command", None) == "import-discdb":
        return await _cmd_import_discdb(settings, args)
    if getattr(args, "catalog_command", None) in ("import-imdb", "import-wikidata"):
        return await _cmd_import_films(settings, args)
    files = CatalogFiles.bundled(args.data_dir) if args.data_dir else CatalogFiles.bundled()
    try:
        db = await open_database(settings.database, local_path=settings.db_path)
        try:
            report = await build_catalog(db, files, force=args.force)
        finally:
            await db.close()
    except (DatabaseWriteError, DatabaseBusyError) as exc:
        print(f"filmbot: the catalog was not imported: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


async def _cmd_import_discdb(settings: Settings, args: argparse.Namespace) -> int:
    """`filmbot catalog import-discdb PATH`: one line on success; on a bad file one line
    naming it, exit status 2, nothing written (the import is one transaction)."""
    try:
        db = await open_database(settings.database, local_path=settings.db_path)
        try:
            catalog = await build_catalog(db)  # releases are matched to the catalog's films
            if not catalog.skipped:
                print(f"filmbot: {catalog.summary()}", file=sys.stderr)
            report = await import_discdb(db, args.path)
        finally:
            await db.close()
    except DiscdbError as exc:
        print(
            terminal_safe(f"filmbot: TheDiscDb was not imported, nothing was written: {exc}"),
            file=sys.stderr,
        )
        return 2
    except (DatabaseWriteError, DatabaseBusyError) as exc:
        print(f"filmbot: TheDiscDb was not imported: {exc}", file=sys.stderr)
        return 2
    print(terminal_safe(report.summary()))
    return 0


async def _cmd_import_films(settings: Settings, args: argparse.Namespace) -> int:
    """`filmbot catalog import-imdb DIR` and `import-wikidata FILE`: one line on success;
    on a malformed file one line naming it and the line, exit status 2, nothing written
    (the files are read and checked before the one transaction that writes)."""
    imdb = args.catalog_command == "import-imdb"
    what = "IMDb datasets were" if imdb else "the Wikidata query result was"
    try:
        db = await open_database(settings.database, local_path=settings.db_path)
        try:
            catalog = await build_catalog(db)  # the films are merged into the catalog's
            if not catalog.skipped:
                print(f"filmbot: {catalog.summary()}", file=sys.stderr)
            if imdb:
                summary = (await import_imdb(db, args.dir, force=args.force)).summary()
            else:
                summary = (await import_wikidata_query(db, args.file, force=args.force)).summary()
        finally:
            await db.close()
    except CatalogError as exc:
        print(
            terminal_safe(f"filmbot: {what} not imported, nothing was written: {exc}"),
            file=sys.stderr,
        )
        return 2
    except (DatabaseWriteError, DatabaseBusyError) as exc:
        print(f"filmbot: {what} not imported: {exc}", file=sys.stderr)
        return 2
    print(terminal_safe(summary))
    return 0


IMPORT_STATUSES = ("imported", "merged", "unchanged", "pending", "rejected")


def import_summary(outcomes: list[ImportOutcome], waiting: int) -> str:
    """The line after an import's outcomes: how many of each status, and, when some
    documents were put in the queue, how many wait in all and where to settle them."""
    counts = Counter(o.status for o in outcomes)
    summary = ", ".join(f"{counts[s]} {s}" for s in IMPORT_STATUSES if counts[s])
    if counts["pending"]:
        summary += f" ({waiting} waiting: see `filmbot pending list`)"
    return f"{len(outcomes)} document{'s' if len(outcomes) != 1 else ''}: {summary}"


def _import_progress(done: int, total: int, name: str) -> None:
    """One line on the terminal, rewritten per document (only when stderr is one)."""
    if total > 1:
        shown = terminal_safe(name)[-60:]
        end = "\n" if done + 1 == total else ""
        print(f"\rimporting {done + 1}/{total}: {shown:<60}", end=end, file=sys.stderr)


async def _cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    stopped: ImportStopped | None = None
    waiting = 0
    try:
        db = await open_database(settings.database, local_path=settings.db_path)
        try:
            report = await build_catalog(db)
            if not report.skipped:
                print(f"filmbot: {report.summary()}", file=sys.stderr)
            try:
                outcomes = await import_paths(
                    db,
                    args.paths,
                    kind=args.kind,
                    fetch_policy=FetchPolicy.allowing(settings.fetch_allow_hosts),
                    progress=_import_progress if sys.stderr.isatty() else None,
                )
            except ImportStopped as exc:
                stopped, outcomes = exc, exc.outcomes
            if any(o.status == "pending" for o in outcomes):
                waiting = len(await list_pending(db))
        finally:
            await db.close()
    except (DatabaseWriteError, DatabaseBusyError) as exc:
        print(f"filmbot: nothing was imported: {exc}", file=sys.stderr)
        return 2
    for outcome in outcomes:
        print(terminal_safe(outcome.line()))
    if outcomes or stopped is None:
        print(import_summary(outcomes, waiting))
    if stopped is not None:
        # One message, no traceback: every later document would have failed the same way.
        left = f"{stopped.left} document{'s' if stopped.left != 1 else ''}"
        print(f"filmbot: import stopped: {stopped.reason}; {left} not imported", file=sys.stderr)
        return 2
    return 0 if all(o.ok for o in outcomes) else 1


async def _cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    action = args.db_command
    if action == "backup" and settings.database_url:
        print(
            f"filmbot: db backup copies a SQLite file; back up {settings.database_label} "
            "with PostgreSQL's pg_dump",
            file=sys.stderr,
        )
        return 2
    if action != "upgrade" and not settings.database_url and not settings.db_path.exists():
        print(
            f"filmbot: no database at {settings.db_path} yet; `filmbot db upgrade` creates it.",
            file=sys.stderr,
        )
        return 1
    try:
        db = await open_database(
            settings.database, upgrade=(action == "upgrade"), local_path=settings.db_path
        )
    except (DatabaseWriteError, DatabaseBusyError) as exc:
        print(f"filmbot: the database was not upgraded: {exc}", file=sys.stderr)
        return 2
    try:
        if action == "upgrade":
            version = await db.schema_version()
            print(
                f"{settings.database_label}: schema version {version} "
                f"(latest {migrations.latest_version()})"
            )
        elif action == "current":
            print(f"{await db.schema_version()} (latest {migrations.latest_version()})")
        elif action == "stats":
            if await db.schema_version() == 0:
                print("the database has no schema yet; run `filmbot db upgrade`", file=sys.stderr)
                return 1
            print(f"database: {settings.database_label} (schema {await db.schema_version()})")
            for table, count in (await db.stats()).items():
                print(f"{table:>18} {count:>9,}")
        elif action == "backup":
            await db.backup(args.path)
            print(f"backed up {settings.db_path} to {args.path}")
    finally:
        await db.close()
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], Awaitable[int]]] = {
    "run": _cmd_run,
    "console": _cmd_console,
    "ask": _cmd_ask,
    "search": _cmd_search,
    "catalog": _cmd_catalog,
    "import": _cmd_import,
    "db": _cmd_db,
    "feeds": cli_feeds.run,
    "pending": cli_pending.run,
    "discord": _cmd_discord,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(db=getattr(args, "db", None))
    except SettingError as exc:
        print(f"filmbot: {exc} (in .env or the environment)", file=sys.stderr)
        return 2
    secrets = (
        settings.discord_token,
        settings.matrix_access_token,
        settings.matrix_password,
        logsafety.url_password(settings.database_url),
    )
    setup_logging(settings.log_level, secrets)
    command = COMMANDS.get(args.command or "run")
    try:
        status = asyncio.run(command(settings, args))
        sys.stdout.flush()  # a reader gone shows here, not in the interpreter's last flush
        return status
    except BrokenPipeError:
        return _reader_gone()
    except CatalogError as exc:
        print(f"filmbot: the catalog was not imported, nothing was written: {exc}", file=sys.stderr)
        return 2
    except (migrations.MigrationError, FileExistsError) as exc:
        print(f"filmbot: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:
        hint = (
            "is the server running, and FILMBOT_DATABASE_URL right?"
            if settings.database_url
            else "is it a filmbot database? restore a backup or point FILMBOT_DB elsewhere"
        )
        print(
            f"filmbot: cannot use the database {settings.database_label}: {exc} ({hint})",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


def _reader_gone() -> int:
    """The program reading our output has stopped (`filmbot ask … | head -1`): there is
    no one left to tell, so exit quietly. What is still buffered for stdout goes to
    /dev/null, or the interpreter's own last flush would fail with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
