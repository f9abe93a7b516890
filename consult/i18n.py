"""Languages: the /ko and /en URL prefix, locale selection, dates in Seoul time, bilingual fields."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, g, has_request_context, request, url_for
from markupsafe import Markup

LANGS = ("ko", "en")
DEFAULT_LANG = "ko"
LANG = "/<any(ko, en):lang>"
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}
# Every moment is shown in Seoul time (conventions.md §2), whoever reads it: a constant, not a lookup per date
SEOUL = ZoneInfo("Asia/Seoul")


def negotiate() -> str:
    """The visitor's language from Accept-Language; Korean when nothing matches."""
    return request.accept_languages.best_match(LANGS) or DEFAULT_LANG


def current_lang() -> str:
    """The language of this request: the URL prefix, else the negotiated one."""
    if not has_request_context():  # commands and the demo loader: messages in the default language
        return DEFAULT_LANG
    lang = g.get("lang")
    if lang in LANGS:
        return lang
    path_lang = request.path.split("/", 2)[1] if request else ""
    return path_lang if path_lang in LANGS else negotiate()


def other_lang(lang: str) -> str:
    return "en" if lang == "ko" else "ko"


@dataclass(frozen=True)
class Shown:
    """Text picked for display, with the language it is really in."""

    text: str
    lang: str
    fallback: bool


@dataclass(frozen=True)
class Bilingual:
    """A user-content field with a Korean and an English side; either may be missing."""

    ko: str | None
    en: str | None

    def pick(self, lang: str) -> Shown:
        """The text in lang, or else the other language, marked as a fallback."""
        if text := getattr(self, lang):
            return Shown(text, lang, fallback=False)
        other = other_lang(lang)
        return Shown(getattr(self, other) or "", other, fallback=True)

    def __bool__(self) -> bool:
        return bool(self.ko or self.en)

    def as_dict(self) -> dict[str, str | None]:
        return {"ko": self.ko, "en": self.en}


# Date patterns from ../shared/korea/conventions.md §2
DATE_PATTERNS = {
    ("ko", "date"): "y년 M월 d일 (E)",
    ("en", "date"): "EEE d MMM y",
    ("ko", "datetime"): "y년 M월 d일 (E) a h:mm",
    ("en", "datetime"): "EEE d MMM y, HH:mm",
    ("ko", "official"): "y. M. d.",
    ("en", "official"): "d MMMM y",
}


def format_moment(moment: datetime | None, kind: str = "date", lang: str | None = None) -> str:
    """A UTC moment shown in Seoul time in the page's language (kind: date, datetime, official)."""
    if moment is None:
        return ""
    lang = lang or current_lang()
    pattern = DATE_PATTERNS[(lang, kind)]
    if kind == "date" or kind == "official":
        local = moment.astimezone(SEOUL)
        return babel_format_date(local.date(), pattern, locale=lang)
    return babel_format_datetime(moment, pattern, tzinfo=SEOUL, locale=lang)


def days_until(moment: datetime, now: datetime) -> int:
    """Calendar days from now to moment as Seoul counts them: 0 on the day itself, 1 the day before …"""
    return (moment.astimezone(SEOUL).date() - now.astimezone(SEOUL).date()).days


def switch_language_url(lang: str) -> str:
    """The current page in another language: same endpoint, arguments and query string."""
    if request.url_rule is None or "lang" not in request.url_rule.arguments:
        return url_for("web.home", lang=lang)
    args = dict(request.view_args or {})
    args["lang"] = lang
    query = request.args.to_dict(flat=False)
    for key in list(query):
        if key in args:
            del query[key]
    return url_for(request.endpoint, **args, **query)  # type: ignore[arg-type]


def paragraphs(text: str | None) -> Markup:
    """Plain text as escaped paragraphs: blank lines (or single newlines) start a new paragraph."""
    if not text:
        return Markup("")
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(p) for p in parts)


def init_app(app: Flask) -> None:
    """Route the /ko and /en prefixes to g.lang and fill them in url_for()."""

    @app.url_value_preprocessor
    def _pull_lang(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def _add_lang(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" in values:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current_lang()

    app.jinja_env.globals.update(switch_language_url=switch_language_url, page_lang=current_lang, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                 other_lang=other_lang, days_until=days_until)
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["paragraphs"] = paragraphs
