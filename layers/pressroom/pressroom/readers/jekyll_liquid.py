"""Jekyll's Liquid in a migrated post, rendered with python-liquid in a sandbox.

This is the one deliberate, limited exception to "content is data" (DESIGN.md, invariant 5):
a post that uses Liquid outside code (`{% … %}`, or `{{ … }}` that is not a Hugo shortcode's
`{{<`/`{{%`) is rendered as Jekyll renders it, before Markdown. The sandbox:

* data only: the template sees plain dicts, lists, strings and numbers (`site`, `page`); Liquid
  has no attribute access on Python objects, so `{{ ''.__class__ }}` is nothing;
* bounded: loop iterations, output size, context depth (includes in includes), local namespace
  size, block nesting and time (`MAX_SECONDS`, checked at each loop and filter) are limited
  (`_SandboxEnvironment`); the input size is the reader's; past a limit, all Liquid is left out;
* no files: `include`/`include_relative` read only the upload's own `_includes/` through an
  `Includes` the caller passes (none given: the include is empty, with a warning);
* Jekyll's tags: `highlight` (a fenced block, highlighted as any other), `raw`, `post_url` and
  `link` (the `/articles/<slug>/` of the named file, as Hugo's `ref`);
* whatever it does not know — a tag, a filter, an undefined variable, a syntax error — renders
  as nothing and is a warning naming it. The output is Markdown, rendered and sanitised (nh3)
  like any other.
"""

from __future__ import annotations

import posixpath
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, ClassVar, Protocol, TextIO

from liquid import Environment, Mode
from liquid.ast import Node
from liquid.context import RenderContext
from liquid.exceptions import LiquidError, ResourceLimitError
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.template import BoundTemplate
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token
from liquid.undefined import Undefined

from pressroom.readers.hugo_shortcodes import ref_url, segments

_BACKTICKS = re.compile(r"`+")
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")
_INCLUDE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,200}")
_PARAM = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*("[^"]*"|'[^']*'|\S+)""")
_RAW_BLOCK = re.compile(r"{%-?\s*raw\s*-?%}.*?{%-?\s*endraw\s*-?%}", re.DOTALL)
_SHORTCODE = re.compile(r"{{\s*[<%]")
_LIQUID = re.compile(r"{%|{{")
_ANY_LIQUID = re.compile(r"{[{%].*?(?:[%}]}|$)|[%}]}", re.DOTALL)
_HEADING = re.compile(r"^# +([^{}\n]+?)[ #]*$", re.MULTILINE)
_UNEXPECTED_TAG = re.compile(r"unexpected tag '([^']{1,80})'")
_UNKNOWN_FILTER = re.compile(r"unknown filter '([^']{1,80})'")
MAX_OUTPUT_BYTES = 2_000_000
MAX_WARNINGS = 50
MAX_SECONDS = 1.0  # the render's time bound (on top of the loop and output limits)
MAX_INCLUDE_FILES = 20  # distinct files one post may include
_SITE_FOLDERS = frozenset({"_posts", "_drafts"})


class Includes(Protocol):
    """The upload's own `_includes/` files: `get("note.html")` is the text of
    `_includes/note.html`, or None; `get("x.md", relative=True)` is the file `x.md` beside the
    post (`include_relative`)."""

    def get(self, name: str, relative: bool = False) -> str | None: ...


class UploadIncludes:
    """One post's includes, read through `fetch` (an ingest-bucket key → its text, or None):
    `_includes/` at the root of the Jekyll site the post came in (the folder holding its
    `_posts/` or `_drafts/`, else the articles prefix), and files beside the post. Every key
    asked for is remembered, found or not: the post depends on it (`Article.depends_on`)."""

    def __init__(self, post_key: str, prefix: str, fetch: Callable[[str], str | None]) -> None:
        folders = post_key.split("/")[:-1]
        cut = next((i for i, part in enumerate(folders) if part in _SITE_FOLDERS), None)
        self._root = "/".join(folders[:cut]) + "/" if cut else prefix
        self._folder = "/".join(folders) + "/" if folders else ""
        self._prefix = prefix
        self._fetch = fetch
        self._found: dict[str, str | None] = {}

    @property
    def read_keys(self) -> tuple[str, ...]:
        return tuple(self._found)

    def get(self, name: str, relative: bool = False) -> str | None:
        key = posixpath.normpath((self._folder if relative else self._root + "_includes/") + name)
        if key in self._found:  # included again (a loop): read once
            return self._found[key]
        if not key.startswith(self._prefix) or len(self._found) >= MAX_INCLUDE_FILES:
            return None
        self._found[key] = self._fetch(key)
        return self._found[key]


class _Render:
    def __init__(self, includes: Includes | None) -> None:
        self.includes = includes
        self.warnings: list[str] = []
        self.deadline = time.monotonic() + MAX_SECONDS

    def warn(self, message: str) -> None:
        if message not in self.warnings and len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)


