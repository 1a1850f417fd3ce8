"""The responsive-image data (`media.srcset.responsive`) a renderer turns into `<picture>`."""

from __future__ import annotations

from pressroom.media import ProcessedImage, Rendition, process_image, responsive
from tests.unit.media.generated import encode, photo


def _url(rendition: Rendition) -> str:
    return f"/assets/2026/{rendition.name}"


def test_given_a_processed_photo_then_the_picture_data_lists_every_width_once_narrowest_first():
    image = process_image("shots/pier.jpg", encode(photo(2000, 1000), "JPEG"))
    assert isinstance(image, ProcessedImage)
    data = responsive(image, _url)

    [webp] = data.sources
    assert webp.type == "image/webp"
    assert webp.srcset == ", ".join(f"{_url(r)} {r.width}w" for r in image.webp)
    assert [part.rsplit(" ", 1)[1] for part in data.srcset.split(", ")] == ["480w", "960w", "1600w"]
    assert all(".jpg " in part for part in data.srcset.split(", "))
    largest = image.fallback[-1]
    assert (data.src, data.width, data.height) == (_url(largest), 1600, 800)
    assert data.sizes == "(max-width: 960px) 100vw, 960px"
    assert (data.og_image, data.og_width, data.og_height) == (_url(image.og), 1200, 600)

    attributes = data.img_attributes(alt="The pier at dusk")
    assert attributes["alt"] == "The pier at dusk"
    assert attributes["width"] == "1600" and attributes["height"] == "800"
    assert attributes["srcset"] == data.srcset and attributes["loading"] == "lazy"


def test_given_a_small_image_and_custom_sizes_then_only_its_own_width_is_offered():
    image = process_image("icon.png", encode(photo(300, 300), "PNG"))
    assert isinstance(image, ProcessedImage)
    data = responsive(image, _url, sizes="300px")
    assert data.srcset == f"{_url(image.fallback[0])} 300w"
    assert (data.width, data.height, data.sizes) == (300, 300, "300px")
