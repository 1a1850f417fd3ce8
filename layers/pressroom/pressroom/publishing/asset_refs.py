"""Assets as articles see them: what an asset upload published, and an article's references to
assets resolved to those files. Pure: the records come in, rewritten HTML and warnings go out.

- `AssetRecord` is what the table keeps of an asset upload (in its source state): the files
  published for it now (`files`), the generation before (`previous`, still served for pages not
  yet re-rendered) and files to delete once the commit holds (`doomed`).
- `references` finds the asset references in an article's body (`<img src>`, `<a href>`,
  `<video>`/`<audio>`/`<source>` `src`, `<video poster>`): relative ones against the article's
  own key, site-absolute ones (`/assets/img/x.png`) against the upload root (and, as Hugo serves
  `static/`, against `static/` under it). Links to other sites, fragments and non-asset paths are
  not references.
- `rewrite` replaces each reference by the published URL: images become a responsive
  `<picture>` (WebP `srcset`, fallback `srcset`, `sizes`, `width`/`height`, lazy except the lead
  image), a paragraph holding only an image with a title becomes a `<figure>` with that title as
  its caption. A reference to an asset not (yet) published is left out (an image removed, a link
  unwrapped to its text) with a warning; the article depends on it either way
  (`Article.depends_on`), so it is re-rendered when the asset arrives, changes or goes.

The body is nh3's serialisation (attributes double-quoted, `&`, `<`, `"` escaped), so its tags
are matched with regular expressions safely; every attribute written here is escaped again.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from html import escape, unescape
from urllib.parse import unquote, urlsplit

from pressroom.media.formats import FORMATS
from pressroom.model import Article, Picture

MEDIA_DIR = "media"  # site-bucket folder of published asset files
# Hugo page bundles: `index.md` beside `cover.jpg` or `featured.png` has that cover.
BUNDLE_COVERS = ("cover", "featured")
_RASTER_EXTENSIONS = (*(ext for ext, fmt in FORMATS.items() if fmt.pillow), "svg")


@dataclass(frozen=True)
class StoredFile:
    """One published file of an asset: its site key, role (`webp`, `fallback`, `og` for raster
    images; `file` for anything published as uploaded or sanitised), size and media type."""

    key: str
    role: str
    width: int = 0
    height: int = 0
    media_type: str = ""
    size: int = 0  # bytes (0 in records written before sizes were kept)


@dataclass(frozen=True)
class AssetRecord:
    media_type: str
    kind: str  # image | document | audio | video
    files: tuple[StoredFile, ...] = ()
    previous: tuple[str, ...] = ()
    doomed: tuple[str, ...] = ()
    # How the files were made (`media.images.ImageSettings.fingerprint`; "" for files published
    # as uploaded): a rebuild re-derives an image whose fingerprint is not the current one.
    fingerprint: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(file.key for file in self.files)

    @property
    def main(self) -> StoredFile | None:
        """The file a link or `src` leads to: the largest fallback of an image, else the file."""
        fallback = [file for file in self.files if file.role == "fallback"]
        if fallback:
            return max(fallback, key=lambda file: file.width)
        return next((file for file in self.files if file.role == "file"), None)

    @classmethod
    def named(cls, text: str) -> set[str]:
        """The site keys a stored record (JSON) needs: its files and the generation before."""
        record = cls.from_json(text)
        return set() if record is None else {*record.keys, *record.previous}

    def to_json(self) -> str:
        return json.dumps(
            {
                "t": self.media_type,
                "k": self.kind,
                "f": [[f.key, f.role, f.width, f.height, f.media_type, f.size] for f in self.files],
                "p": list(self.previous),
                "d": list(self.doomed),
                **({"v": self.fingerprint} if self.fingerprint else {}),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> AssetRecord | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(
            media_type=data["t"],
            kind=data["k"],
            files=tuple(StoredFile(*row) for row in data["f"]),
            previous=tuple(data["p"]),
            doomed=tuple(data["d"]),
            fingerprint=data.get("v", ""),
        )


def media_key(source_key: str, name: str) -> str:
    """The site key of a published file: under a folder per upload, so two uploads with the
    same name and bytes never share (and never delete) each other's files."""
    folder = hashlib.sha256(source_key.encode("utf-8")).hexdigest()[:10]
    return f"{MEDIA_DIR}/{folder}/{name}"


