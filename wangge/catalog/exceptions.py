"""What the catalog raises when the domain, not the input, has no answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wangge.catalog.models import Category
    from wangge.grids.models import Grid


class CatalogError(Exception):
    """Base of the catalog's domain errors."""


class NoResponsibleDepartment(CatalogError):
    """No responsibility row applies and no fallback owner can take the case.

    Jing'an seed 002 makes the fallback owner (托底) a standing rule, so this means the district's
    configuration is incomplete: an administrator must add a FallbackOwner for the family, or the
    operations centre of the case's town.
    """

    def __init__(self, *, category: Category, grid: Grid, reason: str) -> None:
        self.category = category
        self.grid = grid
        self.reason = reason
        super().__init__(f"No department handles {category} in {grid}: {reason}")
