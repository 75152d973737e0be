"""Form plumbing shared by every app: Designsystemet classes on every input."""

from __future__ import annotations

from typing import Any

from django import forms


class StyledFormMixin:
    """Adds Designsystemet's input class to every widget; Django adds the aria attributes."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} ds-input".strip()