def is_asset_key(key: str) -> bool:
    """Whether an upload is an asset rather than an article: its extension is an asset format."""
    name = posixpath.basename(key)
    stem, dot, extension = name.rpartition(".")
    return bool(dot and stem) and extension.lower() in FORMATS


def picture_of(record: AssetRecord, alt: str, site_url: str) -> Picture | None:
    """How pages show an image asset (None for other kinds)."""
    if record.kind != "image":
        return None
    main = record.main
    if main is None:
        return None
    # Pillow's modules come with these: only an article showing an image loads them.
    from pressroom.media.images import ProcessedImage, Rendition
    from pressroom.media.srcset import responsive

    if not any(file.role == "webp" for file in record.files):  # SVG: one sanitised file
        url = "/" + main.key
        return Picture(
            url, "", "", "", main.width, main.height, "", 0, 0, url, alt, main.size, main.media_type
        )

    def rendition(file: StoredFile) -> Rendition:
        return Rendition(file.key, file.role, file.width, file.height, "", file.media_type, b"")

    by_role = {
        role: [rendition(f) for f in record.files if f.role == role]
        for role in ("webp", "fallback", "og")
    }
    image = ProcessedImage(
        key="",
        width=main.width,
        height=main.height,
        animated=False,
        webp=tuple(by_role["webp"]),
        fallback=tuple(by_role["fallback"]),
        og=(by_role["og"] or by_role["fallback"])[0],
    )
    shown = responsive(image, lambda r: "/" + r.name)
    [webp] = shown.sources
    smallest = min((f for f in record.files if f.role == "fallback"), key=lambda f: f.width)
    return Picture(
        src=shown.src,
        srcset=shown.srcset,
        webp_srcset=webp.srcset,
        sizes=shown.sizes,
        width=shown.width,
        height=shown.height,
        og_image=site_url.rstrip("/") + shown.og_image,
        og_width=shown.og_width,
        og_height=shown.og_height,
        thumbnail="/" + smallest.key,
        alt=alt,
        thumbnail_bytes=smallest.size,
        thumbnail_type=smallest.media_type,
    )


# --- references -------------------------------------------------------------------------------


def resolve(ref: str, article_key: str, prefix: str) -> tuple[str, ...]:
    """The upload keys `ref` may name (first found wins), () if it is no asset reference."""
    parts = urlsplit(ref.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return ()
    path = unquote(parts.path)
    if not is_asset_key(path):
        return ()
    if path.startswith("/"):
        below = posixpath.normpath(path.lstrip("/"))
        candidates = [below, posixpath.join("static", below)]
    else:
        folder = posixpath.dirname(article_key.removeprefix(prefix))
        candidates = [posixpath.normpath(posixpath.join(folder, path))]
    return tuple(
        prefix + key for key in candidates if key != ".." and not key.startswith(("../", "/"))
    )


def bundle_covers(article_key: str) -> tuple[str, ...]:
    """A Hugo page bundle's conventional cover files (`post/index.md` → `post/cover.jpg`, ...)."""
    if posixpath.basename(article_key).rpartition(".")[0] != "index":
        return ()
    folder = posixpath.dirname(article_key)
    return tuple(
        posixpath.join(folder, f"{stem}.{ext}")
        for stem in BUNDLE_COVERS
        for ext in _RASTER_EXTENSIONS
    )


_TAG = re.compile(r"<(img|a|video|audio|source|track)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
_URL_ATTRS = {
    "track": ("src",),
    "img": ("src",),
    "a": ("href",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "source": ("src",),
}
_ANY = re.compile(
    r"<p>\s*<img\b(?P<lone>[^>]*)>\s*</p>"
    r"|<img\b(?P<img>[^>]*)>"
    r"|<a\b(?P<a>[^>]*)>(?P<text>.*?)</a>"
    r"|<(?P<tag>video|audio|source|track)\b(?P<attrs>[^>]*)>",
    re.IGNORECASE | re.DOTALL,
)
_IMAGES = re.compile(
    r"(?P<lone>(?!))?<img\b(?P<img>[^>]*)>(?P<a>(?!))?(?P<text>(?!))?", re.IGNORECASE
)


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): unescape(value or "") for name, value in _ATTR.findall(text)}


def _serialise(tag: str, attributes: Mapping[str, str]) -> str:
    pairs = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())
    return f"<{tag}{pairs}>"


