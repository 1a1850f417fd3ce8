"""Code and math in Markdown (issue 18): GIVEN fenced code WHEN read THEN Pygments' classes
highlight it (escaped, no inline styles) and an unknown language stays plain; GIVEN `math: true`
THEN `$...$` and `$$...$$` become MathML on the server, bounded and sanitised; without it, dollars
are text. Raw MathML survives the sanitiser."""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pytest

from pressroom.readers.markdown_extensions import MAX_TEX_CHARS, tex_to_mathml
from pressroom.readers.markdown_reader import read_markdown
from pressroom.readers.sanitize import clean_html

REPO = Path(__file__).resolve().parents[3]
STYLESHEET = REPO / "layers/pressroom/pressroom/render/static/style.css"
MATH = "---\nmath: true\n---\n"


def body(markdown: str) -> str:
    return read_markdown(markdown)[0]


# --- code -----------------------------------------------------------------------------------


def test_given_a_python_fence_when_read_then_it_is_highlighted_with_classes_golden():
    assert body("```python\nif x < 1:\n    print('<b>')\n```\n") == (
        '<pre class="highlight"><code class="language-python">'
        '<span class="k">if</span> <span class="n">x</span> <span class="o">&lt;</span> '
        '<span class="mi">1</span><span class="p">:</span>\n'
        '    <span class="nb">print</span><span class="p">(</span>'
        '<span class="s1">\'&lt;b&gt;\'</span><span class="p">)</span>\n'
        "</code></pre>\n"
    )


def test_given_a_language_alias_then_the_class_names_pygments_own_alias():
    assert body("```JS\nlet a = 1;\n```\n").startswith(
        '<pre class="highlight"><code class="language-javascript">'
    )


def test_given_an_unknown_language_when_read_then_it_is_plain_escaped_code_golden():
    assert body("```nosuchlang\n<b>x</b>\n```\n") == (
        '<pre><code class="language-nosuchlang">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n'
    )


def test_given_no_language_then_the_block_is_plain_code():
    assert body("```\nx = 1\n```\n") == "<pre><code>x = 1\n</code></pre>\n"


@pytest.mark.parametrize(
    "info",
    ['"><script>alert(1)</script>', 'python" onmouseover="alert(1)', "python'><img src=x>"],
)
def test_given_a_hostile_language_name_then_it_is_neither_markup_nor_an_attribute(info: str):
    html = body(f"```{info}\nx = 1\n```\n")

    assert html.startswith("<pre><code>") or html.startswith('<pre><code class="language-')
    assert "<script" not in html and "onmouseover" not in html and "<img" not in html


def test_given_highlighted_code_then_no_inline_style_survives():
    assert "style=" not in body("```css\na { color: red }\n```\n")


# --- the theme's code colours ------------------------------------------------------------------