_CURRENT: ContextVar[_Render | None] = ContextVar("pressroom_liquid_render", default=None)
# `site.url`, `site.title` and the upload's includes while a file is read (`reading_site`, set
# by `read_article`).
_SITE: ContextVar[Mapping[str, str] | None] = ContextVar("pressroom_liquid_site", default=None)
_INCLUDES: ContextVar[Includes | None] = ContextVar("pressroom_liquid_includes", default=None)


@contextmanager
def reading_site(url: str, title: str, includes: Includes | None = None) -> Iterator[None]:
    """`site.url`, `site.title` and the includes for the Liquid of the files read inside."""
    site, found = _SITE.set({"url": url, "title": title}), _INCLUDES.set(includes)
    try:
        yield
    finally:
        _SITE.reset(site)
        _INCLUDES.reset(found)


def _warn(message: str) -> None:
    if (render := _CURRENT.get()) is not None:
        render.warn(message)


class _WarningUndefined(Undefined):
    """An undefined variable: empty, and a warning naming it when it is printed."""

    __slots__ = ()

    def __str__(self) -> str:
        hint = self.hint or ""
        name = (
            hint.removesuffix(" is undefined").strip("'") if hint.endswith(" is undefined") else ""
        )
        _warn(f"The Liquid variable `{_short(name or self.name)}` is not defined here: left out.")
        return ""


class _TimeLimitError(ResourceLimitError):
    pass


class _TimedContext(RenderContext):
    """A render context that also stops at the render's deadline (checked at every loop's start
    and every filter call: the places where time goes)."""

    def _check_time(self) -> None:
        render = _CURRENT.get()
        if render is not None and time.monotonic() > render.deadline:
            raise _TimeLimitError("time limit reached", token=None)

    def raise_for_loop_limit(self, length: int = 1) -> None:
        self._check_time()
        super().raise_for_loop_limit(length)

    def filter(self, name: str, token: Token | None) -> Callable[..., object]:
        self._check_time()
        return super().filter(name, token)


class _TimedTemplate(BoundTemplate):
    context_class = _TimedContext


class _SandboxEnvironment(Environment):
    template_class = _TimedTemplate
    loop_iteration_limit: ClassVar[int | None] = 10_000
    output_stream_limit: ClassVar[int | None] = MAX_OUTPUT_BYTES
    context_depth_limit: ClassVar[int] = 10
    local_namespace_limit: ClassVar[int | None] = 200_000
    block_nesting_limit: ClassVar[int] = 30

    def error(self, exc: Any, msg: str | None = None, token: Token | None = None) -> None:
        error = exc if isinstance(exc, LiquidError) else exc(msg, token=token)
        if isinstance(error, ResourceLimitError):
            raise error  # a limit ends the rendering, whatever the tolerance
        _warn(_message(error))


def _message(error: LiquidError) -> str:
    text = str(error.args[0]) if error.args else type(error).__name__
    if tag := _UNEXPECTED_TAG.fullmatch(text):
        return f"The Liquid tag `{tag[1]}` is not supported here: it is left out."
    if name := _UNKNOWN_FILTER.fullmatch(text):
        return f"The Liquid filter `{name[1]}` is not supported here: its output is left out."
    return f"Liquid that could not be rendered was left out: {_short(text)}."


