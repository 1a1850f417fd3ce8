"""The bench's media part (issue 17) on a small image: its accounting, not its figures."""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import QUICK, output_name, run
from bench.media import MediaResult, markdown, measure_media, targets

from pressroom.local.embedded import find_template
from pressroom.local.template import Template


def test_given_a_small_jpeg_when_measured_in_child_processes_then_each_run_reports_its_own_peak():
    result = measure_media(900, 600, runs=2)
    assert isinstance(result, MediaResult) and len(result.runs) == 2
    # The limits are those of the tightest function that processes images
    functions = [
        f
        for f in Template(find_template()).functions()
        if f.logical_id in ("IngestFunction", "RebuildFunction")
    ]
    assert len(functions) == 2
    assert (result.memory_limit_mb, result.timeout_seconds) == (
        min(f.memory_mb for f in functions),
        min(f.timeout_seconds for f in functions),
    )
    for figures in result.runs:
        assert 0 < figures.seconds < 60
        # The child's own peak: above its imports, far below the bench process it came from.
        assert 0 < figures.baseline_rss_mb < figures.peak_rss_mb < 1_000
        # Orientation 6: 900 × 600 stored is 600 wide shown, so 480 and 600, never upscaled.
        assert figures.widths == (480, 600) and figures.og_width == 600
        assert figures.outputs == 5 and figures.output_bytes > 0
    assert result.median("seconds") >= result.minimum("seconds")
    assert [held for _, _, held in targets(result)] == [True, True, True]
    table = markdown(result)
    assert "900 × 600 JPEG" in table and "| Measure | Median | Min | Max |" in table


def test_given_only_media_then_its_file_is_named_after_it_with_its_targets(
    tmp_path: Path, monkeypatch
):
    assert output_name(["media"]) == "media-only"
    monkeypatch.setitem(QUICK, "media_size", (320, 240))
    monkeypatch.setitem(QUICK, "media_runs", 1)
    results = run("quick", tmp_path, {"media"}, name="media-only")
    assert results.media is not None and len(results.media.runs) == 1
    written = (tmp_path / "media-only.md").read_text()
    assert "processed within the memory of IngestFunction and RebuildFunction" in written
    assert "### Media: one 320 × 240 JPEG" in written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media-only.md"]