def _code_styles():
    spec = importlib.util.spec_from_file_location("code_styles", REPO / "tools/code_styles.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_given_the_theme_then_its_code_colours_are_what_pygments_generates_now():
    """Fails when the committed block drifted (run `tools/code_styles.py` to refresh it)."""
    styles = _code_styles()
    stylesheet = STYLESHEET.read_text()

    assert styles.generated_css() in stylesheet
    assert styles.with_generated_css(stylesheet) == stylesheet
    assert "@media (prefers-color-scheme: light)" in stylesheet
    assert "@media (prefers-color-scheme: dark)" in stylesheet


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_given_each_code_style_then_every_token_colour_meets_wcag_aa(scheme: str):
    styles = _code_styles()
    name = styles.LIGHT_STYLE if scheme == "light" else styles.DARK_STYLE
    background, _ = styles.style_colours(name)
    block = styles._block(name, scheme)
    colours = set(re.findall(r"(?<![-\w])color: (#[0-9A-Fa-f]{3,6})", block))

    assert colours
    assert min(_contrast(colour, background) for colour in colours) >= 4.5


def test_given_the_stylesheet_then_the_code_colours_are_scoped_to_highlighted_blocks():
    generated = _code_styles().generated_css()
    selectors = re.findall(r"^\s*([^@/\s}][^{]*)\{", generated, re.MULTILINE)

    assert selectors and all(
        s.strip().startswith((".highlight", ".body pre.highlight")) for s in selectors
    )


# --- math -----------------------------------------------------------------------------------


def test_given_math_true_when_read_then_inline_math_is_mathml_golden():
    assert body(MATH + "Area $\\pi r^2$ here.\n") == (
        '<p>Area <math display="inline"><mrow><mi>π</mi><msup><mi>r</mi><mn>2</mn></msup>'
        "</mrow></math> here.</p>\n"
    )


def test_given_math_true_when_read_then_display_math_keeps_its_thin_space_golden():
    assert body(MATH + "$$\n\\int_0^1 x\\,dx\n$$\n") == (
        '<div class="math-display"><math display="block"><mrow><msubsup><mo>∫</mo><mn>0</mn>'
        '<mn>1</mn></msubsup><mi>x</mi><mspace width="0.167em"></mspace><mi>d</mi><mi>x</mi>'
        "</mrow></math></div>\n"
    )


def test_given_math_true_then_display_math_inside_a_paragraph_is_math_too():
    assert '<math display="block">' in body(MATH + "So $$a = b$$ holds.\n")


def test_given_math_true_then_prices_in_dollars_stay_text():
    assert body(MATH + "It costs $5 and $10.\n") == "<p>It costs $5 and $10.</p>\n"


def test_given_no_math_flag_then_dollars_are_ordinary_text():
    assert body("Area $\\pi r^2$ and $$x$$.\n") == "<p>Area $\\pi r^2$ and $$x$$.</p>\n"
    assert body("---\nmath: false\n---\n$x$\n") == "<p>$x$</p>\n"


def test_given_raw_mathml_in_an_article_then_it_survives_with_its_content():
    raw = (
        "<p>Inline <math><mi>y</mi><mo>=</mo><msup><mi>x</mi><mn>2</mn></msup></math>.</p>\n"
        '<math display="block"><mfrac><mn>1</mn><mn>2</mn></mfrac></math>\n'
    )

    assert body(raw) == raw


@pytest.mark.parametrize(
    ("tex", "gone"),
    [
        ("\\href{javascript:alert(1)}{x}", ("href", "javascript")),
        ("\\text{<script>alert(1)</script>}", ("<script",)),
        ("\\text{<img src=x onerror=alert(1)>}", ("<img",)),
        ("\\style{background:url(javascript:alert(1))}{x}", ("style", "javascript")),
        ('\\color{red" onmouseover="alert(1)}{x}', ("onmouseover=",)),
        ("\\unicode{x3C}script\\unicode{x3E}", ("<script",)),
    ],
)
def test_given_hostile_tex_then_the_mathml_carries_no_markup_or_script(
    tex: str, gone: tuple[str, ...]
):
    html = body(MATH + f"${tex}$\n")

    assert "<math" in html
    for fragment in gone:
        assert fragment not in html


def test_given_tex_with_markup_then_it_is_shown_as_escaped_text():
    assert "<mtext>&lt;b&gt;</mtext>" in body(MATH + "$\\text{<b>}$\n")


def test_given_macro_definitions_then_they_are_not_expanded_but_shown_as_source():
    bomb = "\\newcommand{\\a}{xxxxxxxx}\\newcommand{\\b}{\\a\\a\\a\\a}\\b"

    assert body(MATH + f"${bomb}$\n") == (f'<p><code class="math-source">${bomb}$</code></p>\n')


def test_given_malformed_or_deeply_nested_tex_then_it_stays_source_text():
    assert tex_to_mathml("\\sqrt{", display=False) is None
    assert tex_to_mathml("{" * 1500 + "x" + "}" * 1500, display=False) is None
    assert body(MATH + "$\\sqrt{$ then text.\n") == (
        '<p><code class="math-source">$\\sqrt{$</code> then text.</p>\n'
    )


def test_given_huge_math_then_rendering_is_bounded_in_time_and_falls_back_to_source():
    long_one = "x^2+" * (MAX_TEX_CHARS // 4 + 1)
    many = " ".join(["$\\frac{a}{b}^{2}$"] * 20_000)

    started = time.perf_counter()
    long_html = body(MATH + f"${long_one}1$\n")
    many_html = body(MATH + many + "\n")
    elapsed = time.perf_counter() - started

    assert '<code class="math-source">' in long_html
    assert many_html.count("<math") < 20_000 and '<code class="math-source">' in many_html
    assert elapsed < 30


def test_given_mathml_with_scripting_attributes_when_cleaned_then_they_are_gone():
    cleaned = clean_html(
        '<math href="javascript:alert(1)" onclick="x()" style="color:red"><mi '
        'xlink:href="javascript:y">a</mi><maction actiontype="toggle"><mi>b</mi></maction>'
        '<semantics><mi>c</mi><annotation-xml encoding="text/html"><img src=x onerror=z>'
        "</annotation-xml></semantics></math>"
    )

    assert cleaned == "<math><mi>a</mi><semantics><mi>c</mi></semantics></math>"


@pytest.mark.parametrize(
    "front_matter", ["math: true", "math: yes", "katex: true", "mathjax: true", "math: katex"]
)
def test_given_the_ways_migrated_posts_ask_for_math_then_math_is_rendered(front_matter: str):
    assert "<math" in body(f"---\n{front_matter}\n---\n$x$\n")


@pytest.mark.parametrize("front_matter", ["math: false", "mathjax: no", "title: T"])
def test_given_math_off_or_absent_then_dollars_stay_text(front_matter: str):
    assert body(f"---\n{front_matter}\n---\n$x$\n") == "<p>$x$</p>\n"
