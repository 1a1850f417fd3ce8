"""`make help` documents the workflow with the values a run would use, not placeholders."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pressroom.cli import DEFAULT_PORT, DEFAULT_SITE_PORT

REPO = Path(__file__).resolve().parents[2]


def make_help(*variables: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), "help", *variables],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def test_given_make_help_then_it_shows_the_cli_defaults_and_no_placeholders():
    text = make_help()

    assert "$(" not in text
    assert f"Serve _site/ on http://127.0.0.1:{DEFAULT_SITE_PORT}/" in text
    assert f"AWS endpoint http://127.0.0.1:{DEFAULT_PORT}," in text
    assert "Build samples/articles into _site/" in text
    assert (REPO / "samples" / "articles").is_dir()


def test_given_variables_on_the_command_line_then_make_help_shows_them():
    text = make_help("PORT=9000", "SITE=public")

    assert "Serve public/ on http://127.0.0.1:9000/" in text
