"""Media (issue 17): the time and peak memory to process one camera-sized JPEG with
`pressroom.media.process_image`, the way the ingest function will.

The image: 6000 × 4000 (24 megapixels), photo-like content (Gaussian noise over gradients, with
edges; a flat colour would compress to nothing and decode in no time), saved as a quality-90
JPEG with EXIF (GPS, orientation 6), as a phone writes it. It is generated once per run of the
bench, into a temporary file.

Each run is a fresh Python process (`python -m bench.media_child FILE`), so that its peak
resident set is its own: the child imports only `pressroom.media` (and so Pillow), records its
peak RSS so far (the baseline: interpreter and imports), reads the file, processes it, and
reports the wall time of `process_image` and its final peak RSS. The peak is Linux's `VmHWM`,
which counts what Pillow allocates in C (unlike `tracemalloc`). It is not
`getrusage(RUSAGE_SELF/RUSAGE_CHILDREN).ru_maxrss`: Linux carries the high-water mark of the
process that `exec`s into the new program, so a child of this bench process would report at
least the bench's own size (the parent's `RUSAGE_CHILDREN` is printed beside, as that upper
bound). The input bytes are part of the peak, as they are in the function (it holds the object
it read from S3).

The targets come from template.yaml: the peak must fit in the `MemorySize` of each function
that processes images (ingest: uploads; rebuild: every image again after the image settings
change) and the time in its `Timeout` (with room to spare: the time here is on this machine's
CPU, and Lambda gives one full vCPU only at 1,769 MB), and the time each keeps for the image it
starts last (`ingest.ASSET_RESERVE_MS`) must cover the slowest run's CPU time several times over.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

from pressroom.local.embedded import find_template
from pressroom.local.template import Template
from pressroom.publishing.ingest import ASSET_RESERVE_MS

# The functions that process images: uploads (ingest), and re-derivations (rebuild).
FUNCTIONS = ("IngestFunction", "RebuildFunction")
# The time kept for the last image started covers this many of the slowest, in CPU time: what
# it takes on the function's own vCPU (this machine's wall time also counts its other load).
RESERVE_RUNS = 5


@dataclass(frozen=True)
class MediaRun:
    seconds: float  # process_image only, wall time
    cpu_seconds: float  # … its CPU time: what a busy machine inflates less
    peak_rss_mb: float  # the whole process: interpreter, imports, input bytes, processing
    baseline_rss_mb: float  # after imports, before reading the image
    outputs: int
    output_bytes: int
    widths: tuple[int, ...]  # of the WebP (and fallback) outputs
    og_width: int


@dataclass
class MediaResult:
    width: int
    height: int
    input_bytes: int
    memory_limit_mb: int
    timeout_seconds: int
    runs: list[MediaRun] = field(default_factory=list)
    children_peak_mb: float = 0.0  # the parent's RUSAGE_CHILDREN: inflated by exec (see above)

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1e6

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)

    def minimum(self, attribute: str) -> float:
        return min(getattr(run, attribute) for run in self.runs)

    def maximum(self, attribute: str) -> float:
        return max(getattr(run, attribute) for run in self.runs)


def photo_jpeg(width: int, height: int) -> bytes:
    """A photo-like JPEG: noise over two gradients, a few hard edges, camera EXIF."""
    noise = Image.effect_noise((width, height), 48)
    across = Image.linear_gradient("L").rotate(90).resize((width, height))
    down = Image.radial_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        (Image.blend(noise, across, 0.5), Image.blend(noise, down, 0.5), across),
    )
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x = (i * width) // 12
        draw.rectangle((x, height // 3, x + width // 30, 2 * height // 3), fill=(20 * i, 90, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    image.close()
    return buffer.getvalue()


def _limits() -> tuple[int, int]:
    """The least memory and the shortest timeout of the functions that process images."""
    specs = [f for f in Template(find_template()).functions() if f.logical_id in FUNCTIONS]
    assert len(specs) == len(FUNCTIONS), "a function that processes images left the template"
    return min(s.memory_mb for s in specs), min(s.timeout_seconds for s in specs)


def measure_media(width: int = 6000, height: int = 4000, runs: int = 5) -> MediaResult:
    """Process a generated `width` × `height` JPEG `runs` times, each in a fresh process."""
    memory, timeout = _limits()
    data = photo_jpeg(width, height)
    result = MediaResult(width, height, len(data), memory, timeout)
    with tempfile.TemporaryDirectory(prefix="pressroom-media-") as scratch:
        path = Path(scratch) / "photo.jpg"
        path.write_bytes(data)
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-m", "bench.media_child", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            figures["widths"] = tuple(figures["widths"])
            result.runs.append(MediaRun(**figures))
    result.children_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def targets(result: MediaResult) -> list[tuple[str, str, bool]]:
    peak = result.maximum("peak_rss_mb")
    slowest = result.maximum("seconds")
    slowest_cpu = result.maximum("cpu_seconds")
    names = " and ".join(FUNCTIONS)
    return [
        (
            f"a {result.megapixels:.0f}-megapixel JPEG processed within the memory of {names} "
            f"(at least {result.memory_limit_mb:,} MB)",
            f"peak RSS {peak:.0f} MB (worst run)",
            peak <= result.memory_limit_mb,
        ),
        (
            f"… and well within their timeout ({result.timeout_seconds} s): at most a sixth",
            f"{slowest:.2f} s (slowest run)",
            slowest <= result.timeout_seconds / 6,
        ),
        (
            f"… and the time kept for the image started last ({ASSET_RESERVE_MS / 1000:.0f} s) "
            f"covers {RESERVE_RUNS} of the slowest on a vCPU of its own (CPU time)",
            f"{RESERVE_RUNS} × {slowest_cpu:.2f} s = {RESERVE_RUNS * slowest_cpu:.1f} s",
            RESERVE_RUNS * slowest_cpu * 1000 <= ASSET_RESERVE_MS,
        ),
    ]


def markdown(result: MediaResult) -> str:
    rows = [
        ("`process_image` wall time (s)", "seconds", "{:.2f}"),
        ("`process_image` CPU time (s)", "cpu_seconds", "{:.2f}"),
        ("Peak RSS of the process, VmHWM (MB)", "peak_rss_mb", "{:.0f}"),
        ("… of which before processing: interpreter and imports (MB)", "baseline_rss_mb", "{:.0f}"),
    ]
    first = result.runs[0]
    widths = ", ".join(str(w) for w in first.widths)
    lines = [
        f"### Media: one {result.width} × {result.height} JPEG "
        f"({result.megapixels:.0f} megapixels, {result.input_bytes / 1e6:.1f} MB) "
        "through `process_image`",
        "",
        "Photo-like content (noise over gradients) with GPS EXIF and orientation 6, each run in "
        f"a fresh process (`bench/media.py`); {len(result.runs)} runs. Outputs: "
        f"{first.outputs} files, {first.output_bytes / 1e3:,.0f} kB in all (WebP and JPEG "
        f"{widths} pixels wide, a {first.og_width}-pixel og:image JPEG). The peak includes the "
        "input bytes held in memory, as in the function.",
        "",
        "| Measure | Median | Min | Max |",
        "|---|---:|---:|---:|",
    ]
    for label, attribute, number in rows:
        lines.append(
            f"| {label} | {number.format(result.median(attribute))} | "
            f"{number.format(result.minimum(attribute))} | "
            f"{number.format(result.maximum(attribute))} |"
        )
    lines += [
        "",
        "Peak RSS is each child's `VmHWM`. The parent's `getrusage(RUSAGE_CHILDREN).ru_maxrss` "
        f"after the runs, {result.children_peak_mb:.0f} MB, is only an upper bound: Linux counts "
        "in it the bench process's own size at each `exec`.",
        "",
    ]
    return "\n".join(lines)
