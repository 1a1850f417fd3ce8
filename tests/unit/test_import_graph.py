"""The package's dependencies point one way (DESIGN.md, "Code shape"; README, "Code layout").

Every import of every module under layers/pressroom/pressroom and functions/ is read with `ast`:
those at the top, those inside functions and those under `TYPE_CHECKING` alike, since a cycle
dodged by a late or a type-only import is still a cycle in the design. From them: no cycles; each
module imports only from its own layer or the layers below; the core never imports an adapter
or the wiring; what the Lambda layer ships never imports the CLI, the local emulation or their
libraries; and the layer's runtime dependencies are exactly what that code imports.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "layers" / "pressroom"
FUNCTIONS = REPO / "functions"

# Bottom to top. A module may import from its own layer and the layers below it, never above.
# Every module must be placed (a new module fails `test_every_module_has_a_layer` until it is).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "values",  # the domain model, the catalog, settings, paths: plain values, no I/O
        (
            "pressroom",
            "pressroom.clock",
            "pressroom.errors",
            "pressroom.languages",
            "pressroom.media.image_settings",  # part of the settings object
            "pressroom.model",
            "pressroom.parallel",
            "pressroom.paths",
            "pressroom.publishing",
            "pressroom.publishing.archive",
            "pressroom.publishing.cache_policy",
            "pressroom.publishing.catalog",
            "pressroom.redirects",
            "pressroom.search_records",
            "pressroom.settings",
            "pressroom.sources",
            "pressroom.table_layout",
        ),
    ),
    (
        "pure",  # reading, rendering, media and planning: values in, values out
        (
            "pressroom.media*",
            "pressroom.publishing.asset_refs",
            "pressroom.publishing.listing_pages",  # one listing render, as a value
            "pressroom.publishing.rebuild_queue",
            "pressroom.publishing.schedule",  # when an article goes live or expires: a decision
            "pressroom.publishing.site_writer",
            "pressroom.readers*",
            "pressroom.render*",
        ),
    ),
    ("ports", ("pressroom.ports",)),  # the interfaces the core needs from the outside
    (
        # Two sides of one layer, which never import each other: the domain functions use the
        # ports, the adapters implement them.
        "domain | adapters",
        (
            "pressroom.publishing.assets",
            "pressroom.publishing.ingest",
            "pressroom.publishing.invalidation",
            "pressroom.publishing.listings",
            "pressroom.publishing.rebuild",
            "pressroom.publishing.search",
            "pressroom.adapters*",
        ),
    ),
    ("wiring", ("pressroom.pipeline",)),  # builds the adapters for the functions
    ("handlers", ("functions.*",)),  # functions/<name>/app.py
    # Not in the Lambda layer: the operator commands, the local emulation, the command line.
    ("operations", ("pressroom.operations",)),
    ("local", ("pressroom.local*",)),
    ("cli", ("pressroom.cli",)),
]
DOMAIN = ("pressroom.publishing.",)
ADAPTERS = ("pressroom.adapters",)
# What `sam build` leaves out of the layer (layers/pressroom/Makefile, LAYER_EXCLUDES).
NOT_SHIPPED = ("pressroom.operations", "pressroom.local", "pressroom.cli")
# Libraries only those use: none may be imported by what the layer ships.
TOOL_LIBRARIES = {"click", "tqdm", "moto", "boto3", "werkzeug"}

# The only imports of pressroom modules inside functions in what the layer ships. Each is there
# to keep a cold start from loading what the function's first event may not need (the figures
# are bench/coldstart.py's; tests/unit/test_cold_imports.py holds them), never to dodge a cycle:
# they are edges of the graph like any other, so a cycle through one still fails.
LATE_IMPORTS = {
    ("pressroom.adapters.aws", "pressroom.adapters.botocore_data"): "botocore's service models",
    ("pressroom.errors", "pressroom.model"): "the models and slugify, once a file is rejected",
    ("pressroom.pipeline", "pressroom.adapters.buckets"): "each adapter when first used",
    ("pressroom.pipeline", "pressroom.adapters.cdn"): "each adapter when first used",
    ("pressroom.pipeline", "pressroom.adapters.content_store"): "each adapter when first used",
    ("pressroom.pipeline", "pressroom.adapters.queues"): "each adapter when first used",
    ("pressroom.pipeline", "pressroom.adapters.scheduler"): "each adapter when first used",
    ("pressroom.pipeline", "pressroom.publishing.cache_policy"): "the site writer when first used",
    ("pressroom.pipeline", "pressroom.publishing.site_writer"): "the site writer when first used",
    ("pressroom.pipeline", "pressroom.render"): "Jinja2 and the theme, once something renders",
    ("pressroom.publishing.asset_refs", "pressroom.media.images"): "Pillow, to show an image",
    ("pressroom.publishing.asset_refs", "pressroom.media.srcset"): "Pillow, to show an image",
    ("pressroom.publishing.ingest", "pressroom.publishing.assets"): "Pillow, to sync an asset",
    ("pressroom.publishing.ingest", "pressroom.render"): "Jinja2, once something renders",
    ("pressroom.publishing.rebuild", "pressroom.publishing.listings"): (
        "the listing renderer and Jinja2, once a message renders an index"
    ),
    ("pressroom.readers", "pressroom.readers.article"): "the parsers, with the first file read",
    ("pressroom.readers", "pressroom.readers.jekyll_liquid"): "the includes, the same",
    ("pressroom.readers.jekyll_liquid", "pressroom.readers.liquid_sandbox"): (
        "python-liquid, once a post uses Liquid"
    ),
    ("pressroom.readers", "pressroom.readers.sanitize"): "nh3, the same",
    ("pressroom.render", "pressroom.render.feeds"): "feedgen and lxml, once a feed renders",
}
# Packages that import their own submodules by name (`import_module(f"{__name__}.x")`) so that
# a reader or Pillow loads on first use: each may import any of its submodules.
DYNAMIC_SUBMODULES = {"pressroom.media", "pressroom.readers"}


@dataclass(frozen=True)
class Import:
    target: str  # a module of the graph, or a third-party top-level package
    late: bool  # inside a function
    by_name: bool = False  # one of a registry's submodules (`DYNAMIC_SUBMODULES`)
    type_only: bool = False  # under `if TYPE_CHECKING:` (never imported at run time)


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    imports: list[Import] = field(default_factory=list)
    dynamic: bool = False  # calls importlib.import_module


def _module_name(path: Path) -> tuple[str, bool]:
    if path.is_relative_to(FUNCTIONS):
        return "functions." + path.parent.name, False
    parts = list(path.relative_to(SOURCES).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


@cache
def graph() -> dict[str, Module]:
    files = sorted(SOURCES.joinpath("pressroom").rglob("*.py"))
    files += sorted(FUNCTIONS.glob("*/app.py"))
    modules = {}
    for path in files:
        name, is_package = _module_name(path)
        modules[name] = Module(name, path, is_package)
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
        late = {
            id(node)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            for node in ast.walk(function)
        }
        type_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
            for statement in block.body
            for node in ast.walk(statement)
        }
        for node in ast.walk(tree):
            for target in _targets(node, module, modules):
                module.imports.append(
                    Import(target, id(node) in late, type_only=id(node) in type_only)
                )
            if (isinstance(node, ast.Name) and node.id == "import_module") or (
                isinstance(node, ast.Attribute) and node.attr == "import_module"
            ):
                module.dynamic = True
    for name in DYNAMIC_SUBMODULES:
        submodules = [other for other in modules if other.rpartition(".")[0] == name]
        modules[name].imports += [Import(other, True, by_name=True) for other in submodules]
    return modules


def _targets(node: ast.AST, module: Module, modules: dict[str, Module]) -> list[str]:
    """The modules of the graph (or third-party top-level packages) an import statement names."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module.name.split(".")
            if not module.is_package:
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, *([node.module] if node.module else [])])
        # `from package import submodule` imports the submodule
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in node.names
        ]
    else:
        return []
    found = []
    for name in names:
        if name.split(".")[0] not in ("pressroom", "functions"):
            found.append(name.split(".")[0])
            continue
        while name not in modules and "." in name:
            name = name.rpartition(".")[0]
        if name != module.name:
            found.append(name)
    return found


