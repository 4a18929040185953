"""The walls between filmbot's parts, read from the source with `ast`.

- SQL lives in `bot/store` only; nobody else reaches the database connection.
- Discord and Matrix libraries are imported only by `bot/adapters` and `cogs`.
- No import cycles between files (imports inside functions and under TYPE_CHECKING count).
- Each part imports only the parts below it (`LAYERS`).

Each rule is a plain function over parsed files, so the tests at the bottom also show that
every rule fails on a deliberate violation.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Who may import whom. A module's part is the longest key that names it or a package
# above it. A part may import itself and the parts listed for it, nothing else.
BASE = (
    "bot",
    "bot.constants",
    "bot.text",
    "bot.models",
    "bot.cards",
    "bot.words",
    "bot.filters",
    "bot.kinds",
    "bot.terminal",
    "bot.logsafety",
)
LAYERS: dict[str, frozenset[str]] = {
    **{name: frozenset({"base"}) for name in BASE},
    "bot.config": frozenset({"base"}),
    "bot.net": frozenset({"base"}),
    "bot.store": frozenset({"base"}),
    "bot.search": frozenset({"base", "bot.store"}),
    "bot.importers": frozenset({"base", "bot.store", "bot.net", "bot.search"}),
    "bot.feeds": frozenset({"base", "bot.store", "bot.importers", "bot.net"}),
    "bot.announce": frozenset({"base", "bot.store"}),
    "bot.core": frozenset({"base", "bot.store", "bot.search", "bot.announce"}),
    "bot.render": frozenset({"base"}),
    "bot.adapters": frozenset(
        {"base", "bot.store", "bot.announce", "bot.core", "bot.render", "bot.config"}
    ),
    "cogs": frozenset({"base", "bot.core", "bot.adapters"}),
    # The application: wires everything together; nothing imports it but the CLI.
    "bot.ask": frozenset({"base", "bot.core", "bot.render"}),
    "bot.console": frozenset({"base", "bot.core", "bot.render", "bot.ask"}),
    "bot.app": frozenset(
        {"base", "bot.config", "bot.store", "bot.search", "bot.importers", "bot.feeds"}
        | {"bot.announce", "bot.core", "bot.render", "bot.adapters", "bot.net"}
    ),
    "bot.cli_search": frozenset({"base", "bot.store", "bot.search", "bot.core"}),
    "bot.cli_feeds": frozenset(
        {"base", "bot.config", "bot.store", "bot.feeds", "bot.importers", "bot.net"}
    ),
    "bot.cli_pending": frozenset({"base", "bot.config", "bot.store", "bot.importers"}),
    "bot.cli": frozenset(
        {"base", "bot.config", "bot.store", "bot.importers", "bot.render", "bot.core"}
        | {"bot.ask", "bot.console", "bot.app", "bot.adapters", "bot.cli_search", "bot.cli_feeds"}
        | {"bot.cli_pending", "bot.net"}
    ),
    "bot.__main__": frozenset({"base", "bot.cli"}),
}
PLATFORM_LIBRARIES = ("discord", "nio")
PLATFORM_PARTS = ("bot.adapters", "cogs")
SQL_PART = "bot.store"
# SQL as it is written in strings: a statement's opening words.
SQL = re.compile(
    r"^\s*(?:SELECT\s.+\sFROM\b|SELECT\s+(?:count|changes|last_insert_rowid)\b|"
    r"INSERT\s+(?:OR\s+\w+\s+)?INTO\b|REPLACE\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|"
    r"(?:CREATE|DROP|ALTER)\s+(?:TABLE|INDEX|VIEW|TRIGGER|VIRTUAL)\b|PRAGMA\s|BEGIN\b|"
    r"COMMIT\b|ROLLBACK\b|WITH\s+\w+(?:\s*\([^)]*\))?\s+AS\s*\()",
    re.I | re.S,
)
# Calls that hand SQL to a connection; only the store makes them.
SQL_CALLS = {
    "execute",
    "executemany",
    "executescript",
    "execute_fetchall",
    "execute_insert",
    "fetchall",
    "fetchone",
    "scalar",
    "_execute",
    "_executemany",
    "_fetchall",
    "_fetchone",
    "_scalar",
}


@dataclass(frozen=True)
class Source:
    module: str
    path: str
    tree: ast.Module


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(root: Path = ROOT) -> list[Source]:
    found = []
    for top in ("bot", "cogs"):
        for path in sorted((root / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            found.append(Source(module_name(path, root), str(path.relative_to(root)), tree))
    return found


def parse(module: str, code: str) -> Source:
    """A made-up file, for showing that a rule fails."""
    return Source(module, module.replace(".", "/") + ".py", ast.parse(code))


def is_package(source: Source) -> bool:
    return source.path.endswith("__init__.py")


def imports(source: Source, known: set[str]) -> set[str]:
    """The project modules `source` imports anywhere in the file (the longest known name
    each import statement reaches: `from bot.store import films` is `bot.store.films`)."""
    found: set[str] = set()
    package = source.module if is_package(source) else source.module.rpartition(".")[0]
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Import):
            wanted = [[alias.name] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from bot.store import films` is the module bot.store.films when there is
            # one, else a name defined in bot.store.
            wanted = [[f"{base}.{alias.name}", base] for alias in node.names]
        else:
            continue
        for options in wanted:
            for name in options:
                while name and name not in known:
                    name = name.rpartition(".")[0]
                if name:
                    if name != source.module:
                        found.add(name)
                    break
    return found


def part_of(module: str) -> str | None:
    """The part a module belongs to; None for a module no part names. The package `bot`
    itself is base; its other modules each belong to the part that names them."""
    name = module
    while name and name != "bot":
        if name in LAYERS:
            return "base" if name in BASE else name
        name = name.rpartition(".")[0]
    return "base" if module == "bot" else None


def graph(found: list[Source]) -> dict[str, set[str]]:
    known = {s.module for s in found}
    return {s.module: imports(s, known) for s in found}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one file (Tarjan), and files importing
    themselves, each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def in_parts(module: str, parts: tuple[str, ...]) -> bool:
    """`module` is one of `parts` or inside one of them."""
    return any(module == p or module.startswith(p + ".") for p in parts)


def package_imports_ok(module: str, target: str) -> bool:
    """A package's `__init__` may import its own modules; a module may import the
    package it sits in only through its own modules (checked as files below)."""
    return target.startswith(module + ".") or module.startswith(target + ".")


def layer_violations(found: list[Source]) -> list[str]:
    problems = []
    for source in found:
        part = part_of(source.module)
        if part is None:
            problems.append(f"{source.path}: in no layer (add it to LAYERS)")
            continue
        allowed = LAYERS[source.module if source.module in LAYERS else part] | {part}
        known = {s.module for s in found}
        for target in sorted(imports(source, known)):
            if package_imports_ok(source.module, target):
                continue
            their = part_of(target)
            if their is not None and their not in allowed:
                problems.append(
                    f"{source.path}: {source.module} ({part}) imports {target} ({their})"
                )
    return problems


def absolute_imports(source: Source) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names imported from it) for each absolute import in the file."""
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield node.lineno, node.module or "", [alias.name for alias in node.names]


