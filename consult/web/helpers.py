"""Small helpers every view uses: who is acting, safe redirects, rendering a form's failure."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import policy
from ..errors import Invalid


def current_person() -> Any:
    return current_user if current_user.is_authenticated else None


def current_actor() -> policy.Actor:
    """The logged-in person acting as themself (views add an organisation with accounts.queries.actor_in)."""
    return policy.actor_for(current_person())


def offices(can: Callable[[policy.Actor], bool]) -> tuple[list[Any], Any]:
    """The organisations the logged-in person may act for under `can` (403 if none), and the one the
    request chose with `?org=` (or the first): for forms an official fills in for one of their bodies."""
    from ..accounts.queries import actor_in, memberships
    allowed = [m.organization for m in memberships(current_user) if can(actor_in(current_user, m.organization))]
    if not allowed:
        abort(403)
    chosen = request.values.get("org", type=int)
    return allowed, next((o for o in allowed if o.id == chosen), allowed[0])


def safe_next(target: str | None, default: str) -> str:
    """A redirect target from user input, only if it stays on this site (no open redirects)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def attach(form: FlaskForm, error: Invalid) -> None:
    """Show an action's Invalid at its field (or at the top of the form when there is no such field)."""
    field = form._fields.get(error.field)
    if field is not None:
        if hasattr(field, "form") and hasattr(field.form, "ko"):  # bilingual pair: show on the pair
            field.form.ko.errors = [*field.form.ko.errors, error.message]
        else:
            field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def invalid(template: str, **context: Any) -> tuple[str, int]:
    """Re-render a form page with its messages: 422, nothing changed."""
    return render_template(template, **context), 422


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"
