"""Language tags (BCP 47) as articles, URLs and pages use them. Pure functions.

* `normalise`: an editor's `fr`, `FR`, `pt_br`, `iw` → the tag's canonical form (`fr`, `pt-BR`,
  `he`), or None when it is not a valid tag (`English please`, `und`). Validity is the IANA
  registry's, through `langcodes`.
* `infix_language`: the language of a Hugo file name infix (`post.fr.md`, `index.pt-br.md`).
  Stricter than `normalise`: only a two-letter language (ISO 639-1), optionally with a script
  or region, because ISO 639-3 makes most three-letter words a language (`old` is Mochi,
  `new` Newar), and `notes.old.md` is an old copy of `notes.md`, not a Mochi translation.
* `in_site_language`: whether a tag is the site's language, or a more or less specific form of
  it (`en-US` on an `en` site): those articles are the site's own, listed on the home page.
* `url_name`: the tag as it appears in URLs and listing names (`pt-br`: lowercase).
* `autonym`: a language's name in itself (`Français`, `Português (Brasil)`), from Babel's CLDR
  data (already in the layer through python-liquid), for the language switcher and listings.
"""

from __future__ import annotations

import functools
import re

import langcodes

# What a language listing's URL name may look like (`fr`, `pt-br`, `zh-hant-tw`): also what
# `publishing.redirects` refuses as an alias there.
URL_NAME = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_INFIX = re.compile(r"[A-Za-z]{2}(?:[-_][A-Za-z0-9]{2,8}){0,2}")
_MEANINGLESS = frozenset({"und", "mul", "zxx", "mis"})  # undetermined, multiple, none, missing


@functools.lru_cache(maxsize=256)
def normalise(value: str) -> str | None:
    """The canonical form of a language tag, or None if it is not one."""
    text = value.strip().replace("_", "-")
    if not text or not URL_NAME.fullmatch(text.lower()) or not langcodes.tag_is_valid(text):
        return None
    tag = str(langcodes.standardize_tag(text))
    return None if tag.split("-", 1)[0].lower() in _MEANINGLESS else tag


def infix_language(part: str) -> str | None:
    """The language a file-name infix names (`fr`, `pt-br`), or None."""
    return normalise(part) if _INFIX.fullmatch(part) else None


def url_name(tag: str) -> str:
    return tag.lower()


def in_site_language(tag: str, site_language: str) -> bool:
    """`en`, `en-US` and `en-GB` are all the site's language on an `en` site; `pt-PT` is not
    on a `pt-BR` one (each is the other's translation)."""
    article, site = tag.lower(), site_language.lower()
    return article == site or article.startswith(site + "-") or site.startswith(article + "-")


@functools.lru_cache(maxsize=256)
def autonym(tag: str) -> str:
    """The language's own name for itself, capitalised as a menu entry (`Français`); the tag
    itself when CLDR does not know it."""
    # Babel loads its locale data on first use: only where a language name is shown.
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag, sep="-")
        name = locale.get_display_name(locale) or tag
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:]