def references(body_html: str, article_key: str, prefix: str) -> tuple[str, ...]:
    """Every upload key the body's references may name (for `depends_on`)."""
    found: dict[str, None] = {}
    for match in _TAG.finditer(body_html):
        attributes = _attributes(match[2])
        for name in _URL_ATTRS[match[1].lower()]:
            if name in attributes:
                found.update(dict.fromkeys(resolve(attributes[name], article_key, prefix)))
    return tuple(found)


@dataclass
class Rewritten:
    body_html: str
    warnings: list[str] = field(default_factory=list)


def rewrite(
    body_html: str,
    article_key: str,
    prefix: str,
    records: Mapping[str, AssetRecord],
    lead_is_taken: bool = False,
) -> Rewritten:
    """The body with every asset reference pointing at its published files (see the module)."""
    result = Rewritten(body_html)
    lead = [lead_is_taken]

    def found(ref: str) -> tuple[str, AssetRecord] | None:
        for key in resolve(ref, article_key, prefix):
            if key in records:
                return key, records[key]
        return None

    def missing(ref: str, what: str) -> None:
        result.warnings.append(
            f"{what} `{ref}` is not among the uploaded files (yet), so it is left out; "
            "upload it (or correct the path) and the article is updated."
        )

    def figure(match: re.Match[str]) -> str:
        attributes = _attributes(match["lone"])
        if not resolve(attributes.get("src", ""), article_key, prefix):
            return match[0]
        title = attributes.get("title", "")
        shown = image(attributes)
        if title and shown:
            return f"<figure>{shown}<figcaption>{escape(title)}</figcaption></figure>"
        return f"<p>{shown}</p>" if shown else ""

    def image(attributes: dict[str, str]) -> str:
        src = attributes.get("src", "")
        hit = found(src)
        if hit is None:
            missing(src, "The image")
            return ""
        record = hit[1]
        alt = attributes.get("alt", "")
        if not alt:
            result.warnings.append(
                f"The image `{src}` has no alt text: describe it for readers who cannot see it "
                "(`![what it shows](...)`)."
            )
        picture = picture_of(record, alt, "")
        if picture is None:  # not an image: link to the file instead
            main = record.main
            return f'<a href="{escape("/" + main.key)}">{escape(alt or src)}</a>' if main else ""
        img: dict[str, str] = {"src": picture.src}
        if picture.srcset:
            img |= {"srcset": picture.srcset, "sizes": picture.sizes}
        img |= {"width": str(picture.width), "height": str(picture.height), "alt": alt}
        if lead[0]:
            img |= {"loading": "lazy", "decoding": "async"}
        lead[0] = True
        tag = _serialise("img", img)
        if not picture.webp_srcset:
            return tag
        source = _serialise(
            "source", {"type": "image/webp", "srcset": picture.webp_srcset, "sizes": picture.sizes}
        )
        return f"<picture>{source}{tag}</picture>"

    def link(opening: str, inner: str, whole: str) -> str:
        attributes = _attributes(opening)
        href = attributes.get("href", "")
        if not resolve(href, article_key, prefix):
            return whole if inner == whole else _serialise("a", attributes) + inner + "</a>"
        hit = found(href)
        if hit is None or hit[1].main is None:
            missing(href, "The linked file")
            return inner
        attributes["href"] = "/" + hit[1].main.key
        return _serialise("a", attributes) + inner + "</a>"

    def media(match: re.Match[str]) -> str:
        tag = match["tag"].lower()
        attributes = _attributes(match["attrs"])
        for name in _URL_ATTRS[tag]:
            ref = attributes.get(name, "")
            if not resolve(ref, article_key, prefix):
                continue
            hit = found(ref)
            if hit is None or hit[1].main is None:
                missing(ref, "The media file")
                del attributes[name]
            else:
                attributes[name] = "/" + hit[1].main.key
        return _serialise(tag, attributes)

    def one(match: re.Match[str]) -> str:
        if match["lone"]:
            return figure(match)
        if match["img"] is not None:
            attributes = _attributes(match["img"])
            if not resolve(attributes.get("src", ""), article_key, prefix):
                return match[0]
            return image(attributes)
        if match["a"] is not None:
            inner = _IMAGES.sub(one, match["text"])
            return link(match["a"], inner, match[0])
        return media(match)

    result.body_html = _ANY.sub(one, body_html)
    return result