def layer_of(name: str) -> int | None:
    for rank, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            if pattern.endswith("*"):
                stem = pattern.rstrip("*").rstrip(".")
                if name == stem or name.startswith(stem + "."):
                    return rank
            elif name == pattern:
                return rank
    return None


def internal(module: Module) -> list[Import]:
    return [i for i in module.imports if i.target in graph()]


def shipped(name: str) -> bool:
    return not any(name == n or name.startswith(n + ".") for n in NOT_SHIPPED)


def test_every_module_has_a_layer():
    assert [name for name in graph() if layer_of(name) is None] == []


def test_given_every_import_when_the_graph_is_walked_then_it_has_no_cycle():
    modules = graph()
    edges = {name: sorted({i.target for i in internal(module)}) for name, module in modules.items()}

    cycles = _strongly_connected(edges)

    assert cycles == []


def test_given_the_layers_then_every_import_points_down_or_across():
    upward = [
        f"{name} ({LAYERS[layer_of(name)][0]}) imports {i.target} ({LAYERS[layer_of(i.target)][0]})"
        for name, module in graph().items()
        for i in internal(module)
        if layer_of(i.target) > layer_of(name)  # type: ignore[operator]
    ]

    assert upward == []


def test_the_domain_and_the_adapters_never_import_each_other():
    crossing = [
        f"{name} imports {i.target}"
        for name, module in graph().items()
        for i in internal(module)
        if (name.startswith(DOMAIN) and i.target.startswith(ADAPTERS) and layer_of(name) == 3)
        or (name.startswith(ADAPTERS) and i.target.startswith(DOMAIN) and layer_of(i.target) == 3)
    ]

    assert crossing == []


