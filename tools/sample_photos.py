"""Draws the photographs of the sample articles (`samples/articles/images/`).

    .venv/bin/python tools/sample_photos.py [OUT_DIR]

Every picture is made here, from shapes and gradients with Pillow, for this project: no camera,
no stock library, no model, so the images are free to ship under the project's own licence. Each
is a 1800 × 1200 JPEG (3:2, the cards' thumbnail shape) of at most 300 KB, with no metadata.
Scenes are seeded, so running the script again draws the same pictures (the bytes may differ
with another Pillow or libjpeg). `make demo` publishes them with the samples: the pipeline makes
their responsive renditions, `og:image` and thumbnails like any upload.
"""

from __future__ import annotations

import itertools
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1800, 1200
SCALE = 2  # drawn at twice the size, then reduced: smooth edges without per-shape antialiasing
MAX_BYTES = 300_000
OUT = Path(__file__).resolve().parents[1] / "samples" / "articles" / "images"

Colour = tuple[int, int, int]


def mix(a: Colour, b: Colour, t: float) -> Colour:
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def vertical_gradient(size: tuple[int, int], stops: list[tuple[float, Colour]]) -> Image.Image:
    """A top-to-bottom gradient through `stops` (position 0..1, colour)."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        at = y / max(1, height - 1)
        for (p0, c0), (p1, c1) in itertools.pairwise(stops):
            if p0 <= at <= p1:
                draw.line([(0, y), (width, y)], fill=mix(c0, c1, (at - p0) / (p1 - p0 or 1)))
                break
    return image


def ridge(
    rng: random.Random, width: int, base: float, amplitude: float, waves: int
) -> list[tuple[float, float]]:
    """A hill line across the picture: a sum of a few sine waves with random phases."""
    phases = [(rng.uniform(0, math.tau), rng.uniform(0.5, 1.0)) for _ in range(waves)]
    points = []
    for x in range(0, width + 1, 8):
        y = base
        for n, (phase, weight) in enumerate(phases, start=1):
            y += amplitude * weight / n * math.sin(x / width * math.tau * n * 0.8 + phase)
        points.append((x, y))
    return points


def glow(image: Image.Image, centre: tuple[int, int], radius: int, colour: Colour) -> None:
    """A soft disc of light (a sun, the moon) screened onto `image`."""
    layer = Image.new("RGB", image.size, (0, 0, 0))
    ImageDraw.Draw(layer).ellipse(
        [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
        fill=colour,
    )
    image.paste(ImageChops.screen(image, layer.filter(ImageFilter.GaussianBlur(radius * 0.6))))
    ImageDraw.Draw(image).ellipse(
        [
            centre[0] - radius * 0.6,
            centre[1] - radius * 0.6,
            centre[0] + radius * 0.6,
            centre[1] + radius * 0.6,
        ],
        fill=mix(colour, (255, 255, 255), 0.4),
    )


# --- scenes -------------------------------------------------------------------------------------


def rooftops_at_sunrise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Morning over a small town: a warm sky, a low sun, hills and a row of roofs and chimneys."""
    w, h = size
    image = vertical_gradient(
        size,
        [
            (0.0, (38, 62, 112)),
            (0.45, (232, 150, 120)),
            (0.62, (252, 208, 140)),
            (1.0, (250, 225, 170)),
        ],
    )
    glow(image, (int(w * 0.68), int(h * 0.58)), int(h * 0.09), (255, 236, 190))
    draw = ImageDraw.Draw(image)
    for depth, (base, colour) in enumerate([(0.62, (150, 110, 130)), (0.70, (105, 80, 105))]):
        line = ridge(rng, w, h * base, h * 0.05 / (depth + 1), 4)
        draw.polygon([*line, (w, h), (0, h)], fill=colour)
    x = 0.0
    while x < w:  # the roofs: gables, chimneys, one spire
        roof_w = rng.uniform(0.06, 0.12) * w
        top = h * rng.uniform(0.70, 0.78)
        eave = top + h * rng.uniform(0.04, 0.07)
        shade = rng.choice([(52, 40, 60), (60, 45, 66), (46, 36, 54)])
        draw.polygon(
            [(x, eave), (x + roof_w / 2, top), (x + roof_w, eave), (x + roof_w, h), (x, h)],
            fill=shade,
        )
        if rng.random() < 0.6:
            cx = x + roof_w * rng.uniform(0.2, 0.7)
            draw.rectangle([cx, top - h * 0.03, cx + w * 0.012, eave], fill=shade)
        if rng.random() < 0.5:
            wx = x + roof_w * 0.3
            draw.rectangle(
                [wx, eave + h * 0.04, wx + w * 0.02, eave + h * 0.075], fill=(250, 200, 120)
            )
        x += roof_w * rng.uniform(0.85, 1.0)
    spire = w * 0.3
    draw.polygon(
        [(spire - w * 0.02, h * 0.72), (spire, h * 0.46), (spire + w * 0.02, h * 0.72)],
        fill=(40, 32, 50),
    )
    draw.rectangle([spire - w * 0.025, h * 0.72, spire + w * 0.025, h], fill=(40, 32, 50))
    return image


