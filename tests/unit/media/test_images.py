"""Raster images (`media.images.process_image`): bombs refused before decoding, orientation
applied, every scrap of metadata gone, widths never upscaled, names content-hashed."""

from __future__ import annotations

import hashlib
import warnings
from io import BytesIO

import pytest
from PIL import Image, ImageCms
from PIL.JpegImagePlugin import JpegImageFile

from pressroom.media import ImageSettings, ProcessedImage, Rendition, process_image
from pressroom.model import Rejection
from pressroom.publishing.cache_policy import CachePolicy
from tests.unit.media.generated import (
    animated_gif,
    camera_jpeg,
    encode,
    exif_with_gps,
    photo,
    png_header,
    srgb_profile,
    transparent,
)


@pytest.fixture(scope="module")
def camera() -> bytes:
    return camera_jpeg(2400, 1600, orientation=6)


@pytest.fixture(scope="module")
def processed(camera: bytes) -> ProcessedImage:
    result = process_image("2026/harbour/Harbour At Dawn.JPG", camera)
    assert isinstance(result, ProcessedImage), result
    return result


def _open(rendition: Rendition) -> Image.Image:
    image = Image.open(BytesIO(rendition.data))
    image.load()
    return image


def _assert_no_metadata(rendition: Rendition) -> None:
    with _open(rendition) as image:
        assert not image.getexif(), rendition.name
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"):
            assert key not in image.info, (rendition.name, key)
    # (Markers long enough not to turn up by chance in compressed noise.)
    for marker in (b"Exif\x00\x00", b"Secret Photographer", b"taken at home", b"Camera Maker"):
        assert marker not in rendition.data, (rendition.name, marker)


def test_given_a_phone_jpeg_then_no_output_keeps_its_exif_gps_xmp_comment_or_profile(processed):
    assert len(processed.renditions) == 7  # 3 WebP, 3 JPEG, 1 og:image
    for rendition in processed.renditions:
        _assert_no_metadata(rendition)


def test_given_orientation_6_then_the_pixels_are_turned_and_the_dimensions_swapped(processed):
    assert (processed.width, processed.height) == (1600, 2400)
    for rendition in processed.renditions:
        with _open(rendition) as image:
            assert image.size == (rendition.width, rendition.height)
            assert rendition.height == round(rendition.width * 1.5)
            # Stored top-left (red) is shown top-right after a quarter turn clockwise; stored
            # top-right (blue) is shown bottom-right.
            rgb = image.convert("RGB")
            w, h = rgb.size
            red = rgb.getpixel((w - 3, 3))
            blue = rgb.getpixel((w - 3, h - 3))
            assert red[0] > 200 and red[2] < 60, (rendition.name, red)
            assert blue[2] > 200 and blue[0] < 60, (rendition.name, blue)


def test_given_a_large_photo_then_widths_webp_and_jpeg_fallback_and_a_1200_og_jpeg(processed):
    assert [r.width for r in processed.webp] == [480, 960, 1600]
    assert [r.width for r in processed.fallback] == [480, 960, 1600]
    assert {(r.format, r.media_type) for r in processed.webp} == {("WEBP", "image/webp")}
    assert {(r.format, r.media_type) for r in processed.fallback} == {("JPEG", "image/jpeg")}
    og = processed.og
    assert (og.format, og.media_type, og.width, og.height) == ("JPEG", "image/jpeg", 1200, 1800)
    for rendition in processed.renditions:
        with _open(rendition) as image:
            assert image.format == rendition.format
        assert rendition.size == len(rendition.data) > 0


def test_given_outputs_then_names_are_content_hashed_readable_and_immutable_by_cache_policy(
    processed, camera
):
    policy = CachePolicy()
    names = [r.name for r in processed.renditions]
    assert len(set(names)) == len(names)
    for rendition in processed.renditions:
        digest = hashlib.sha256(rendition.data).hexdigest()[:12]
        variant = "og" if rendition.role == "og" else str(rendition.width)
        extension = {"WEBP": "webp", "JPEG": "jpg"}[rendition.format]
        assert rendition.name == f"harbour-at-dawn-{variant}.{digest}.{extension}"
        assert policy.rule_for(f"assets/2026/{rendition.name}").immutable
    again = process_image("2026/harbour/Harbour At Dawn.JPG", camera)
    assert isinstance(again, ProcessedImage)
    assert [r.name for r in again.renditions] == names  # stable across runs
    edited = process_image("2026/harbour/Harbour At Dawn.JPG", camera_jpeg(2400, 1600))
    assert isinstance(edited, ProcessedImage)
    assert not {r.name for r in edited.renditions} & set(names)  # new bytes, new names


@pytest.mark.parametrize(
    ("width", "expected"),
    [(300, [300]), (480, [480]), (700, [480, 700]), (1600, [480, 960, 1600])],
)
def test_given_a_narrow_image_then_no_output_is_wider_than_it(width, expected):
    result = process_image("narrow.png", encode(photo(width, 200), "PNG"))
    assert isinstance(result, ProcessedImage)
    assert [r.width for r in result.webp] == expected == [r.width for r in result.fallback]
    assert result.og.width == min(width, 1200)
    assert all(r.height <= 200 for r in result.renditions)


