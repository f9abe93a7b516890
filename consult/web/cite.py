"""Citable links (issue 9): a short, stable URL for every consultation, version, section, comment,
disposition, statement and register entry, and the citation the "Cite" box shows (plain text and a
BibTeX entry with the access date).

    /c/<consultation>                 the consultation          /k/<comment>   a comment
    /c/<consultation>/v<n>            one version of its draft  /d/<comment>   a comment's disposition
    /c/<consultation>/v<n>/<key>      one section of it         /s/<statement> a joint statement
    /r/<entry>                        an AI register entry

A short URL redirects (302) to the page in the visitor's language (Accept-Language, Korean by default);
it never says more than the page: a draft or a hidden object is a 404 there, as on the page itself.
Short URLs are absolute on PUBLIC_URL, so a citation names the public address, not the one a request
came in through.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db, utcnow
from ..i18n import SEOUL, format_moment, negotiate

bp = Blueprint("cite", __name__)

_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def short_url(path: str) -> str:
    """The absolute short URL of a path such as "/c/12" (on PUBLIC_URL)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


@dataclass(frozen=True)
class Citation:
    url: str
    text: str
    bibtex: str


def _bib(value: str) -> str:
    return value.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")


def citation(path: str, *, key: str, author: str, title: str, when: datetime | None) -> Citation:
    """The citation of the object at the short path: author, title, date of publication, short URL and
    the date it was read (today in Seoul), as plain text in the page's language and as BibTeX."""
    url = short_url(path)
    today = utcnow().astimezone(SEOUL).date()
    published = format_moment(when, "official") if when else _("n.d.")
    text = _("%(author)s. “%(title)s.” Gongnon, %(date)s. %(url)s (accessed %(accessed)s).",
             author=author, title=title, date=published, url=url, accessed=format_moment(utcnow(), "official"))
    fields = [("author", "{" + _bib(author) + "}"), ("title", _bib(title)), ("howpublished", "Gongnon (공론)")]
    if when:
        day = when.astimezone(SEOUL).date()
        fields += [("year", str(day.year)), ("date", day.isoformat())]
    fields += [("url", url), ("urldate", today.isoformat())]
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return Citation(url=url, text=text, bibtex=f"@misc{{gongnon-{key},\n{body}\n}}")


# ---- the short URLs -------------------------------------------------------------------------------

@bp.get("/c/<id:consultation_id>")
def consultation(consultation_id: int):
    return redirect(url_for("consultations.show", lang=negotiate(), consultation_id=consultation_id), 302)


@bp.get("/c/<id:consultation_id>/v<id:number>")
def version(consultation_id: int, number: int):
    return redirect(url_for("consultations.show", lang=negotiate(), consultation_id=consultation_id,
                            number=number), 302)


@bp.get("/c/<id:consultation_id>/v<id:number>/<key>")
def section(consultation_id: int, number: int, key: str):
    if not _KEY.match(key):
        abort(404)
    return redirect(url_for("consultations.show", lang=negotiate(), consultation_id=consultation_id,
                            number=number) + f"#section-{key}", 302)


def _comment_consultation(comment_id: int) -> int:
    from ..consultations.models import Comment
    found = db.session.scalar(select(Comment.consultation_id).where(Comment.id == comment_id))
    if found is None:
        abort(404)
    return found


@bp.get("/k/<id:comment_id>")
def comment(comment_id: int):
    return redirect(url_for("consultations.comment", lang=negotiate(), comment_id=comment_id,
                            consultation_id=_comment_consultation(comment_id)), 302)


@bp.get("/d/<id:comment_id>")
def disposition(comment_id: int):
    return redirect(url_for("consultations.comment", lang=negotiate(), comment_id=comment_id,
                            consultation_id=_comment_consultation(comment_id)) + "#disposition", 302)


@bp.get("/s/<id:statement_id>")
def statement(statement_id: int):
    return redirect(url_for("statements.show", lang=negotiate(), statement_id=statement_id), 302)


@bp.get("/r/<id:entry_id>")
def register_entry(entry_id: int):
    return redirect(url_for("register.show", lang=negotiate(), entry_id=entry_id), 302)


bp.add_app_template_global(citation, "citation")
