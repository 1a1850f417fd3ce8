"""Writes the code-highlighting colours into the theme's stylesheet, from Pygments' styles.

    .venv/bin/python tools/code_styles.py

The generated block sits between the `BEGIN`/`END` comments of
`layers/pressroom/pressroom/render/static/style.css` and is committed with it, so the stylesheet
stays one static file under its content-hashed name (`render.stylesheet()`) and no function
imports Pygments' formatter to serve it. A unit test fails when the block is not what this
script writes (say, after a Pygments upgrade changed a style), and checks its contrast.

Light: Pygments' `xcode`; dark (`prefers-color-scheme: dark`): `lightbulb`: each on its own
background, the only two of Pygments' styles whose every colour meets WCAG AA (4.5:1) there.
Each is wrapped in its own media query, so no colour of one leaks into the other.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pygments.formatters import HtmlFormatter
from pygments.styles import get_style_by_name
from pygments.token import Token

LIGHT_STYLE = "xcode"
DARK_STYLE = "lightbulb"
SCOPE = ".highlight"
BEGIN = "/* BEGIN code highlighting: written by tools/code_styles.py from Pygments; do not edit */"
END = "/* END code highlighting */"
STYLESHEET = (
    Path(__file__).resolve().parent.parent / "layers/pressroom/pressroom/render/static/style.css"
)


def style_colours(name: str) -> tuple[str, str]:
    """(background, text colour) of a Pygments style."""
    style = get_style_by_name(name)
    text = style.style_for_token(Token.Text)["color"] or style.style_for_token(Token)["color"]
    return style.background_color, f"#{text}" if text else "inherit"


def _block(name: str, scheme: str) -> str:
    background, text = style_colours(name)
    rules = HtmlFormatter(style=name).get_token_style_defs(SCOPE)
    lines = [
        f"@media (prefers-color-scheme: {scheme}) {{  /* Pygments' {name} */",
        f"  .body pre{SCOPE} {{ background: {background}; color: {text}; }}",
        *(f"  {rule}" for rule in rules),
        "}",
    ]
    return "\n".join(lines)


def generated_css() -> str:
    return "\n".join([BEGIN, _block(LIGHT_STYLE, "light"), _block(DARK_STYLE, "dark"), END])


def with_generated_css(stylesheet: str) -> str:
    """`stylesheet` with its generated block replaced (or appended when it has none)."""
    start, end = stylesheet.find(BEGIN), stylesheet.find(END)
    if start == -1 or end == -1:
        return stylesheet.rstrip("\n") + "\n\n" + generated_css() + "\n"
    return stylesheet[:start] + generated_css() + stylesheet[end + len(END) :]


def main() -> int:
    current = STYLESHEET.read_text(encoding="utf-8")
    updated = with_generated_css(current)
    if updated != current:
        STYLESHEET.write_text(updated, encoding="utf-8")
        print(f"updated {STYLESHEET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
