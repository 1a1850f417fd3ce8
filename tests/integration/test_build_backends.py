"""`pressroom build` on the in-process backend makes the very site the real handlers make on
embedded moto: the bundled samples, built both ways with the same settings, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.local.build import Backend, BuildReport, build_site, prepare_output

REPO = Path(__file__).resolve().parents[2]
SETTINGS = {"SITE_URL": "https://news.example", "PAGE_SIZE": "3"}  # 3: the samples paginate


def built(src: Path, out: Path, backend: Backend) -> tuple[BuildReport, dict[str, bytes]]:
    prepare_output(out)
    report = build_site(src, out, backend=backend, overrides=SETTINGS)
    files = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }
    return report, files


@pytest.mark.parametrize("src", ["samples", "tests/fixtures/conventions"])
def test_given_the_samples_when_built_in_process_and_on_moto_then_the_sites_are_identical(
    tmp_path: Path, src: str
):
    # WHEN
    in_process, fast = built(REPO / src, tmp_path / "in-process", "in-process")
    on_moto, slow = built(REPO / src, tmp_path / "moto", "moto")

    # THEN the same files with the same bytes, and the same report
    assert in_process == on_moto
    assert in_process.ok and in_process.published > 0
    assert sorted(fast) == sorted(slow)
    different = [name for name in fast if fast[name] != slow[name]]
    assert different == []
    assert any(name.startswith("tags/") for name in fast)
    if src == "samples":
        assert any("/page/2/" in name for name in fast)  # archives paginate
