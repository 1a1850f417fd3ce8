"""Hugo shortcodes in Markdown, rendered natively — never evaluated, never left on the page.

`expand_shortcodes(body, front_matter)` runs on a Markdown body before Markdown is rendered and
returns `(body, warnings)`. Both forms, `{{< name args >}}` and `{{% name args %}}`, paired
(`{{< highlight go >}}…{{< /highlight >}}`) and self-closing (`{{< x />}}`), with positional
and named arguments (`"quoted \\" value"`, `` `raw` ``, `bare`, `key=value`).

Rendered: `figure`, `youtube`, `vimeo`, `x`/`twitter`/`tweet` (and the `_simple` variants),
`instagram`, `gist` (links, no third-party script; the sanitiser drops iframes, so videos are
links to the privacy-enhanced player), `highlight` (a fenced code block), `ref`/`relref` (an
article's URL), `param` (a front-matter value, as text), `details`, `comment` (hidden). Any
other shortcode keeps its inner content, loses its tags and adds a warning naming it. Hugo's
comment form `{{</* x */>}}` prints `{{< x >}}` as text. Shortcodes inside fenced code blocks
and inline code stay literal (except for the comment form, which Hugo also unwraps there).

Every argument is data: text is HTML-escaped, ids are validated, URLs must be http(s) or
site-relative, and the result still goes through the sanitiser. Work is linear in the input:
fenced blocks are found line by line, code spans by matching backtick runs, and a tag is
scanned once from its `{{<` to its `>}}` (at most `MAX_TAG_CHARS`); a scan that fails resumes
where it stopped, so hostile runs of `{{<` cost no more than their length.

`ref "other.md"` links to `/articles/<slug>/` where the slug is the one the file name gives
(`readers.filenames`: Jekyll dates dropped, a page bundle's `x/index.md` is `x`). An article
whose front matter sets its own `slug:`, or whose file name says nothing (`untitled-2.md`), is
not found this way; link to `/articles/<its-slug>/` instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlsplit

from pressroom.model import slug_of
from pressroom.paths import article_path
from pressroom.readers.base import Unreadable
from pressroom.readers.filenames import facts_from_name, stem_of
from pressroom.readers.metadata import normalise_key

MAX_TAG_CHARS = 2_000  # from `{{<` to `>}}`; longer is not a shortcode
MAX_DEPTH = 20  # paired shortcodes nested deeper are rendered unpaired
MAX_WARNINGS = 20
MAX_SHORTCODES = 5_000  # per article; the delimiters of any more are removed

_CLOSING = {"<": ">", "%": "%"}
_OPENER = re.compile(r"\{\{[<%]")
_DELIMITERS = re.compile(r"\{\{[<%]|[>%]\}\}")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BLANK_LINE = re.compile(r"(\n[ \t]*\n)")
_BACKTICKS = re.compile(r"`+")
_ARGUMENT = re.compile(
    r"\s*(?:(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)=)?"
    r"(?:\"(?P<quoted>(?:[^\"\\]|\\.)*)\"|`(?P<raw>[^`]*)`|(?P<bare>[^\s\"`]+))",
    re.DOTALL,
)
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,60}")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{6,20}")
_VIMEO_ID = re.compile(r"[0-9]{1,15}")
_POST_ID = re.compile(r"[0-9]{1,25}")
_X_USER = re.compile(r"[A-Za-z0-9_]{1,15}")
_INSTAGRAM_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_GIST_USER = re.compile(r"[A-Za-z0-9-]{1,39}")
_GIST_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_GIST_FILE = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")
_ANCHOR = re.compile(r"[A-Za-z0-9_:.-]{1,80}")
_OUTER_BLOCK = re.compile(r"\A(?:<blockquote>)?<p>|</p>(?:</blockquote>)?\Z")
_DIMENSION = re.compile(r"[0-9]{1,5}(?:px|%)?")
_UNSAFE_URL_CHARS = re.compile(r"[\s\"'<>`{}\\\x00-\x1f\x7f]")

STANDALONE = frozenset(
    {"figure", "youtube", "vimeo", "x", "twitter", "tweet", "instagram", "gist"}
    | {"vimeo_simple", "twitter_simple", "x_simple"}
    | {"ref", "relref", "param"}
)


@dataclass(frozen=True)
class Shortcode:
    name: str
    positional: tuple[str, ...]
    named: Mapping[str, str]
    source: str  # the tag as written, `{{< … >}}`
    closing: bool = False
    self_closing: bool = False
    line_start: bool = False

    def arg(self, key: str, position: int | None = None) -> str:
        if key in self.named:
            return self.named[key]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return ""


@dataclass
class _Element:
    tag: Shortcode
    children: list[Node] = field(default_factory=list)
    paired: bool = False


Node = str | Shortcode | _Element  # str: text (prose or code) kept as written


class _Warnings:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        if message not in self.items and len(self.items) < MAX_WARNINGS:
            self.items.append(message)


def expand_shortcodes(body: str, front_matter: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The Markdown body with every shortcode rendered or removed, and what needs a warning."""
    if "{{" not in body:
        return body, []
    warnings = _Warnings()
    nodes: list[Node] = []
    for is_code, piece in _fenced(body):
        if is_code:
            nodes.append(_unwrap_comments(piece))
        else:
            nodes.extend(_lex(piece, warnings))
    tree = _pair(nodes, warnings)
    return _Renderer(front_matter, warnings).render(tree), warnings.items


# --- finding code: fenced blocks and code spans stay literal --------------------------------


def segments(text: str) -> list[tuple[bool, str]]:
    """(is_code, text) pieces of Markdown in order (code: fenced blocks and code spans); joined,
    they are `text` again."""
    pieces: list[tuple[bool, str]] = []
    for is_code, piece in _fenced(text):
        pieces.extend([(True, piece)] if is_code else _inline_segments(piece))
    return pieces


def _fenced(text: str) -> list[tuple[bool, str]]:
    """(is_code, text): fenced code blocks and the prose between them."""
    pieces: list[tuple[bool, str]] = []
    prose: list[str] = []
    fence: str | None = None
    code: list[str] = []
    for line in text.splitlines(keepends=True):
        if fence is None:
            opened = _FENCE.match(line)
            if opened and not (opened[1][0] == "`" and "`" in line[opened.end() :]):
                pieces.append((False, "".join(prose)))
                prose, code, fence = [], [line], opened[1]
            else:
                prose.append(line)
            continue
        code.append(line)
        stripped = line.strip()
        if (
            stripped.startswith(fence)
            and set(stripped) == {fence[0]}
            and len(line) - len(line.lstrip(" ")) <= 3
        ):
            pieces.append((True, "".join(code)))
            code, fence = [], None
    if fence is not None:
        pieces.append((True, "".join(code)))  # an unclosed fence runs to the end (CommonMark)
    pieces.append((False, "".join(prose)))
    return [piece for piece in pieces if piece[1]]


def _inline_segments(prose: str) -> list[tuple[bool, str]]:
    """Code spans: a backtick run closed by the next run of the same length in its paragraph."""
    pieces: list[tuple[bool, str]] = []
    for paragraph in _BLANK_LINE.split(prose):
        runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(paragraph)]
        by_length: dict[int, list[int]] = {}
        for index, (start, end) in enumerate(runs):
            by_length.setdefault(end - start, []).append(index)
        done, index = 0, 0
        while index < len(runs):
            start, end = runs[index]
            same = by_length[end - start]
            later = bisect_right(same, index)
            if (start > 0 and paragraph[start - 1] == "\\") or later == len(same):
                index += 1
                continue
            close = same[later]
            pieces.append((False, paragraph[done:start]))
            pieces.append((True, paragraph[start : runs[close][1]]))
            done, index = runs[close][1], close + 1
        pieces.append((False, paragraph[done:]))
    return pieces


def _unwrap_comments(code: str) -> str:
    """`{{</* x */>}}` → `{{< x >}}` inside code too, as Hugo does (linear: one pass)."""
    if "/*" not in code:
        return code
    out: list[str] = []
    position = 0
    while (start := _find_comment_start(code, position)) != -1:
        delimiter = code[start + 2]
        closing = _CLOSING[delimiter]
        close = code.find("*/" + closing + "}}", start + 5, start + MAX_TAG_CHARS)
        if close == -1:
            out.append(code[position : start + 5])
            position = start + 5
            continue
        out.append(f"{code[position:start]}{{{{{delimiter}{code[start + 5 : close]}{closing}}}}}")
        position = close + 5
    out.append(code[position:])
    return "".join(out)


def _find_comment_start(code: str, position: int) -> int:
    angle, percent = code.find("{{</*", position), code.find("{{%/*", position)
    found = [index for index in (angle, percent) if index != -1]
    return min(found) if found else -1


# --- lexing tags ----------------------------------------------------------------------------


def _lex(text: str, warnings: _Warnings) -> list[Node]:
    """Prose into text, code spans (kept as written) and tags, in one left-to-right pass: a
    backtick run opens a code span if the next run of its length is in the same paragraph, and
    code spans are looked for only outside tags (an argument may hold backticks)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    run_starts = [start for start, _ in runs]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    blank_lines = [m.start() for m in _BLANK_LINE.finditer(text)]
    nodes: list[Node] = []
    position = tags = 0
    while True:
        opener = _OPENER.search(text, position)
        next_run = bisect_left(run_starts, position)
        if next_run < len(runs) and (opener is None or runs[next_run][0] < opener.start()):
            start, end = runs[next_run]
            close = _closing_run(runs, by_length, blank_lines, next_run, text)
            if close is not None:
                nodes.append(text[position:start])
                nodes.append(_unwrap_comments(text[start:close]))
                position = close
            else:
                nodes.append(text[position:end])
                position = end
            continue
        if opener is None:
            break
        tags += 1
        if tags > MAX_SHORTCODES:
            warnings.add(
                f"The article has more than {MAX_SHORTCODES:,} shortcodes: the delimiters of "
                "the rest were removed."
            )
            nodes.append(_DELIMITERS.sub("", text[position:]))
            return [node for node in nodes if node != ""]
        start = opener.start()
        nodes.append(text[position:start])
        end, body = _scan(text, start)
        if body is None:
            warnings.add(
                "A shortcode opened with `{{<` or `{{%` is never closed: its delimiters "
                "were removed."
            )
            nodes.append(_DELIMITERS.sub("", text[start:end]))
        elif (comment := _comment_body(body)) is not None:
            delimiter = text[start + 2]
            closing = _CLOSING[delimiter]
            nodes.append(_markdown_literal(f"{{{{{delimiter}{comment}{closing}}}}}"))
        else:
            nodes.append(_parse_tag(body, text[start:end], _starts_line(text, start), warnings))
        position = end
    nodes.append(text[position:])
    return [node for node in nodes if node != ""]


def _closing_run(
    runs: list[tuple[int, int]],
    by_length: dict[int, list[int]],
    blank_lines: list[int],
    index: int,
    text: str,
) -> int | None:
    """Where the code span opened by backtick run `index` ends, or None if it is not one."""
    start, end = runs[index]
    if start > 0 and text[start - 1] == "\\":
        return None
    same = by_length[end - start]
    later = bisect_right(same, index)
    if later == len(same):
        return None
    paragraph = bisect_right(blank_lines, start)
    paragraph_end = blank_lines[paragraph] if paragraph < len(blank_lines) else len(text)
    close_start, close_end = runs[same[later]]
    return close_end if close_start < paragraph_end else None


def _scan(text: str, start: int) -> tuple[int, str | None]:
    """From `{{<` at `start`: (end of the tag, its body), or (where the scan gave up, None)."""
    closing = (">" if text[start + 2] == "<" else "%") + "}}"
    limit = min(len(text), start + MAX_TAG_CHARS)
    quote: str | None = None
    index = start + 3
    while index < limit:
        char = text[index]
        if quote is not None:
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == quote:
                quote = None
            elif char == "\n" and quote == '"':
                return index, None
        elif char in '"`':
            quote = char
        elif text.startswith(closing, index):
            return index + 3, text[start + 3 : index]
        elif text.startswith("{{", index):
            return index, None
        index += 1
    return max(index, start + 3), None


def _comment_body(body: str) -> str | None:
    if body.startswith("/*") and body.endswith("*/") and len(body) >= 4:
        return body[2:-2]
    return None


def _starts_line(text: str, start: int) -> bool:
    """Whether only spaces come before `start` on its line (looking back at most 40 chars)."""
    line_start = text.rfind("\n", max(0, start - 40), start) + 1
    if line_start == 0 and start > 40:
        return False
    return text[line_start:start].strip() == ""


def _parse_tag(body: str, source: str, line_start: bool, warnings: _Warnings) -> Shortcode:
    inner = body.strip()
    closing = inner.startswith("/")
    if closing:
        inner = inner[1:].lstrip()
    self_closing = inner.endswith("/")
    if self_closing:
        inner = inner[:-1].rstrip()
    positional: list[str] = []
    named: dict[str, str] = {}
    position = 0
    while position < len(inner):
        argument = _ARGUMENT.match(inner, position)
        if argument is None or argument.end() == position:
            break
        position = argument.end()
        value = _argument_value(argument)
        if argument["key"]:
            named.setdefault(argument["key"].lower(), value)
        else:
            positional.append(value)
    if not positional or not _NAME.fullmatch(positional[0]):
        warnings.add("A shortcode without a usable name was removed.")
        name = ""
    else:
        name = positional.pop(0).lower()
    return Shortcode(
        name, tuple(positional), named, source, closing, self_closing, line_start=line_start
    )


def _argument_value(argument: re.Match[str]) -> str:
    """The value as one line: a blank line in a caption must not end the HTML around it."""
    if argument["quoted"] is not None:
        value = _ESCAPED.sub(r"\1", argument["quoted"])
    elif argument["raw"] is not None:
        value = str(argument["raw"])
    else:
        value = str(argument["bare"])
    return " ".join(value.split())


# --- pairing --------------------------------------------------------------------------------


def _pair(nodes: list[Node], warnings: _Warnings) -> list[Node]:
    """Opening and closing tags matched into elements; unmatched openers stand alone."""
    root = _Element(Shortcode("", (), {}, ""))
    stack = [root]
    for node in nodes:
        if not isinstance(node, Shortcode):
            stack[-1].children.append(node)
        elif node.closing:
            match = _open_frame(stack, node.name)
            if match is None:
                if node.name:
                    warnings.add(f"The closing shortcode `/{node.name}` has no opening tag.")
                continue
            while len(stack) - 1 > match:
                _flatten(stack)
            element = stack.pop()
            element.paired = True
            stack[-1].children.append(element)
        elif node.self_closing or node.name in STANDALONE or len(stack) > MAX_DEPTH:
            stack[-1].children.append(node)
        else:
            stack.append(_Element(node))
    while len(stack) > 1:
        _flatten(stack)
    return root.children


def _open_frame(stack: list[_Element], name: str) -> int | None:
    for index in range(len(stack) - 1, 0, -1):
        if stack[index].tag.name == name:
            return index
    return None


def _flatten(stack: list[_Element]) -> None:
    """An opener never closed: the tag stands alone and what followed it moves up a level."""
    element = stack.pop()
    stack[-1].children.append(element.tag)
    stack[-1].children.extend(element.children)


# --- rendering ------------------------------------------------------------------------------


class _Renderer:
    def __init__(self, front_matter: Mapping[str, Any], warnings: _Warnings) -> None:
        self.front_matter = front_matter
        self.warnings = warnings

    def render(self, nodes: list[Node]) -> str:
        return "".join(self._node(node) for node in nodes)

    def _node(self, node: Node) -> str:
        if isinstance(node, str):
            return node
        if isinstance(node, Shortcode):
            return self._shortcode(node, None)
        return self._shortcode(node.tag, node.children if node.paired else None)

    def _shortcode(self, tag: Shortcode, inner: list[Node] | None) -> str:
        name = tag.name
        if name in ("highlight", "details") and inner is None:
            self.warnings.add(f"The `{name}` shortcode is never closed (`{{{{< /{name} >}}}}`).")
            return ""
        if name == "highlight":
            return _highlight(tag, _source(inner or []))
        if name == "details":
            return self._details(tag, inner or [])
        if name == "comment":
            return ""
        if name in ("ref", "relref"):
            return self._ref(tag)
        if name == "param":
            return self._param(tag)
        block = self._block(tag)
        if block is not None and not tag.line_start:  # within a line: the link alone
            return _OUTER_BLOCK.sub("", block)
        if block is not None:
            return f"{block}\n"
        if name:
            self.warnings.add(
                f"The shortcode `{name}` is not one Pressroom knows: its tags were removed "
                "and its inner content kept."
            )
        return self.render(inner) if inner is not None else ""

    def _block(self, tag: Shortcode) -> str | None:
        renderers = {
            "figure": self._figure,
            "youtube": self._youtube,
            "vimeo": self._vimeo,
            "vimeo_simple": self._vimeo,
            "twitter_simple": self._post,
            "x_simple": self._post,
            "x": self._post,
            "twitter": self._post,
            "tweet": self._post,
            "instagram": self._instagram,
            "gist": self._gist,
        }
        renderer = renderers.get(tag.name)
        return renderer(tag) if renderer is not None else None

    def _invalid(self, tag: Shortcode, what: str, value: str) -> str:
        shown = value if len(value) <= 60 else value[:57] + "…"
        self.warnings.add(f"The `{tag.name}` shortcode's {what} {shown!r} is not valid: skipped.")
        return ""

    def _url(self, tag: Shortcode, what: str, value: str) -> str | None:
        if not value:
            return None
        if is_safe_url(value):
            return value
        self._invalid(tag, what, value)
        return None

    def _figure(self, tag: Shortcode) -> str:
        src = self._url(tag, "src", tag.arg("src", 0))
        link = self._url(tag, "link", tag.arg("link"))
        image = ""
        if src is not None:
            attributes = [f'src="{escape(src)}"', f'alt="{escape(tag.arg("alt"))}"']
            for dimension in ("width", "height"):
                value = tag.arg(dimension)
                if value and _DIMENSION.fullmatch(value):
                    attributes.append(f'{dimension}="{escape(value)}"')
                elif value:
                    self._invalid(tag, dimension, value)
            image = f"<img {' '.join(attributes)}>"
            if link is not None:
                image = f'<a href="{escape(link)}">{image}</a>'
        title, caption = tag.arg("title"), tag.arg("caption")
        parts = [f"<strong>{escape(title)}</strong>" if title else "", escape(caption)]
        text = " ".join(part for part in parts if part)
        figcaption = f"<figcaption>{text}</figcaption>" if text else ""
        return f"<figure>{image}{figcaption}</figure>" if image or figcaption else ""

    def _youtube(self, tag: Shortcode) -> str:
        video = tag.arg("id", 0)
        if not _YOUTUBE_ID.fullmatch(video):
            return self._invalid(tag, "video id", video)
        title = tag.arg("title") or "Watch the video on YouTube"
        url = f"https://www.youtube-nocookie.com/embed/{video}"
        return f'<p><a href="{url}">{escape(title)}</a></p>'

    def _vimeo(self, tag: Shortcode) -> str:
        video = tag.arg("id", 0)
        if not _VIMEO_ID.fullmatch(video):
            return self._invalid(tag, "video id", video)
        title = tag.arg("title") or "Watch the video on Vimeo"
        return f'<p><a href="https://vimeo.com/{video}">{escape(title)}</a></p>'

    def _post(self, tag: Shortcode) -> str:
        user, post = tag.arg("user"), tag.arg("id")
        if not tag.named and len(tag.positional) == 1:  # the old form: {{< tweet 123 >}}
            post = tag.positional[0]
        elif not tag.named and tag.positional:  # {{< twitter user 123 >}}
            user, post = tag.positional[0], tag.positional[1]
        if not _POST_ID.fullmatch(post):
            return self._invalid(tag, "post id", post)
        if user and not _X_USER.fullmatch(user):
            return self._invalid(tag, "user", user)
        url = f"https://x.com/{user or 'i'}/status/{post}"
        label = f"A post by @{user} on X" if user else "A post on X"
        return f'<blockquote><p><a href="{url}">{label}</a></p></blockquote>'

    def _instagram(self, tag: Shortcode) -> str:
        post = tag.arg("id", 0)
        if not _INSTAGRAM_ID.fullmatch(post):
            return self._invalid(tag, "post id", post)
        return f'<p><a href="https://www.instagram.com/p/{post}/">A post on Instagram</a></p>'

    def _gist(self, tag: Shortcode) -> str:
        user, gist, file = tag.arg("user", 0), tag.arg("id", 1), tag.arg("file", 2)
        if not _GIST_USER.fullmatch(user):
            return self._invalid(tag, "user", user)
        if not _GIST_ID.fullmatch(gist):
            return self._invalid(tag, "gist id", gist)
        url = f"https://gist.github.com/{user}/{gist}"
        label = f"A gist by {user}"
        if file and _GIST_FILE.fullmatch(file):
            url += "#file-" + file.replace(".", "-").lower()
            label += f": {file}"
        elif file:
            self._invalid(tag, "file", file)
        return f'<p><a href="{url}">{escape(label)}</a></p>'

    def _details(self, tag: Shortcode, inner: list[Node]) -> str:
        summary = escape(tag.arg("summary", 0) or tag.arg("title") or "Details")
        opened = " open" if tag.arg("open").lower() in ("true", "open", "yes", "1") else ""
        body = self.render(inner).strip("\n")
        return f"\n\n<details{opened}><summary>{summary}</summary>\n\n{body}\n\n</details>\n"

    def _ref(self, tag: Shortcode) -> str:
        target = tag.arg("path", 0)
        url = ref_url(target)
        if url is None:
            self._invalid(tag, "target", target)
            return "#"
        return url

    def _param(self, tag: Shortcode) -> str:
        key = tag.arg("name", 0)
        value: Any = self.front_matter
        for part in key.split("."):
            if not isinstance(value, Mapping):
                value = None
                break
            value = value.get(normalise_key(part), value.get(part))
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value if not isinstance(item, Mapping))
        if value is None or isinstance(value, Mapping):
            self.warnings.add(f"The `param` shortcode names {key!r}, which the front matter lacks.")
            return ""
        return _markdown_literal(" ".join(str(value).split()))


def _highlight(tag: Shortcode, code: str) -> str:
    language = tag.arg("lang", 0)
    language = language if _LANGUAGE.fullmatch(language) else ""
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    start = "" if tag.line_start else "\n"
    return f"{start}{fence}{language}\n{code.strip(chr(10))}\n{fence}"


def _source(nodes: list[Node]) -> str:
    """The text of nodes as written (a highlight block's code)."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, Shortcode):
            parts.append(node.source)
        else:
            parts.append(node.tag.source + _source(node.children))
    return "".join(parts)


def _markdown_literal(text: str) -> str:
    """Text Markdown shows as written: every ASCII punctuation character backslash-escaped."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def is_safe_url(value: str) -> bool:
    """http(s) with a host, or a site-relative reference (`/x`, `x.png`, `#a`); nothing else."""
    if _UNSAFE_URL_CHARS.search(value) or value.startswith("//"):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    return ":" not in value.split("/", 1)[0]


def ref_url(target: str) -> str | None:
    """`other.md`, `post/other.md`, `other`, `/post/x/index.md#part` → `/articles/<slug>/…`."""
    path, _, anchor = target.partition("#")
    if anchor and not _ANCHOR.fullmatch(anchor):
        return None
    suffix = f"#{anchor}" if anchor else ""
    path = path.strip().rstrip("/")
    if not path:
        return suffix or None
    key = "articles/" + path.lstrip("/")
    try:
        facts = facts_from_name(key)
    except Unreadable:
        return None
    if facts.is_section:  # a Hugo section has no page here
        return None
    slug = facts.slug or slug_of(stem_of(key))
    if slug and facts.language:  # a translation (`x.fr.md`) is at `x-fr` (`readers.article`)
        slug = slug_of(f"{slug}-{facts.language}")
    return article_path(slug) + suffix if slug else None
