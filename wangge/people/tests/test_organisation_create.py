from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wangge.people.choices import OrganisationKind
from wangge.people.services import organisation_create, organisation_update
from wangge.people.testing import Cast, error_codes


@pytest.mark.django_db
def test_it_creates_a_department_office(cast: Cast) -> None:
    office = organisation_create(
        name="城管执法局古美路中队",
        kind=OrganisationKind.DEPARTMENT_OFFICE,
        jurisdiction=cast.town_b,
        parent=cast.chengguan,
        phone="021-64000000",
    )
    assert office.parent == cast.chengguan


@pytest.mark.django_db
def test_it_refuses_a_jurisdiction_outside_the_parents(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        organisation_create(
            name="越界工作站",
            kind=OrganisationKind.WORKSTATION,
            jurisdiction=cast.unit_b,
            parent=cast.town_a_centre,
        )
    assert error_codes(error.value) == {"jurisdiction": {"outside_parent"}}


@pytest.mark.django_db
def test_it_puts_centres_on_their_level(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        organisation_create(
            name="片区中心", kind=OrganisationKind.TOWN_CENTRE, jurisdiction=cast.area_a
        )
    assert error_codes(error.value) == {"jurisdiction": {"centre_level"}}


@pytest.mark.django_db
def test_it_puts_department_offices_under_a_department(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        organisation_create(
            name="孤儿中队",
            kind=OrganisationKind.DEPARTMENT_OFFICE,
            jurisdiction=cast.town_a,
            parent=cast.town_a_centre,
        )
    assert error_codes(error.value) == {"parent": {"office_parent"}}


@pytest.mark.django_db
def test_it_refuses_a_duplicate_name_on_the_same_grid(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        organisation_create(
            name="江川路街道城运中心", kind=OrganisationKind.JOINT_TEAM, jurisdiction=cast.town_a
        )
    assert error_codes(error.value) == {"__all__": {"unique_together"}}


@pytest.mark.django_db
def test_it_refuses_a_cycle_of_parents(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        organisation_update(organisation=cast.town_a_centre, parent=cast.workstation_a)
    assert error_codes(error.value) == {"parent": {"parent_cycle"}}