def _short(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 200 else first[:199] + "…"


# --- Jekyll's tags ---------------------------------------------------------------------------


def _markup(stream: TokenStream, *, eat: bool) -> str:
    """The tag's text after its name (`ruby linenos`); a block tag eats it (the parser steps
    past an inline tag's own last token)."""
    if stream.current.kind == TOKEN_EXPRESSION:
        value = stream.current.value
        if eat:
            next(stream)
        return str(value).strip()
    return ""


class _TextNode(Node):
    __slots__ = ("text",)

    def __init__(self, token: Token, text: str) -> None:
        super().__init__(token)
        self.text = text

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(self.text)


class _UrlTag(Tag):
    """`{% post_url 2010-07-21-name %}`, `{% link _posts/2016-07-26-name.md %}`."""

    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        target = _markup(stream, eat=False).strip("\"'")
        url = ref_url(target) if target and "{" not in target else None
        if url is None:
            _warn(f"`{{% {self.name} {target} %}}` names no article here: it is left out.")
        return _TextNode(token, url or "")


class _PostUrlTag(_UrlTag):
    name = "post_url"


class _LinkTag(_UrlTag):
    name = "link"


class _HighlightNode(Node):
    __slots__ = ("block", "language")

    def __init__(self, token: Token, language: str, block: Node) -> None:
        super().__init__(token)
        self.language = language
        self.block = block

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        from io import StringIO

        inner = StringIO()
        self.block.render(context, inner)
        code = inner.getvalue().strip("\n")
        longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
        fence = "`" * max(3, longest + 1)
        return buffer.write(f"\n{fence}{self.language}\n{code}\n{fence}\n")


class _HighlightTag(Tag):
    """`{% highlight ruby linenos %}…{% endhighlight %}`: the fenced block Markdown highlights."""

    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        words = _markup(stream, eat=True).split()
        language = words[0] if words and _LANGUAGE.fullmatch(words[0]) else ""
        block = get_parser(self.env).parse_block(stream, (self.end,))
        stream.expect(TOKEN_TAG, value=self.end)
        return _HighlightNode(token, language, block)


class _IncludeNode(Node):
    __slots__ = ("params", "relative", "target")

    def __init__(self, token: Token, target: str, params: dict[str, str], relative: bool) -> None:
        super().__init__(token)
        self.target = target
        self.params = params
        self.relative = relative

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        render = _CURRENT.get()
        includes = render.includes if render is not None else None
        name = self.target
        if includes is None:
            _warn(f"`{{% include {name} %}}`: the include is not available here: it is left out.")
            return 0
        if not _INCLUDE_NAME.fullmatch(name) or ".." in name.split("/"):
            _warn(f"`{{% include {name} %}}` is not a file in `_includes/`: it is left out.")
            return 0
        text = includes.get(name, self.relative)
        if text is None:
            where = name if self.relative else f"_includes/{name}"
            _warn(f"`{{% include {name} %}}`: `{where}` was not uploaded: left out.")
            return 0
        namespace = {
            "include": {key: _literal(value, context) for key, value in self.params.items()}
        }
        template = context.env.from_string(text)
        with context.extend(namespace, template=template):
            template.render_with_context(context, buffer, partial=True)
        return 0


def _literal(value: str, context: RenderContext) -> object:
    if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) >= 2:
        return value[1:-1]
    resolved: Any = context.globals
    for part in value.split("."):
        if not isinstance(resolved, Mapping) or part not in resolved:
            return ""
        resolved = resolved[part]
    return resolved if isinstance(resolved, str | int | float) else ""


class _IncludeTag(Tag):
    """Jekyll's `{% include note.html key="value" %}` (and `include_relative`): the upload's
    `_includes/` file, rendered with `include.key`."""

    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        markup = _markup(stream, eat=False)
        target, _, rest = markup.partition(" ")
        params = {match[1]: match[2] for match in _PARAM.finditer(rest)}
        return _IncludeNode(token, target.strip("\"'"), params, self.name == "include_relative")


class _IncludeRelativeTag(_IncludeTag):
    name = "include_relative"


def _environment() -> Environment:
    env = _SandboxEnvironment(
        tolerance=Mode.LAX, undefined=_WarningUndefined, strict_filters=True, autoescape=False
    )
    for tag in (_PostUrlTag, _LinkTag, _HighlightTag, _IncludeTag, _IncludeRelativeTag):
        env.add_tag(tag)
    # `render` reads templates from a loader; Jekyll has no such tag.
    env.tags.pop("render", None)
    return env


_ENV = _environment()


# --- recognising and rendering a Liquid post ---------------------------------------------


def uses_liquid(body: str) -> bool:
    """Liquid outside code (and outside `{% raw %}`), and no Hugo shortcode anywhere outside code:
    a Hugo post's `{{< … >}}` stays the shortcodes' business."""
    prose = "".join(piece for is_code, piece in segments(body) if not is_code)
    if _SHORTCODE.search(_RAW_BLOCK.sub("", prose)):
        return False
    return bool(_LIQUID.search(prose))


def _plain(value: object, depth: int = 0) -> object:
    """Front matter as plain data: dicts, lists, strings, numbers, booleans."""
    if depth > 20:
        return None
    if isinstance(value, Mapping):
        return {str(key): _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def render_liquid(
    body: str,
    front_matter: Mapping[str, Any],
    *,
    site: Mapping[str, str] | None = None,
    page_url: str = "",
    includes: Includes | None = None,
) -> tuple[str, list[str]]:
    """`body` with its Liquid rendered, and the warnings: what was left out and why."""
    page = _plain({key: value for key, value in front_matter.items() if not key.startswith(" ")})
    assert isinstance(page, dict)
    page["url"] = page_url
    if not page.get("title") and (heading := _HEADING.search(body)):
        page["title"] = heading[1].strip()  # the title the article will get from it
    site_data = {"baseurl": "", "url": "", "title": ""} | dict(site or _SITE.get() or {})
    render = _Render(includes or _INCLUDES.get())
    with _rendering(render):
        try:
            template = _ENV.from_string(body)
            text = template.render(site=site_data, page=page)
        except (LiquidError, RecursionError) as error:  # a limit: loop, output, depth, namespace
            reason = str(error.args[0]) if error.args else "nested too deeply"
            render.warn(
                f"The Liquid in this post went past a limit ({_short(reason)}): "
                "all of its Liquid was left out."
            )
            text = _ANY_LIQUID.sub("", _RAW_BLOCK.sub("", body))
    return text, render.warnings


@contextmanager
def _rendering(render: _Render) -> Iterator[None]:
    token = _CURRENT.set(render)
    try:
        yield
    finally:
        _CURRENT.reset(token)
