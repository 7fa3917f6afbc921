"""Form helpers shared by the admin pages of every app."""

from __future__ import annotations

import copy
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

_M = TypeVar("_M", bound=models.Model)


class ServiceCheckedForm(forms.ModelForm[_M], Generic[_M]):
    """A model form that puts the domain service's objections beside the form, before anything
    is saved, instead of letting the save fail with a server error.

    Subclasses name the service's validator in ``check`` and may say in ``can_check`` when the
    form's own errors leave nothing to check.
    """

    def check(self, candidate: _M) -> None:
        raise NotImplementedError

    def can_check(self, cleaned: dict[str, Any]) -> bool:
        return True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or not self.can_check(cleaned):
            return cleaned
        candidate = copy.copy(self.instance)
        for name in self._meta.fields or ():
            setattr(candidate, name, cleaned.get(name))
        try:
            self.check(candidate)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned
