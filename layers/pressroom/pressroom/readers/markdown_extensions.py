"""Markdown extensions: heading ids and anchors, highlighted code, and math as MathML.

Headings (`heading_anchors_plugin`): every heading gets an `id` made from its text (lower case,
Unicode letters, marks and digits kept, anything else a hyphen: `Über uns` -> `über-uns`), unique
in the page (`-2`, `-3`, ...; never one of the theme's own ids, a footnote's or one the article's
raw HTML already uses), and an empty self-link `<a class="heading-anchor" href="#id"
aria-label="Link to this section">` that the theme draws as `#`. `## Title {#custom-id}`
(Pandoc, Hugo, kramdown; also kramdown's `{: #custom-id}`) sets the id, read by mdit-py-plugins'
attribute parser and not printed; only the `#id` of such a block is used, and an id outside
the safe character set is slugified like a heading's text.

Code (`highlight_code`, markdown-it's `highlight` option): a fenced block whose language Pygments
knows becomes `<pre class="highlight"><code class="language-NAME">` with Pygments' short token
classes (no inline styles: the theme's CSS colours them); any other block stays markdown-it's
escaped `<pre><code>`. The language name is only ever looked up, never echoed unless Pygments
knows it.

Math (`math_plugin`, only for articles whose front matter says `math: true`): `$...$` inline and
`$$...$$` display math (mdit-py-plugins' dollarmath rules, which leave `$5 and $10` alone), turned
into MathML by latex2mathml on the server: no JavaScript. latex2mathml's own serialiser un-escapes
its output, so the element tree is serialised here, escaped; macro definitions (expansion bombs),
over-long expressions and too much math per article stay as their TeX source in `<code>`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attributes
from mdit_py_plugins.dollarmath import dollarmath_plugin

if TYPE_CHECKING:
    # latex2mathml's tree, only serialised here: nothing is ever parsed as XML
    from xml.etree.ElementTree import Element  # nosec B405

from pressroom.readers.base import Unreadable
from pressroom.readers.metadata import as_flag
from pressroom.readers.prose import text_of
from pressroom.readers.sanitize import (
    FOOTNOTE_ID,
    MAX_ID_CHARS,
    THEME_IDS,
    is_safe_id,
)

HEADING_ANCHOR_CLASS = "heading-anchor"
HEADING_ANCHOR_LABEL = "Link to this section"
FALLBACK_HEADING_ID = "section"

MAX_HIGHLIGHTED_CHARS = 200_000  # a longer block is shown plain (Pygments is linear, but slow)
MAX_TEX_CHARS = 4_000  # one expression; longer stays TeX source
MAX_MATH_CHARS_PER_ARTICLE = 100_000  # all expressions of one article; the rest stays source

_TRAILING_ATTRIBUTES = re.compile(r"[ \t]*(\{[^{}\n]*\})[ \t]*\Z")
_KRAMDOWN_COLON = re.compile(r"\A\{:\s*")
_RAW_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_LANGUAGE_NAME = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")
_MACRO_DEFINITION = re.compile(
    r"\\(?:[egx]?def|let|(?:re|provide|new)command|newenvironment|DeclareMathOperator)(?![A-Za-z])"
)


# --- headings -------------------------------------------------------------------------------


def heading_id(text: str) -> str:
    """The id a heading's text makes: `Why 2 + 2 = 4?` -> `why-2-2-4`; `` when nothing is left."""
    kept = []
    for char in unicodedata.normalize("NFKC", text).lower():
        kept.append(char if unicodedata.category(char)[0] in "LMN" or char == "_" else "-")
    slug = re.sub("-{2,}", "-", "".join(kept)).strip("-")
    return slug[:MAX_ID_CHARS].rstrip("-")


class _Ids:
    """The ids of one page: the theme's, and those claimed so far."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = {*THEME_IDS, *taken}
        self.last_number: dict[str, int] = {}  # so that n repeats cost O(n), not O(n^2)

    def claim(self, wanted: str) -> str:
        base = wanted or FALLBACK_HEADING_ID
        candidate, number = base, self.last_number.get(base, 1)
        while candidate in self.taken or FOOTNOTE_ID.fullmatch(candidate):
            number += 1
            suffix = f"-{number}"
            candidate = base[: MAX_ID_CHARS - len(suffix)] + suffix
        self.last_number[base] = number
        self.taken.add(candidate)
        return candidate


def heading_anchors_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("pressroom_heading_ids", _assign_heading_ids)


def _assign_heading_ids(state: StateCore) -> None:
    tokens = state.tokens
    headings = [
        (token, tokens[index + 1])
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and index + 1 < len(tokens)
    ]
    if not headings:
        return
    ids = _Ids(_raw_html_ids(tokens))
    explicit = [_take_explicit_id(inline) for _, inline in headings]
    # Explicit ids are claimed first, so that no generated one can take theirs.
    chosen = [ids.claim(wanted) if wanted else None for wanted in explicit]
    for (heading, inline), claimed in zip(headings, chosen, strict=True):
        identifier = claimed or ids.claim(heading_id(_plain_text(inline.children or [])))
        heading.attrSet("id", identifier)
        anchor = Token("link_open", "a", 1)
        anchor.attrSet("class", HEADING_ANCHOR_CLASS)
        anchor.attrSet("href", f"#{identifier}")
        anchor.attrSet("aria-label", HEADING_ANCHOR_LABEL)
        inline.children = [*(inline.children or []), anchor, Token("link_close", "a", -1)]


_HTML_HEADING = re.compile(
    r"<h(?P<level>[1-6])(?P<attributes>(?:\s[^>]*)?)>(?P<inner>.*?)</h(?P=level)>", re.DOTALL
)
_ANY_ID = re.compile(r'\sid="([^"]*)"')


def heading_ids_in_html(body_html: str) -> str:
    """Ids and `#` anchors for the headings of a (sanitised) HTML article, as Markdown headings
    get them; a heading that has an id keeps it."""
    ids = _Ids(html.unescape(found[1]) for found in _ANY_ID.finditer(body_html))

    def with_id(heading: re.Match[str]) -> str:
        if _ANY_ID.search(heading["attributes"]):
            return heading[0]
        level, attributes, inner = heading["level"], heading["attributes"], heading["inner"]
        identifier = html.escape(ids.claim(heading_id(text_of(inner))))
        anchor = (
            f'<a class="{HEADING_ANCHOR_CLASS}" href="#{identifier}" '
            f'aria-label="{HEADING_ANCHOR_LABEL}"></a>'
        )
        return f'<h{level} id="{identifier}"{attributes}>{inner}{anchor}</h{level}>'

    return _HTML_HEADING.sub(with_id, body_html)


def _take_explicit_id(inline: Token) -> str:
    """Removes a trailing `{#id .class key=value}` from the heading; returns its usable id."""
    children = inline.children or []
    if not children or children[-1].type != "text":
        return ""
    last = children[-1]
    found = _TRAILING_ATTRIBUTES.search(last.content)
    if not found:
        return ""
    block = _KRAMDOWN_COLON.sub("{", found[1])  # kramdown's `{: #id}` is `{#id}` here
    try:
        end, attributes = parse_attributes(block)
    except ParseError:
        return ""
    if end != len(block) - 1:
        return ""
    last.content = last.content[: found.start()].rstrip()
    inline.content = _TRAILING_ATTRIBUTES.sub("", inline.content).rstrip()
    wanted = attributes.get("id", "")
    return wanted if is_safe_id(wanted) else heading_id(wanted)


def _plain_text(children: Sequence[Token]) -> str:
    parts = []
    for child in children:
        if child.type in {"text", "code_inline", "math_inline"}:
            parts.append(child.content)
        elif child.children:
            parts.append(_plain_text(child.children))
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


def _raw_html_ids(tokens: Sequence[Token]) -> set[str]:
    """Ids written in the article's raw HTML: a heading does not take them."""
    found: set[str] = set()
    for token in tokens:
        sources = [token] if token.type == "html_block" else []
        sources += [child for child in token.children or [] if child.type == "html_inline"]
        for source in sources:
            found.update(
                html.unescape(next(filter(None, m.groups()), ""))
                for m in _RAW_ID.finditer(source.content)
            )
    return found


# --- code -----------------------------------------------------------------------------------


def highlight_code(code: str, language: str, _attributes: str = "") -> str:
    """Highlighted HTML for a block in `language`, or "" (markdown-it then escapes it plainly)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    if not _LANGUAGE_NAME.fullmatch(language) or len(code) > MAX_HIGHLIGHTED_CHARS:
        return ""
    try:
        lexer = get_lexer_by_name(language.lower())
    except ClassNotFound:
        return ""
    name = next((a for a in lexer.aliases if _LANGUAGE_NAME.fullmatch(a)), "")
    code_class = f' class="language-{name}"' if name else ""
    body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code{code_class}>{body}</code></pre>'


# --- math -----------------------------------------------------------------------------------

# Front matter that asks for math: `math: true` (Hugo's themes also say `katex` or `mathjax`,
# Jekyll's `mathjax: true`); a value that is not a yes/no word (`math: katex`) asks for it too.
MATH_KEYS = ("math", "katex", "mathjax")


def wants_math(metadata: Mapping[str, Any]) -> bool:
    for key in MATH_KEYS:
        value = metadata.get(key)
        if value is None:
            continue
        try:
            if as_flag(value, key):
                return True
        except Unreadable:
            return True
    return False


def math_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(
        md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True
    )
    md.add_render_rule("math_inline", _render_math(display=False))
    md.add_render_rule("math_inline_double", _render_math(display=True))
    md.add_render_rule("math_block", _render_math(display=True))


def _render_math(*, display: bool) -> Callable[..., str]:
    def render(_renderer: Any, tokens: Sequence[Token], index: int, _options: Any, env: Any) -> str:
        tex = tokens[index].content.strip()
        budget = env.setdefault("pressroom_math_chars", [MAX_MATH_CHARS_PER_ARTICLE])
        budget[0] -= len(tex)
        mathml = tex_to_mathml(tex, display=display) if budget[0] >= 0 else None
        if mathml is None:
            delimiter = "$$" if display else "$"
            mathml = f'<code class="math-source">{html.escape(delimiter + tex + delimiter)}</code>'
        if display:
            return f'<div class="math-display">{mathml}</div>\n'
        return mathml

    return render


def tex_to_mathml(tex: str, *, display: bool) -> str | None:
    """`<math>` for a TeX expression, or None when it is too long, defines macros or fails."""
    from latex2mathml.converter import convert_to_element

    if not tex or len(tex) > MAX_TEX_CHARS or _MACRO_DEFINITION.search(tex):
        return None
    try:
        element = convert_to_element(tex, display="block" if display else "inline")
        return _serialise(element)
    except Exception:  # RecursionError too; latex2mathml raises many kinds on malformed TeX
        return None


def _serialise(element: Element) -> str:
    """XML out of latex2mathml's tree, escaped (its text and attributes hold `&#x...;` refs)."""
    attributes = "".join(
        f' {name}="{html.escape(html.unescape(value), quote=True)}"'
        for name, value in element.attrib.items()
    )
    inner = html.escape(html.unescape(element.text or ""), quote=False)
    inner += "".join(
        _serialise(child) + html.escape(html.unescape(child.tail or ""), quote=False)
        for child in element
    )
    return f"<{element.tag}{attributes}>{inner}</{element.tag}>"