def test_what_the_layer_ships_imports_no_tool_and_no_tool_library():
    reaching = [
        f"{name} imports {i.target}"
        for name, module in graph().items()
        if shipped(name)
        for i in module.imports
        if i.target in TOOL_LIBRARIES or (i.target in graph() and not shipped(i.target))
    ]

    assert reaching == []


def test_what_the_layer_ships_imports_pressroom_modules_late_only_where_listed():
    late = {
        (name, i.target)
        for name, module in graph().items()
        if shipped(name)
        for i in module.imports
        if i.late and not i.by_name and i.target in graph()
    }

    assert late - set(LATE_IMPORTS) == set()  # a new late import: say why, or import it on top
    assert set(LATE_IMPORTS) - late == set()  # gone: take it off the list


def test_only_the_registries_import_by_name():
    assert {name for name, module in graph().items() if module.dynamic and shipped(name)} == (
        DYNAMIC_SUBMODULES
    )


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_canonical(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requirements}  # type: ignore[union-attr]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_runtime_dependencies_are_exactly_what_the_shipped_code_imports():
    """pyproject's `dependencies` are what the layer installs: each must be imported by code the
    layer ships, and everything that code imports must be one of them (the CLI's and the local
    emulation's libraries are extras)."""
    declared = _requirement_names(
        tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    )
    distributions = packages_distributions()
    imported: dict[str, set[str]] = {}
    for name, module in graph().items():
        if not shipped(name):
            continue
        for i in module.imports:
            if i.target in graph() or i.target in sys.stdlib_module_names or i.type_only:
                continue  # type-only: the stubs (boto3-stubs) are a development dependency
            for distribution in distributions.get(i.target, [i.target]):
                imported.setdefault(_canonical(distribution), set()).add(name)
    assert set(imported) - declared == set(), "imported by the layer's code, not a dependency"
    assert declared - set(imported) == set(), "a dependency no code of the layer imports"


def _strongly_connected(edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of two or more modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in edges.get(node, []):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import pressroom.model\n", ["pressroom.model"]),
        ("from pressroom import model\n", ["pressroom.model"]),
        ("from . import model\n", ["pressroom.model"]),
        ("from .publishing.catalog import Card\n", ["pressroom.publishing.catalog"]),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import click\n",
            ["typing", "click"],
        ),
        ("def f():\n    from pressroom.local import up\n", ["pressroom.local.up"]),
    ],
)
def test_given_an_import_statement_when_read_then_its_module_is_found(source: str, expected):
    """The reader itself: a graph that missed an import form would pass anything."""
    module = Module("pressroom.settings", SOURCES / "pressroom" / "settings.py", False)
    found = [
        target for node in ast.walk(ast.parse(source)) for target in _targets(node, module, graph())
    ]

    assert found == expected


def test_what_the_layer_build_leaves_out_is_what_this_test_calls_not_shipped():
    makefile = (SOURCES / "Makefile").read_text()
    [excludes] = re.findall(r"^LAYER_EXCLUDES := (.*)$", makefile, re.MULTILINE)

    left_out = {path.removesuffix(".py").replace("/", ".") for path in excludes.split()}

    assert left_out == set(NOT_SHIPPED)