def platform_violations(found: list[Source]) -> list[str]:
    return [
        f"{source.path}:{line} imports {module}"
        for source in found
        if not in_parts(source.module, PLATFORM_PARTS)
        for line, module, _ in absolute_imports(source)
        if module.split(".")[0] in PLATFORM_LIBRARIES
    ]


def _strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            yield node.lineno, text


def sql_violations(found: list[Source]) -> list[str]:
    problems = []
    for source in found:
        if in_parts(source.module, (SQL_PART,)):
            continue
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(source.tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        # The pieces of an f-string are read with it, not again on their own.
        docstrings |= {
            id(piece)
            for node in ast.walk(source.tree)
            if isinstance(node, ast.JoinedStr)
            for piece in node.values
        }
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Constant) and id(node) in docstrings:
                continue
            if isinstance(node, ast.Constant | ast.JoinedStr):
                for line, text in _strings(node):
                    if SQL.match(text):
                        problems.append(f"{source.path}:{line}: SQL {text.strip()[:40]!r}")
                        break
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                problems.append(f"{source.path}:{node.lineno}: .{node.func.attr}(…) call")
            elif isinstance(node, ast.Attribute) and node.attr in {"conn", "_conn"}:
                problems.append(f"{source.path}:{node.lineno}: reaches .{node.attr}")
    return problems


# Where platform limits (DISCORD_*, MATRIX_* in bot.constants) may be used: the parts that
# know the platforms. The core, search and store take limits from their callers.
PLATFORM_LIMIT_PARTS = ("bot.adapters", "bot.render", "cogs", "bot.config", "bot.constants")


def platform_limit_violations(found: list[Source]) -> list[str]:
    return [
        f"{source.path}:{line} imports {name}"
        for source in found
        if not in_parts(source.module, PLATFORM_LIMIT_PARTS)
        for line, module, names in absolute_imports(source)
        if module == "bot.constants"
        for name in names
        if name.startswith(("DISCORD_", "MATRIX_"))
    ]


