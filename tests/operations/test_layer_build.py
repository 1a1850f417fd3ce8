"""The Lambda layer `sam build` makes (layers/pressroom/Makefile, target build-PressroomLayer)
holds what the functions import and nothing else: no command line, no local emulation, none of
their libraries; and every function imports and makes its handler from the layer alone.

The build downloads the runtime dependencies' Lambda (arm64) wheels from the package index
(about a minute and a half), so it is marked slow and runs once for the module."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAYER_MAKEFILE = REPO / "layers" / "pressroom" / "Makefile"
FUNCTIONS = sorted((REPO / "functions").glob("*/app.py"))
# What the CLI and the local emulation use; never in the layer (top-level names in site-packages).
TOOL_PACKAGES = {"click", "tqdm", "moto", "boto3", "s3transfer", "werkzeug", "responses"}

pytestmark = pytest.mark.slow

# In a bare interpreter (-I -S: no site-packages, no environment) whose path is the layer's
# python/ folder, as Lambda puts it, and the function's code: import each handler module, make
# its handler from collaborators built on the layer alone, and list what was loaded.
_FROM_THE_LAYER = """
import importlib.util, json, sys
layer = sys.argv[1]
sys.path[:0] = [layer]
from aws_lambda_powertools import Logger, Metrics
from pressroom.pipeline import Pipeline
from pressroom.settings import Settings
made = []
for path in sys.argv[2:]:
    name = path.split("/")[-2]
    spec = importlib.util.spec_from_file_location(name + ".app", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pipeline = Pipeline(Settings("content", "ingest", "site"))
    handler = module.make_handler(pipeline, Logger(service="layer"), Metrics(namespace="Layer"))
    made.append(name if callable(handler) else None)
outside = sorted(
    name for name, m in sys.modules.items()
    if getattr(m, "__file__", None) and not m.__file__.startswith((layer, sys.base_prefix))
    and "/functions/" not in m.__file__
)
print(json.dumps({"made": made, "outside": outside, "modules": sorted(sys.modules)}))
"""


def lambda_python() -> str:
    """Lambda's Python (3.13) when this machine has one, else the test's own interpreter."""
    found = shutil.which("python3.13")
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    return sys.executable


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """GIVEN the layer built as `sam build` builds it (its scratch copy of the ContentUri as
    the working directory), without bytecode (compiling is not what is tested here)."""
    scratch = tmp_path_factory.mktemp("layer-scratch")
    shutil.copytree(REPO / "layers" / "pressroom", scratch, dirs_exist_ok=True)
    artifacts = tmp_path_factory.mktemp("PressroomLayer")
    done = subprocess.run(
        [
            "make",
            "--makefile",
            str(LAYER_MAKEFILE),
            "build-PressroomLayer",
            f"ARTIFACTS_DIR={artifacts}",
            f"PYTHON={sys.executable}",
            "BYTECODE_PYTHON=",
        ],
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    yield artifacts / "python"


def test_the_layer_ships_the_core_without_the_cli_or_the_local_emulation(layer: Path):
    package = layer / "pressroom"

    assert (package / "ports.py").is_file()
    assert (package / "publishing" / "ingest.py").is_file()
    assert (package / "render" / "templates").is_dir()
    assert not (package / "local").exists()
    assert not (package / "cli.py").exists()
    assert not (package / "operations.py").exists()
    assert not list(layer.glob("pressroom-*.dist-info/entry_points.txt"))  # no `pressroom` script


def test_the_layer_holds_none_of_the_tools_libraries(layer: Path):
    installed = {re.split(r"[-.]", path.name)[0].lower() for path in layer.iterdir()}

    assert installed & TOOL_PACKAGES == set()
    assert {"botocore", "aws_lambda_powertools", "jinja2"} <= installed


def test_every_function_makes_its_handler_from_the_layer_alone(layer: Path):
    # WHEN a bare interpreter with only the layer on its path imports every handler module
    done = subprocess.run(
        [lambda_python(), "-I", "-S", "-c", _FROM_THE_LAYER, str(layer), *map(str, FUNCTIONS)],
        capture_output=True,
        text=True,
        cwd=layer,
        env={"PATH": os.environ.get("PATH", "")},
        timeout=120,
    )

    # THEN each made its handler, from nothing outside the layer and the standard library
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout)
    assert loaded["made"] == [path.parent.name for path in FUNCTIONS]
    assert loaded["outside"] == []
    assert not [m for m in loaded["modules"] if m.split(".")[0] in TOOL_PACKAGES]