def cover_keys(cover_ref: str, article_key: str, prefix: str) -> tuple[str, ...]:
    """The upload keys the article's cover may be: its front-matter image, else a bundle's."""
    if cover_ref:
        return resolve(cover_ref, article_key, prefix)
    return bundle_covers(article_key)


def first_found(keys: Iterable[str], records: Mapping[str, AssetRecord]) -> AssetRecord | None:
    return next((records[key] for key in keys if key in records), None)


def resolve_article(
    article: Article,
    lookup: Callable[[tuple[str, ...]], Mapping[str, AssetRecord]],
    prefix: str,
    site_url: str,
) -> Article:
    """The article with its asset references resolved: body rewritten, cover and further
    front-matter images found, warnings for what is missing, and every upload key it may show
    in `depends_on` (found or not), so the pipeline re-renders it when one of them arrives,
    changes or goes. `lookup` gives the records of those of the keys that are published assets."""
    key = article.source_key
    in_body = references(article.body_html, key, prefix)
    covers = cover_keys(article.cover_ref, key, prefix)
    further = [resolve(ref, key, prefix) for ref in article.image_refs]
    wanted = tuple(dict.fromkeys((*in_body, *covers, *(k for keys in further for k in keys))))
    if not wanted:
        return article
    records = lookup(wanted)
    warnings: list[str] = []
    found = first_found(covers, records)
    cover = picture_of(found, article.cover_alt, site_url) if found is not None else None
    if article.cover_ref and cover is None:
        warnings.append(
            f"The cover image `{article.cover_ref}` is not among the uploaded images (yet), so "
            "the article has none; upload it (or correct the path) and the article is updated."
        )
    images: list[Picture] = []
    for ref, keys in zip(article.image_refs, further, strict=True):
        record = first_found(keys, records)
        picture = picture_of(record, "", site_url) if record is not None else None
        if picture is None:
            warnings.append(
                f"The image `{ref}` of `images` is not among the uploaded images (yet), so it "
                "is left out; upload it (or correct the path) and the article is updated."
            )
        else:
            images.append(picture)
    rewritten = rewrite(article.body_html, key, prefix, records, lead_is_taken=cover is not None)
    return replace(
        article,
        body_html=rewritten.body_html,
        cover=cover,
        images=tuple(images),
        warnings=(*article.warnings, *warnings, *rewritten.warnings),
        depends_on=tuple(dict.fromkeys((*article.depends_on, *wanted))),
    )
