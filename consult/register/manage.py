"""Officials' pages of the AI register (register, revise, assessment stages, linked consultations,
answers to flags) and organisations' flags."""
from __future__ import annotations

from .views import bp  # noqa: F401