def town_at_night(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Election night: a dark sky with stars over a civic hall whose windows are all lit."""
    w, h = size
    image = vertical_gradient(size, [(0.0, (8, 12, 34)), (0.7, (28, 38, 84)), (1.0, (52, 46, 92))])
    draw = ImageDraw.Draw(image)
    for _ in range(260):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h * 0.55), rng.choice([1, 1, 2, 3])
        level = rng.randint(150, 255)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(level, level, min(255, level + 20)))
    glow(image, (int(w * 0.16), int(h * 0.18)), int(h * 0.05), (230, 230, 210))
    draw = ImageDraw.Draw(image)
    hall = (w * 0.22, h * 0.42, w * 0.78, h)
    draw.polygon([(w * 0.18, hall[1]), (w * 0.5, h * 0.28), (w * 0.82, hall[1])], fill=(20, 22, 40))
    draw.rectangle(hall, fill=(26, 28, 50))
    for row in range(5):
        for col in range(9):
            x0 = hall[0] + w * 0.03 + col * w * 0.058
            y0 = hall[1] + h * 0.05 + row * h * 0.1
            lit = rng.random() < 0.85
            colour = mix((255, 196, 92), (255, 232, 170), rng.random()) if lit else (40, 44, 70)
            draw.rectangle([x0, y0, x0 + w * 0.034, y0 + h * 0.065], fill=colour)
    for side in (0, 1):  # neighbouring houses, darker
        x0 = 0 if side == 0 else w * 0.8
        draw.rectangle([x0, h * 0.62, x0 + w * 0.2, h], fill=(14, 16, 30))
    return image.filter(ImageFilter.GaussianBlur(0.6))


def flowing_lines(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A pipeline in the abstract: bands of colour flowing left to right through a few nodes."""
    w, h = size
    image = vertical_gradient(size, [(0.0, (16, 30, 48)), (1.0, (10, 70, 90))])
    draw = ImageDraw.Draw(image)
    nodes = [(w * x, h * (0.5 + rng.uniform(-0.12, 0.12))) for x in (0.18, 0.42, 0.66, 0.88)]
    palette = [(64, 200, 190), (120, 220, 160), (250, 196, 90), (240, 120, 100), (140, 170, 250)]
    for strand in range(34):
        colour = palette[strand % len(palette)]
        offset = rng.uniform(-0.32, 0.32) * h
        points = []
        for step in range(0, 201):
            x = w * step / 200
            # Between two nodes a strand swells out by its offset and is gathered at each node.
            right = next((n for n, node in enumerate(nodes) if node[0] >= x), len(nodes))
            if right == 0 or right == len(nodes):
                node = nodes[0] if right == 0 else nodes[-1]
                spread = min(1.0, abs(x - node[0]) / (w * 0.12))
                y = node[1] + offset * math.sin(spread * math.pi / 2)
            else:
                (x0, y0), (x1, y1) = nodes[right - 1], nodes[right]
                t = (x - x0) / (x1 - x0)
                ease = (1 - math.cos(t * math.pi)) / 2
                y = y0 + (y1 - y0) * ease + offset * math.sin(t * math.pi)
            points.append((x, y + math.sin(step / 14 + strand) * h * 0.006))
        draw.line(
            points, fill=mix(colour, (16, 30, 48), 0.3), width=rng.choice([4, 6, 8]), joint="curve"
        )
    for x, y in nodes:
        r = h * 0.045
        draw.ellipse(
            [x - r, y - r, x + r, y + r], fill=(245, 248, 240), outline=(64, 200, 190), width=10
        )
    return image


def bauhaus(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """An audit in the abstract: bold shapes in high-contrast colours on a paper ground."""
    w = size[0]
    image = Image.new("RGB", size, (244, 238, 226))
    draw = ImageDraw.Draw(image)
    colours = [(20, 24, 32), (212, 56, 44), (30, 88, 170), (240, 186, 40)]
    cell = w / 6
    for row in range(4):
        for col in range(6):
            x0, y0 = col * cell, row * cell
            colour = colours[(row * 7 + col * 3 + rng.randrange(4)) % 4]
            shape = rng.randrange(5)
            box = [x0 + cell * 0.08, y0 + cell * 0.08, x0 + cell * 0.92, y0 + cell * 0.92]
            if shape == 0:
                draw.ellipse(box, fill=colour)
            elif shape == 1:
                draw.rectangle(box, fill=colour)
            elif shape == 2:
                draw.pieslice([x0, y0, x0 + 2 * cell, y0 + 2 * cell], 180, 270, fill=colour)
            elif shape == 3:
                draw.polygon(
                    [(box[0], box[3]), ((box[0] + box[2]) / 2, box[1]), (box[2], box[3])],
                    fill=colour,
                )
            else:
                for n in range(4):
                    y = box[1] + n * cell * 0.22
                    draw.rectangle([box[0], y, box[2], y + cell * 0.1], fill=colour)
    return image


def edge_rings(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A CDN in the abstract: a globe of meridians with rings spreading from a few edge points."""
    w, h = size
    image = vertical_gradient(size, [(0.0, (24, 20, 52)), (1.0, (58, 30, 80))])
    draw = ImageDraw.Draw(image)
    cx, cy, radius = w * 0.5, h * 0.55, h * 0.38
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=(34, 40, 90))
    for n in range(1, 7):
        rx = radius * math.cos(n * math.pi / 14)
        draw.ellipse([cx - rx, cy - radius, cx + rx, cy + radius], outline=(90, 110, 190), width=5)
    for n in range(-3, 4):
        y = cy + radius * n / 4
        half = math.sqrt(max(0.0, radius**2 - (y - cy) ** 2))
        draw.line([(cx - half, y), (cx + half, y)], fill=(90, 110, 190), width=5)
    for _ in range(7):
        angle, dist = rng.uniform(0, math.tau), rng.uniform(0.2, 0.9) * radius
        px, py = cx + math.cos(angle) * dist, cy + math.sin(angle) * dist * 0.9
        for ring in range(1, 6):
            r = ring * h * 0.028
            colour = mix((255, 190, 90), (58, 30, 80), ring / 7)
            draw.ellipse([px - r, py - r, px + r, py + r], outline=colour, width=8)
        draw.ellipse([px - 9, py - 9, px + 9, py + 9], fill=(255, 214, 120))
    return image


def marked_proof(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A proof on the desk: a page of grey text lines, red editing marks and a pencil."""
    w, h = size
    image = vertical_gradient(size, [(0.0, (120, 88, 62)), (1.0, (92, 64, 44))])  # the desk
    draw = ImageDraw.Draw(image)
    page = [w * 0.18, h * 0.08, w * 0.74, h * 1.05]
    draw.rectangle([page[0] + 18, page[1] + 22, page[2] + 18, page[3]], fill=(60, 42, 30))
    draw.rectangle(page, fill=(250, 248, 240))
    y = page[1] + h * 0.08
    draw.rectangle([page[0] + w * 0.05, y, page[0] + w * 0.38, y + h * 0.035], fill=(40, 40, 46))
    y += h * 0.09
    while y < page[3] - h * 0.05:
        length = rng.uniform(0.75, 1.0) if rng.random() > 0.15 else rng.uniform(0.3, 0.6)
        x1 = page[0] + w * 0.05 + (page[2] - page[0] - w * 0.1) * length
        draw.rectangle([page[0] + w * 0.05, y, x1, y + h * 0.012], fill=(150, 150, 158))
        if rng.random() < 0.3:  # a correction: struck through, a caret and a note in the margin
            sx = rng.uniform(page[0] + w * 0.08, x1 - w * 0.1)
            draw.line(
                [(sx, y + h * 0.006), (sx + w * 0.08, y + h * 0.006)], fill=(200, 30, 40), width=5
            )
            draw.line(
                [
                    (sx + w * 0.09, y + h * 0.02),
                    (sx + w * 0.1, y - h * 0.01),
                    (sx + w * 0.11, y + h * 0.02),
                ],
                fill=(200, 30, 40),
                width=4,
            )
            draw.ellipse(
                [page[2] + w * 0.02, y - h * 0.01, page[2] + w * 0.06, y + h * 0.025],
                outline=(200, 30, 40),
                width=5,
            )
        y += h * 0.032
    pencil = [
        (w * 0.70, h * 0.86),
        (w * 0.95, h * 0.46),
        (w * 0.965, h * 0.47),
        (w * 0.715, h * 0.87),
    ]
    draw.polygon(pencil, fill=(236, 180, 40))
    draw.polygon(
        [(w * 0.70, h * 0.86), (w * 0.715, h * 0.87), (w * 0.69, h * 0.90)], fill=(40, 30, 24)
    )
    return image


SCENES: dict[str, Callable[[random.Random, tuple[int, int]], Image.Image]] = {
    "rooftops-at-sunrise": rooftops_at_sunrise,
    "town-hall-at-night": town_at_night,
    "pipeline-abstract": flowing_lines,
    "shapes-in-contrast": bauhaus,
    "edge-rings": edge_rings,
    "marked-proof": marked_proof,
}


def draw_scene(name: str) -> Image.Image:
    rng = random.Random(name)  # noqa: S311  # nosec B311 # a drawing's seed, not a secret
    large = SCENES[name](rng, (WIDTH * SCALE, HEIGHT * SCALE))
    return large.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def save(image: Image.Image, path: Path) -> int:
    """Write a JPEG of at most `MAX_BYTES`, lowering the quality until it fits."""
    for quality in (84, 80, 76, 72, 68, 64):
        path.write_bytes(b"")
        image.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
        if path.stat().st_size <= MAX_BYTES:
            return path.stat().st_size
    raise SystemExit(f"{path.name}: still over {MAX_BYTES:,} bytes at the lowest quality")


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name in SCENES:
        size = save(draw_scene(name), out / f"{name}.jpg")
        print(f"{out / name}.jpg  {size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
