"""sanitize(): whatever a user writes, the HTML it becomes holds nothing that runs.

Every vector goes through the real pipeline (clean_source → markdown-it → nh3); the output is parsed
and checked structurally, so a vector that slips through in a form nobody thought of still fails.
"""
from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from consult.sanitize import clean_source, sanitize

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "rel"}, "ol": {"start"}}
SAFE_SCHEMES = {"http", "https", "mailto"}


class _Elements(HTMLParser):
    """Collects every start tag with its attributes (values entity-decoded by the parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def _elements(markup: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.elements


def _squeezed(url: str) -> str:
    """The URL as a lenient browser might read it: entities and %-escapes decoded (repeatedly),
    whitespace, control and invisible characters removed, lower case."""
    text = url
    for _ in range(5):
        decoded = unquote(html.unescape(text))
        if decoded == text:
            break
        text = decoded
    return "".join(ch for ch in text if not ch.isspace()
                   and unicodedata.category(ch) not in ("Cc", "Cf")).lower()


def assert_inert(markup: str) -> None:
    """No tag outside the allowlist, no event handler or style, and every link is http(s), mailto or
    relative with no scheme hiding in it."""
    for tag, attrs in _elements(markup):
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {markup!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} survived in {markup!r}"
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), f"{tag}[{name}] survived in {markup!r}"
            if name == "href":
                url = _squeezed(value or "")
                scheme = urlsplit(url).scheme
                assert scheme in SAFE_SCHEMES | {""}, f"scheme {scheme!r} in {markup!r}"
                if not scheme:  # a relative reference: no "xyz:" before the first / ? #
                    assert ":" not in re.split(r"[/?#]", url, maxsplit=1)[0], f"hidden scheme in {markup!r}"
                for bad in ("javascript:", "vbscript:", "livescript:"):
                    assert bad not in url, f"{bad} in {markup!r}"
                assert not url.startswith("data:"), markup
            if tag == "ol" and name == "start":
                assert (value or "").isdigit()
    # nothing outside a tag can open one: every "<" left is the start of an allowed element
    for match in re.finditer(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)", markup):
        assert match.group(1).lower() in ALLOWED_TAGS, f"<{match.group(1)} in {markup!r}"


XSS_VECTORS = [
    # plain script
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)//",
    "<body onload=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">click</a>',
    "<div onmouseover='alert(1)'>hover</div>",
    # javascript: links, with obfuscation
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](<java\tscript:alert(1)>)",
    "[x](<java\nscript:alert(1)>)",
    "[x](java&#x09;script:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](jav&#x0D;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](java\u200bscript:alert(1))",
    "[x](java\u00adscript:alert(1))",
    "[x](java\u2066script:alert(1))",
    "[x](java\x00script:alert(1))",
    "[x](java%09script:alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](\\javascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    # other dangerous schemes
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](vbscript:msgbox(1))",
    "[x](livescript:alert(1))",
    "[x](file:///etc/passwd)",
    # formaction
    '<form><button formaction="javascript:alert(1)">go</button></form>',
    '<input type="submit" formaction="javascript:alert(1)">',
    # SVG
    "<svg><script>alert(1)</script></svg>",
    '<svg><use href="data:image/svg+xml,&lt;svg id=x onload=alert(1)&gt;#x"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    # styles
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="https://ok.example" style="position:fixed;top:0">x</a>',
    # embedding
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<math href="javascript:alert(1)">x</math>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # nested, unclosed and broken markup
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)",
    "<a href='javascript:alert(1)'",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "*<img src=x onerror=alert(1)>*",
    "> <script>alert(1)</script>\n> quoted",
    "- <svg onload=alert(1)>\n- item",
    # markdown link variants
    '[x](https://ok.example/"onmouseover="alert(1))',
    '[x](https://ok.example "title" onclick="alert(1)")',
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[x](https://ok.example)<script>alert(1)</script>",
    "<javascript:alert(1)>",
    "<https://ok.example/x onclick=alert(1)>",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "[x]\n\n[x]: <javascript:alert(1)>",
    "[x][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>",
    # image syntax
    "![x](javascript:alert(1))",
    "![x](https://ok.example/a.png)",
    '![x](https://ok.example/a.png "t" onerror="alert(1)")',
    "![x][img]\n\n[img]: javascript:alert(1)",
]


@pytest.mark.parametrize("source", XSS_VECTORS)
def test_no_executable_construct_survives(source: str) -> None:
    assert_inert(str(sanitize(source)))


@pytest.mark.parametrize("source", [
    "[x](java&#x09;script:alert(1))", "[x](<java\tscript:alert(1)>)", "[x](java%09script:alert(1))",
    "[x](\\javascript:alert(1))",
])
def test_links_with_a_hidden_scheme_stay_text(source: str) -> None:
    """Percent-escaped whitespace or a backslash must not smuggle a scheme into a relative link."""
    out = str(sanitize(source))
    assert "<a " not in out and "[x](" in out


def test_raw_html_is_shown_as_text_not_dropped() -> None:
    out = str(sanitize("I think <script>alert(1)</script> is bad"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script" not in out


def test_the_markdown_subset_renders() -> None:
    source = ("Intro with *emphasis*, **strong** and a [link](https://example.org/path?q=1).\n"
              "Hard break:\\\nnext line.\n\n"
              "- first\n- second\n\n"
              "3. three\n4. four\n\n"
              "> a quote\n\n"
              "[mail](mailto:desk@example.org) [relative](/ko/log) [anchor](#top)")
    out = str(sanitize(source))
    elements = _elements(out)
    tags = [tag for tag, _ in elements]
    for tag in ("p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br"):
        assert tag in tags, (tag, out)
    assert '<ol start="3">' in out
    links = {dict(attrs)["href"]: dict(attrs) for tag, attrs in elements if tag == "a"}
    assert set(links) == {"https://example.org/path?q=1", "mailto:desk@example.org", "/ko/log", "#top"}
    for attrs in links.values():
        assert {"nofollow", "noopener", "noreferrer"} <= set(attrs["rel"].split())
    assert "<em>emphasis</em>" in out and "<strong>strong</strong>" in out
    assert "<blockquote>\n<p>a quote</p>\n</blockquote>" in out
    assert_inert(out)


def test_korean_text_and_entities_come_through() -> None:
    out = str(sanitize("**개인정보 보호법** 제3조 & <비고>"))
    assert "<strong>개인정보 보호법</strong>" in out
    assert "&amp;" in out and "&lt;비고&gt;" in out


def test_sanitize_returns_markup() -> None:
    from markupsafe import Markup
    assert isinstance(sanitize("x"), Markup)


@pytest.mark.parametrize("char", [
    "\x00", "\x07", "\x1b", "\x7f", "\x85",  # C0/C1 controls
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero-width, direction marks
    "\u202a", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",  # bidi embeddings and isolates
    "\u2060", "\u2064", "\ufeff", "\u00ad", "\u061c", "\u180e",  # joiner, BOM, soft hyphen …
    "\U000e0041", "\U000e007f",  # tag characters ("ASCII smuggling")
])
def test_clean_source_removes_control_and_invisible_characters(char: str) -> None:
    assert clean_source(f"java{char}script") == "javascript"


def test_clean_source_keeps_newlines_and_tabs_and_normalises_line_ends() -> None:
    assert clean_source("a\r\nb\rc\td\n") == "a\nb\nc\td\n"


def test_clean_source_normalises_to_nfc() -> None:
    decomposed_hangul = "\u1100\u1161\u11a8"  # ᄀ + ᅡ + ᆨ
    assert clean_source(decomposed_hangul) == "각"
    assert clean_source("e\u0301") == "é"
    assert clean_source("각") == unicodedata.normalize("NFC", "각")