@pytest.mark.parametrize(
    ("key", "data", "fallback", "mode"),
    [
        ("a.png", encode(transparent(800, 400), "PNG"), "PNG", "RGBA"),
        ("a.png", encode(photo(800, 400), "PNG", icc_profile=srgb_profile()), "PNG", "RGB"),
        ("a.webp", encode(transparent(800, 400), "WEBP"), "PNG", "RGBA"),
        ("a.webp", encode(photo(800, 400), "WEBP", exif=exif_with_gps()), "JPEG", "RGB"),
        ("a.avif", encode(photo(800, 400), "AVIF", exif=exif_with_gps()), "JPEG", "RGB"),
        ("a.gif", encode(photo(800, 400).quantize(32), "GIF", comment=b"secret"), "GIF", "P"),
        ("cmyk.jpg", encode(photo(800, 400, "CMYK"), "JPEG", exif=exif_with_gps()), "JPEG", "RGB"),
        ("grey.jpg", encode(photo(800, 400, "L"), "JPEG"), "JPEG", "RGB"),
    ],
)
def test_given_each_format_then_its_fallback_keeps_the_format_and_metadata_is_gone(
    key, data, fallback, mode
):
    result = process_image(key, data)
    assert isinstance(result, ProcessedImage), result
    assert {r.format for r in result.fallback} == {fallback}
    assert result.og.format == "JPEG"
    with _open(result.fallback[-1]) as image:
        assert image.mode == mode
    for rendition in result.renditions:
        _assert_no_metadata(rendition)


def test_given_an_animated_gif_then_the_animation_is_kept_in_webp_and_gif_and_og_is_a_still():
    result = process_image("loop.gif", animated_gif(600, 300, frames=6))
    assert isinstance(result, ProcessedImage) and result.animated
    assert [r.width for r in result.webp] == [480, 600]
    for rendition in (*result.webp, *result.fallback):
        with Image.open(BytesIO(rendition.data)) as image:
            assert image.n_frames == 6, rendition.name
            assert image.format == rendition.format
            image.seek(5)
            image.load()
            assert image.info.get("duration") == 80
    assert {r.format for r in result.fallback} == {"GIF"}
    with _open(result.og) as og:
        assert og.format == "JPEG" and not getattr(og, "is_animated", False)


def test_given_an_animation_too_long_for_an_image_then_it_is_refused_as_a_video():
    settings = ImageSettings(max_frames=4)
    rejection = process_image("long.gif", animated_gif(60, 30, frames=6), settings=settings)
    assert isinstance(rejection, Rejection)
    assert "video" in rejection.fix


@pytest.mark.parametrize(
    "size",
    [
        (8_000, 8_000),  # 64 MP: over our 50 MP limit, under Pillow's warning
        (10_000, 10_000),  # 100 MP: Pillow warns (DecompressionBombWarning)
        (100_000, 100_000),  # 10 gigapixels: Pillow raises DecompressionBombError
    ],
)
def test_given_a_png_declaring_too_many_pixels_then_it_is_refused_before_decoding(size):
    filters = list(warnings.filters)
    limit = Image.MAX_IMAGE_PIXELS
    data = png_header(*size)
    assert len(data) < 3_500  # a bomb is cheap: a header and a few bytes
    rejection = process_image("bomb.png", data)
    assert isinstance(rejection, Rejection)
    assert "decompression bomb" in rejection.reason and "megapixels" in rejection.reason
    assert limit == Image.MAX_IMAGE_PIXELS  # Pillow's global is left alone
    assert warnings.filters == filters  # and so are the process's warning filters


def test_given_a_lower_pixel_limit_then_it_is_ours_that_applies():
    data = encode(photo(400, 300), "PNG")
    assert isinstance(
        process_image("a.png", data, settings=ImageSettings(max_pixels=100_000)), Rejection
    )
    assert isinstance(process_image("a.png", data), ProcessedImage)


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("cut.jpg", camera_jpeg(400, 300)[:3000]),
        ("cut.png", encode(photo(400, 300), "PNG")[:2000]),
        ("text.jpg", b"\xff\xd8\xff\xe0 this is not really a JPEG at all"),
    ],
)
def test_given_a_damaged_image_then_it_is_rejected_as_damaged(key, data):
    rejection = process_image(key, data)
    assert isinstance(rejection, Rejection), rejection
    assert "damaged or was cut short" in rejection.reason


def test_given_a_large_jpeg_then_it_is_decoded_at_a_reduced_scale_no_smaller_than_needed(
    monkeypatch, camera
):
    requested: list[tuple[int, int]] = []
    decoded: list[tuple[int, int]] = []
    original = JpegImageFile.draft

    def spy(self, mode, size):
        requested.append(size)
        result = original(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    result = process_image("big.jpg", camera_jpeg(4800, 3200, orientation=1))
    assert isinstance(result, ProcessedImage)
    assert decoded == [(2400, 1600)]  # libjpeg's 1/2 scale: still ≥ 1600 wide
    assert requested[0][0] >= 1600
    assert [r.width for r in result.webp] == [480, 960, 1600]


def test_given_an_icc_profile_then_pixels_go_through_it_to_srgb_and_it_is_not_kept(monkeypatch):
    seen: list[str] = []
    convert = ImageCms.profileToProfile

    def spy(image, source, target, **options):
        seen.append(ImageCms.getProfileDescription(source).strip())
        return convert(image, source, target, **options)

    monkeypatch.setattr(ImageCms, "profileToProfile", spy)
    picture = photo(600, 400)
    result = process_image("tagged.png", encode(picture, "PNG", icc_profile=srgb_profile()))
    assert isinstance(result, ProcessedImage)
    assert seen and all("sRGB" in name for name in seen)
    with _open(result.fallback[-1]) as image:
        assert "icc_profile" not in image.info
        # sRGB to sRGB: the colours are unchanged (the red corner is still red).
        assert image.convert("RGB").getpixel((2, 2)) == picture.getpixel((2, 2))


def test_given_a_broken_icc_profile_then_the_image_is_still_published_without_it():
    data = encode(photo(600, 400), "JPEG", icc_profile=b"not a profile" * 20)
    result = process_image("broken.jpg", data)
    assert isinstance(result, ProcessedImage)
    for rendition in result.renditions:
        _assert_no_metadata(rendition)
