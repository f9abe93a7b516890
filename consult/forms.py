"""Shared form pieces: validators for plain text, and the one bilingual field pattern (ko + en)."""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, Form, FormField, PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import Length, Optional, ValidationError

from .i18n import Bilingual
from .sanitize import clean_source

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


def no_control_characters(multiline: bool = False) -> Callable[[Form, Field], None]:
    """Refuse control characters (tabs and newlines only where the field is multi-line)."""
    allowed = "\n\r\t" if multiline else ""

    def check(_form: Form, field: Field) -> None:
        if isinstance(field.data, str) and any(
                unicodedata.category(ch) in ("Cc", "Cf") and ch not in allowed for ch in field.data):
            raise ValidationError(_l("Remove the control or invisible characters from this field."))

    return check


def no_markup(_form: Form, field: Field) -> None:
    """Plain-text fields hold no HTML: refuse anything that looks like a tag."""
    if isinstance(field.data, str) and _TAG.search(field.data):
        raise ValidationError(_l("This field cannot contain HTML tags."))


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")


def safe_links(_form: Form, field: Field) -> None:
    """Markdown links must go to http(s) or mailto (or stay on this site): refuse javascript: and friends."""
    from .sanitize import link_allowed
    if isinstance(field.data, str) and any(not link_allowed(url) for url in _MD_LINK.findall(field.data)):
        raise ValidationError(_l("Links must start with https://, http:// or mailto:."))


def web_address(_form: Form, field: Field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError(_l("Enter a web address starting with https:// or http://."))


class MultiCheckboxField(SelectMultipleField):
    """A choice of several, as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def plain(max_length: int, multiline: bool = False) -> list[Callable[..., None]]:
    """Validators for an optional plain-text value of at most max_length characters."""
    return [Optional(), Length(max=max_length, message=_l("At most %(max)d characters.")),
            no_control_characters(multiline), no_markup]


class BaseForm(FlaskForm):
    """All our forms: CSRF on (Flask-WTF), fields stripped of surrounding spaces."""

    class Meta:
        def bind_field(self, form: Form, unbound_field: Any, options: dict[str, Any]) -> Field:
            filters = unbound_field.kwargs.get("filters", [])
            cls = unbound_field.field_class  # EmailField too (a subclass); never passwords
            if issubclass(cls, (StringField, TextAreaField)) and not issubclass(cls, PasswordField) \
                    and strip not in filters:
                unbound_field.kwargs["filters"] = [strip, *filters]
            return unbound_field.bind(form=form, **options)


def bilingual_field(label: Any, *, max_length: int, required: bool = True, multiline: bool = False,
                    description: Any = None, markdown: bool = False) -> FormField:
    """A ko/en pair; `required` means at least one language must be filled.

    Rendered by the `bilingual` macro (templates/_macros/forms.html) with lang="ko"/"en" inputs;
    read with `.bilingual` into an i18n.Bilingual.
    """
    widget_field = TextAreaField if multiline else StringField
    checks = [*plain(max_length, multiline), *([safe_links] if markdown else [])]

    class Pair(Form):
        ko = widget_field(_l("Korean"), validators=checks, filters=[strip])
        en = widget_field(_l("English"), validators=checks, filters=[strip])

        def validate(self, extra_validators: Any = None) -> bool:
            ok = super().validate(extra_validators)
            if ok and required and not (self.ko.data or self.en.data):
                self.ko.errors = [*self.ko.errors, _l("Fill in at least one language.")]
                return False
            return ok

    field = FormField(Pair, label=label, description=description or "")
    return field


def bilingual_value(field: FormField) -> Bilingual:
    """The Bilingual a bilingual_field holds, with sources normalised and empty sides as None."""
    def side(value: str | None) -> str | None:
        return clean_source(value).strip() or None if value else None
    return Bilingual(side(field.ko.data), side(field.en.data))