# --- the project as it is ----------------------------------------------------------


@pytest.fixture(scope="module")
def project() -> list[Source]:
    return sources()


def test_every_file_is_read(project: list[Source]) -> None:
    modules = {s.module for s in project}
    assert {"bot.store.db", "bot.core.engine", "bot.adapters.discord_bot", "cogs.films"} <= modules


def test_no_sql_outside_the_store(project: list[Source]) -> None:
    assert sql_violations(project) == []


def test_platform_libraries_only_in_adapters_and_cogs(project: list[Source]) -> None:
    assert platform_violations(project) == []


def test_platform_limits_only_where_platforms_are_known(project: list[Source]) -> None:
    assert platform_limit_violations(project) == []


def test_no_import_cycles(project: list[Source]) -> None:
    assert cycles(graph(project)) == []


def test_layers(project: list[Source]) -> None:
    assert layer_violations(project) == []


def test_the_store_imports_only_the_base(project: list[Source]) -> None:
    known = {s.module for s in project}
    for source in project:
        if part_of(source.module) == "bot.store":
            assert {part_of(t) for t in imports(source, known)} <= {"base", "bot.store"}


# --- each rule fails on a deliberate violation ---------------------------------------


def test_sql_rule_catches_a_query_outside_the_store() -> None:
    bad = parse("bot.core.answers.films", 'Q = "SELECT id FROM films WHERE title = ?"\n')
    fstring = parse("bot.importers.catalog", 'def f(t):\n    return f"DELETE FROM {t}"\n')
    call = parse("bot.announce.planner", "async def f(db):\n    await db.execute(x)\n")
    private = parse("bot.core.engine", "async def f(tx):\n    await tx._fetchall(Q)\n")
    reach = parse("bot.search.service", "def f(db):\n    return db.conn.total_changes\n")
    store = parse("bot.store.films", 'Q = "SELECT id FROM films"\n')
    prose = parse("bot.core.x", '"""Select the film from the list."""\nX = "update the card"\n')
    assert len(sql_violations([bad])) == 1
    assert len(sql_violations([fstring])) == 1
    assert len(sql_violations([call])) == 1
    assert len(sql_violations([private])) == 1
    assert len(sql_violations([reach])) == 1
    assert sql_violations([store, prose]) == []


def test_platform_rule_catches_discord_in_the_core() -> None:
    core = parse("bot.core.engine", "import discord\nfrom nio import AsyncClient\n")
    adapter = parse("bot.adapters.discord_bot", "import discord\n")
    assert len(platform_violations([core])) == 2
    assert platform_violations([adapter]) == []


def test_cycle_rule_catches_a_loop_even_inside_a_function() -> None:
    a = parse("bot.core.a", "from bot.core import b\n")
    b = parse("bot.core.b", "def f():\n    from bot.core.a import x\n")
    c = parse(
        "bot.core.c", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import bot.core.a\n"
    )
    assert cycles(graph([a, b, c])) == [["bot.core.a", "bot.core.b"]]
    assert cycles(graph([a, c])) == []


def test_a_module_in_no_layer_is_reported() -> None:
    stray = parse("bot.newthing", "X = 1\n")
    assert layer_violations([stray]) == ["bot/newthing.py: in no layer (add it to LAYERS)"]


def test_layer_rule_catches_an_upward_import() -> None:
    store = parse("bot.store.announcements", "from bot.announce.filters import Filters\n")
    announce = parse("bot.announce.filters", "X = 1\n")
    core = parse("bot.core.engine", "from bot.render import text\n")
    render = parse("bot.render.text", "from bot.cards import Reply\n")
    cards = parse("bot.cards", "X = 1\n")
    problems = layer_violations([store, announce, core, render, cards])
    assert problems == [
        "bot/store/announcements.py: bot.store.announcements (bot.store) imports "
        "bot.announce.filters (bot.announce)",
        "bot/core/engine.py: bot.core.engine (bot.core) imports bot.render.text (bot.render)",
    ]


def test_limit_rule_catches_a_discord_limit_in_search() -> None:
    search = parse(
        "bot.search.titles", "from bot.constants import DISCORD_AUTOCOMPLETE_MAX_CHOICES\n"
    )
    render = parse("bot.render.discord", "from bot.constants import DISCORD_EMBEDS_TOTAL_MAX\n")
    neutral = parse("bot.search.people", "from bot.constants import SUGGESTIONS_MAX\n")
    assert len(platform_limit_violations([search])) == 1
    assert platform_limit_violations([render, neutral]) == []
