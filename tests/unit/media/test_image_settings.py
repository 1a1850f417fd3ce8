"""Image settings: read from the environment (the template's parameters), validated, and
fingerprinted so that a rebuild knows which images were made otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.local.template import Template
from pressroom.media import ImageSettings
from pressroom.settings import Settings

REPO = Path(__file__).resolve().parents[3]
BASE = {"CONTENT_TABLE": "t", "INGEST_BUCKET": "i", "SITE_BUCKET": "s"}


def test_given_image_variables_when_settings_are_read_then_images_are_processed_so():
    settings = Settings.from_env(
        {**BASE, "IMAGE_WIDTHS": "800, 400", "IMAGE_WEBP_QUALITY": "60", "IMAGE_JPEG_QUALITY": "70"}
    )
    assert settings.images == ImageSettings(widths=(400, 800), webp_quality=60, jpeg_quality=70)
    assert Settings.from_env(BASE).images == ImageSettings()


@pytest.mark.parametrize(
    "variables",
    [
        {"IMAGE_WIDTHS": "0,400"},
        {"IMAGE_WIDTHS": "wide"},
        {"IMAGE_WEBP_QUALITY": "101"},
        {"IMAGE_JPEG_QUALITY": "0"},
        {"IMAGE_JPEG_QUALITY": "high"},
    ],
)
def test_given_an_impossible_image_setting_then_reading_the_settings_says_which(variables):
    [name] = variables
    words = name.removeprefix("IMAGE_").lower().split("_")
    with pytest.raises(ValueError, match=rf"(?i)({name}|{words[-1]})"):
        Settings.from_env({**BASE, **variables})


def test_given_settings_then_only_what_shapes_the_files_changes_the_fingerprint():
    default = ImageSettings().fingerprint
    assert ImageSettings().fingerprint == default  # stable across instances (and processes)
    assert ImageSettings(widths=(320, 640)).fingerprint != default
    assert ImageSettings(webp_quality=70).fingerprint != default
    assert ImageSettings(jpeg_quality=70).fingerprint != default
    assert ImageSettings(og_width=1000).fingerprint != default
    # A limit decides which uploads are accepted, not how accepted ones look
    assert ImageSettings(max_pixels=10_000_000).fingerprint == default


def test_given_the_templates_image_parameters_then_their_defaults_are_the_settings():
    template = Template(REPO / "template.yaml")
    parameters = template.doc["Parameters"]
    environment = template.doc["Globals"]["Function"]["Environment"]["Variables"]
    defaults = ImageSettings()

    widths = tuple(int(w) for w in parameters["ImageWidths"]["Default"].split(","))
    assert widths == defaults.widths
    assert parameters["ImageWebpQuality"]["Default"] == defaults.webp_quality
    assert parameters["ImageJpegQuality"]["Default"] == defaults.jpeg_quality
    assert set(environment) >= {"IMAGE_WIDTHS", "IMAGE_WEBP_QUALITY", "IMAGE_JPEG_QUALITY"}
