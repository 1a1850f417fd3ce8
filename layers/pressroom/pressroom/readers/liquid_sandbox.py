"""Jekyll's Liquid rendered with python-liquid in a sandbox (`jekyll_liquid` says what the
sandbox allows). Imported only when a post uses Liquid: python-liquid takes longer to load than
the rest of the readers together, and most articles never need it."""

from __future__ import annotations

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

from pressroom.readers.hugo_shortcodes import ref_url

_BACKTICKS = re.compile(r"`+")
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")
_INCLUDE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,200}")
_PARAM = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*("[^"]*"|'[^']*'|\S+)""")
_HEADING = re.compile(r"^# +([^{}\n]+?)[ #]*$", re.MULTILINE)
_UNEXPECTED_TAG = re.compile(r"unexpected tag '([^']{1,80})'")
_UNKNOWN_FILTER = re.compile(r"unknown filter '([^']{1,80})'")
MAX_OUTPUT_BYTES = 2_000_000
MAX_WARNINGS = 50
MAX_SECONDS = 1.0  # the render's time bound (on top of the loop and output limits)


class Includes(Protocol):
    """The upload's own `_includes/` files: `get("note.html")` is the text of
    `_includes/note.html`, or None; `get("x.md", relative=True)` is the file `x.md` beside the
    post (`include_relative`)."""

    def get(self, name: str, relative: bool = False) -> str | None: ...


class _Render:
    def __init__(self, includes: Includes | None) -> None:
        self.includes = includes
        self.warnings: list[str] = []
        self.deadline = time.monotonic() + MAX_SECONDS

    def warn(self, message: str) -> None:
        if message not in self.warnings and len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)


_CURRENT: ContextVar[_Render | None] = ContextVar("pressroom_liquid_render", default=None)


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


# --- rendering ----------------------------------------------------------------------------


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


def render(
    body: str,
    front_matter: Mapping[str, Any],
    site: Mapping[str, str] | None,
    page_url: str,
    includes: Includes | None,
) -> tuple[str | None, list[str]]:
    """`body` with its Liquid rendered (None past a limit: loop, output, depth, namespace,
    time), and the warnings: what was left out and why."""
    page = _plain({key: value for key, value in front_matter.items() if not key.startswith(" ")})
    assert isinstance(page, dict)  # nosec B101 # a mapping stays a mapping
    page["url"] = page_url
    if not page.get("title") and (heading := _HEADING.search(body)):
        page["title"] = heading[1].strip()  # the title the article will get from it
    site_data = {"baseurl": "", "url": "", "title": ""} | dict(site or {})
    render = _Render(includes)
    with _rendering(render):
        try:
            return _ENV.from_string(body).render(site=site_data, page=page), render.warnings
        except (LiquidError, RecursionError) as error:
            reason = str(error.args[0]) if error.args else "nested too deeply"
            render.warn(
                f"The Liquid in this post went past a limit ({_short(reason)}): "
                "all of its Liquid was left out."
            )
            return None, render.warnings


@contextmanager
def _rendering(render: _Render) -> Iterator[None]:
    token = _CURRENT.set(render)
    try:
        yield
    finally:
        _CURRENT.reset(token)
