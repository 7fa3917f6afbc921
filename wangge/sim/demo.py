"""The demo district: Minhang's outline cut into a synthetic tree, with its operations centres,
departments, people for every role, the catalog, the responsibility table, the day and night
duty tables that name who answers for each grid around the clock (``wangge.sim.duty``) and, in
each unit grid, a few grid records (shops, buildings, facilities, companies in the parks).

Everything is built through the services, exactly as an administrator would, and is the same on
every run (seeded). The demo logins all share one password, printed by ``wangge demo``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from shapely.geometry import shape

from wangge.catalog.choices import CategoryFamily
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults, fallback_owner_set, responsibility_set
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid
from wangge.grids.services import grids_import
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, Person
from wangge.people.services import organisation_create, person_create, role_assign
from wangge.records.choices import BuildingUse
from wangge.records.codes import USCC_ALPHABET, uscc_check_character
from wangge.records.models import Building, Company, Facility, Shop
from wangge.records.services import RecordRules, record_save
from wangge.sim.duty import load_duty_tables
from wangge.sim.grids import MINHANG, SimSize, generate_district, points_inside

DEMO_PASSWORD = "wangge-demo-2017"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁"
    "谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玉兰文斌海燕晨浩宇欣怡佳琪俊"

# District departments: (name, short name, kind). The construction commission is the fallback
# owner of facility cases (Jing'an seed 002: 区建管委为部件类问题托底处置责任单位).
DEPARTMENTS = [
    ("区建设和管理委员会", "区建管委", OrganisationKind.DEPARTMENT),
    ("区城市管理行政执法局", "区城管执法局", OrganisationKind.DEPARTMENT),
    ("区绿化和市容管理局", "区绿化市容局", OrganisationKind.DEPARTMENT),
    ("区市场监督管理局", "区市场监管局", OrganisationKind.DEPARTMENT),
    ("区房屋管理局", "区房管局", OrganisationKind.DEPARTMENT),
    ("区生态环境局", "区生态环境局", OrganisationKind.DEPARTMENT),
    ("区应急管理局", "区应急局", OrganisationKind.DEPARTMENT),
    ("公安闵行分局", "公安分局", OrganisationKind.DEPARTMENT),
    ("闵行燃气有限公司", "燃气公司", OrganisationKind.UTILITY),
    ("闵行自来水有限公司", "自来水公司", OrganisationKind.UTILITY),
    ("中国电信闵行分公司", "电信闵行", OrganisationKind.UTILITY),
]
# Each town has an office of these departments: (department short name, office name pattern).
TOWN_OFFICES = [
    ("区城管执法局", "{town}城管中队"),
    ("区市场监管局", "{town}市场监管所"),
    ("公安分局", "{town}派出所"),
]
# Main classes → the district department that handles them; 事件 街面秩序 and 市容环境 go to each
# town's enforcement squad instead, and 事件 其他 to the fallback owner.
MAIN_CLASS_OWNERS = {
    (CategoryFamily.FACILITY, "01"): "区建管委",
    (CategoryFamily.FACILITY, "02"): "区建管委",
    (CategoryFamily.FACILITY, "03"): "区绿化市容局",
    (CategoryFamily.FACILITY, "04"): "区绿化市容局",
    (CategoryFamily.FACILITY, "05"): "区房管局",
    (CategoryFamily.EVENT, "02"): "区绿化市容局",
    (CategoryFamily.EVENT, "03"): "区建管委",
    (CategoryFamily.EVENT, "04"): "区应急局",
}
TOWN_SQUAD_CLASSES = [(CategoryFamily.EVENT, "01"), (CategoryFamily.EVENT, "05")]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    who: str
    can: str


DEMO_LOGINS = [
    DemoLogin("admin", "系统管理员 administrator", "everything: grids, people, catalog, admin"),
    DemoLogin(
        "leader", "区领导 district leader", "sees the whole district, dashboards and rankings"
    ),
    DemoLogin(
        "district",
        "区城运中心受理员 district dispatcher",
        "accepts and dispatches cases across the district",
    ),
    DemoLogin(
        "town",
        "街镇城运中心受理员 town dispatcher (江川路街道)",
        "accepts and dispatches the town's cases",
    ),
    DemoLogin(
        "chief", "网格长 grid chief", "self-governs the unit grid, escalates, blows the whistle"
    ),
    DemoLogin("inspector", "网格巡查员 inspector", "patrols the unit grid and reports problems"),
    DemoLogin(
        "handler",
        "部门处置人员 department handler (江川路街道城管中队)",
        "handles cases dispatched to the squad",
    ),
]


def demo_is_loaded() -> bool:
    return Grid.objects.exists()


@transaction.atomic
def load_demo(*, size: SimSize | None = None, progress: Callable[[str], None] = print) -> None:
    """Load the demo district into an empty database."""
    rng = np.random.default_rng(2017)
    summary = grids_import(g.as_record() for g in generate_district(MINHANG, size=size))
    progress(f"grids: {summary.created}")
    catalog = catalog_load_defaults()
    progress(
        f"catalog: {catalog.categories_created} categories, "
        f"{catalog.task_items_created} task list items"
    )
    district = Grid.objects.get(code=MINHANG)
    towns = list(Grid.objects.filter(level=GridLevel.TOWN).order_by("code"))
    people = _People(rng)

    centre = organisation_create(
        name="闵行区城市运行管理中心",
        short_name="区城运中心",
        kind=OrganisationKind.DISTRICT_CENTRE,
        jurisdiction=district,
    )
    departments = {
        short: organisation_create(name=name, short_name=short, kind=kind, jurisdiction=district)
        for name, short, kind in DEPARTMENTS
    }
    admin = people.add(centre, "admin", Role.ADMINISTRATOR, district)
    admin.user.is_superuser = True  # type: ignore[union-attr]
    admin.user.save()  # type: ignore[union-attr]
    people.add(centre, "leader", Role.LEADER, district)
    people.add(centre, "district", Role.DISPATCHER, district)
    people.add(centre, None, Role.DUTY_CHIEF, district)
    for department in departments.values():
        people.add(department, None, Role.HANDLER, None)

    squads: dict[int, Organisation] = {}
    for index, town in enumerate(towns):
        town_centre = organisation_create(
            name=f"{town.name}城市运行管理中心",
            short_name=f"{town.name}城运中心",
            kind=OrganisationKind.TOWN_CENTRE,
            jurisdiction=town,
            parent=centre,
        )
        first = index == 0
        people.add(town_centre, "town" if first else None, Role.DISPATCHER, town)
        people.add(town_centre, None, Role.TOWN_CHIEF, town)
        people.add(town_centre, None, Role.SUPERVISOR, town)
        for department_short, pattern in TOWN_OFFICES:
            office = organisation_create(
                name=pattern.format(town=town.name),
                kind=OrganisationKind.DEPARTMENT_OFFICE,
                jurisdiction=town,
                parent=departments[department_short],
            )
            handler_login = "handler" if first and department_short == "区城管执法局" else None
            people.add(office, handler_login, Role.HANDLER, None)
            people.add(office, None, Role.ENFORCEMENT_OFFICER, None)
            if department_short == "区城管执法局":
                squads[town.pk] = office
        _staff_town(town, town_centre, people, logins=first)

    _route_categories(departments, towns, squads)
    load_duty_tables(
        centre=centre,
        departments=departments,
        add_person=lambda organisation, role: people.add(organisation, None, role, None),
        progress=progress,
    )
    progress(f"organisations: {Organisation.objects.count()}, people: {Person.objects.count()}")
    _seed_records(np.random.default_rng(2024))
    progress(
        f"records: {Shop.objects.count()} shops, {Building.objects.count()} buildings, "
        f"{Facility.objects.count()} facilities, {Company.objects.count()} companies"
    )


def _staff_town(town: Grid, town_centre: Organisation, people: _People, *, logins: bool) -> None:
    areas = Grid.objects.filter(parent=town).order_by("code")
    for area in areas:
        people.add(town_centre, None, Role.AREA_CHIEF, area)
        units = Grid.objects.filter(parent=area).order_by("code")
        for unit in units:
            # "1+2+N": one workstation per unit, its chief, two core members, N helpers.
            station = organisation_create(
                name=f"{unit.name}工作站",
                kind=_station_kind(unit),
                jurisdiction=unit,
                parent=town_centre,
            )
            first = logins and people.first_unit is None
            if first:
                people.first_unit = unit
            people.add(station, "chief" if first else None, Role.GRID_CHIEF, unit)
            if unit.kind in (GridKind.RESIDENTIAL, GridKind.VILLAGE):
                people.add(station, None, Role.STATION_CHIEF, unit)
            people.add(station, "inspector" if first else None, Role.INSPECTOR, unit)
            people.add(station, None, Role.ASSISTANT, unit)
            blocks = list(Grid.objects.filter(parent=unit).order_by("code")[:2])
            for block in blocks:
                people.add(station, None, Role.BLOCK_CHIEF, block)
            if blocks and unit.kind == GridKind.RESIDENTIAL:
                people.add(station, None, Role.THREE_HEADS, blocks[0])
                people.add(station, None, Role.VOLUNTEER, blocks[0])


def _station_kind(unit: Grid) -> str:
    if unit.kind in (GridKind.RESIDENTIAL, GridKind.VILLAGE):
        return OrganisationKind.COMMITTEE
    return OrganisationKind.WORKSTATION


def _route_categories(
    departments: dict[str, Organisation],
    towns: list[Grid],
    squads: dict[int, Organisation],
) -> None:
    main_classes = {(c.family, c.code): c for c in Category.objects.filter(parent__isnull=True)}
    for key, short in MAIN_CLASS_OWNERS.items():
        responsibility_set(category=main_classes[key], department=departments[short])
    for key in TOWN_SQUAD_CLASSES:
        for town in towns:
            responsibility_set(category=main_classes[key], grid=town, department=squads[town.pk])
    fallback_owner_set(family=CategoryFamily.FACILITY, organisation=departments["区建管委"])
    fallback_owner_set(family=CategoryFamily.EVENT, town_centre=True)


# Grid records: what shops sell (业态) and what they are called, what buildings are used for in
# each kind of unit, which units have companies, and the facilities every unit has.
_TRADES = {
    "餐饮": ("面馆", "小吃店", "饭店", "奶茶店"),
    "零售": ("便利店", "水果店", "烟杂店", "药房"),
    "服务": ("理发店", "洗衣店", "修车铺", "快递站"),
}
_SHOPS_IN: dict[str, int] = {
    GridKind.STREET: 5,
    GridKind.SHOPFRONT_STREET: 6,
    GridKind.MARKET: 5,
    GridKind.COMMERCIAL_COMPLEX: 5,
}
_BUILDING_USE: dict[str, str] = {
    GridKind.RESIDENTIAL: BuildingUse.RESIDENTIAL,
    GridKind.VILLAGE: BuildingUse.RESIDENTIAL,
    GridKind.OFFICE_BUILDING: BuildingUse.OFFICE,
    GridKind.INDUSTRIAL_PARK: BuildingUse.INDUSTRIAL,
    GridKind.COMMERCIAL_COMPLEX: BuildingUse.COMMERCIAL,
    GridKind.MARKET: BuildingUse.COMMERCIAL,
}
_COMPANIES_IN: dict[str, int] = {
    GridKind.INDUSTRIAL_PARK: 4,
    GridKind.OFFICE_BUILDING: 3,
    GridKind.EXTENDED: 2,
}
_FIRM_WORDS = "华东新宏联创远盛达恒信泰汇"
_INDUSTRIES = ("精密机械", "电子科技", "生物医药", "新材料", "物流", "信息技术")
_FACILITY_CLASSES = ("0101", "0102", "0113", "0118", "0305", "0402")


def _seed_records(rng: np.random.Generator) -> None:
    """A few records in every unit grid, at points drawn inside it, through the services."""
    rules = RecordRules()
    classes = rules.facility_classes()
    serials = dict.fromkeys(_FACILITY_CLASSES, 0)
    for unit in Grid.objects.filter(level=GridLevel.UNIT).order_by("code"):
        shops = _SHOPS_IN.get(unit.kind, 2)
        buildings = 2
        companies = _COMPANIES_IN.get(unit.kind, 0)
        facilities = len(_FACILITY_CLASSES) // 2
        points = iter(
            points_inside(shape(unit.geometry), shops + buildings + companies + facilities, rng)
        )
        road = unit.name.removesuffix("街面").removesuffix("路")[:2]
        for _ in range(shops):
            trade = str(rng.choice(list(_TRADES)))
            lng, lat = next(points)
            shop = Shop(
                name=f"{rng.choice(list(_SURNAMES))}记{rng.choice(_TRADES[trade])}",
                address=f"{road}路{int(rng.integers(1, 999))}号",
                lng=float(lng),
                lat=float(lat),
                business_type=trade,
                holder_name=_name(rng),
                holder_phone=f"137{int(rng.integers(0, 10**8)):08d}",
                # 9 (market regulation) 2 (individual business), as small shops' licences are.
                licence=_credit_code("92", rng) if rng.random() < 0.7 else "",
            )
            record_save(record=shop, rules=rules)
        for number in range(1, buildings + 1):
            lng, lat = next(points)
            building = Building(
                name=f"{unit.name}{number}号楼",
                address=f"{road}路{int(rng.integers(1, 999))}弄{number}号",
                lng=float(lng),
                lat=float(lat),
                floors=int(rng.integers(2, 33)),
                use=_BUILDING_USE.get(unit.kind, BuildingUse.MIXED),
            )
            record_save(record=building, rules=rules)
        for _ in range(companies):
            lng, lat = next(points)
            syllables = "".join(rng.choice(list(_FIRM_WORDS), size=2, replace=False))
            company = Company(
                name=f"上海{syllables}{rng.choice(_INDUSTRIES)}有限公司",
                credit_code=_credit_code("91", rng),
                park=unit.name,
                address=f"{road}路{int(rng.integers(1, 999))}号",
                lng=float(lng),
                lat=float(lat),
            )
            record_save(record=company, rules=rules)
        for category_code in rng.choice(_FACILITY_CLASSES, size=facilities, replace=False):
            lng, lat = next(points)
            serials[category_code] += 1
            facility = Facility(
                code=f"{MINHANG}{category_code}{serials[category_code]:06d}",
                name=classes[category_code].name,
                address=f"{road}路近{int(rng.integers(1, 999))}号",
                lng=float(lng),
                lat=float(lat),
            )
            record_save(record=facility, rules=rules)


def _name(rng: np.random.Generator) -> str:
    """A plausible person's name: a surname and one or two given characters."""
    surname = str(rng.choice(list(_SURNAMES)))
    return surname + "".join(rng.choice(list(_GIVEN), size=int(rng.integers(1, 3))))


def _credit_code(kind: str, rng: np.random.Generator) -> str:
    """A unified social credit code registered in Minhang, its check character right."""
    body = "".join(rng.choice(list(USCC_ALPHABET), size=9))
    first17 = f"{kind}{MINHANG}{body}"
    return first17 + uscc_check_character(first17)


class _People:
    """Makes people with plausible names, deterministically. Everyone has an account, as staff
    do; only the demo logins have a password (the others sign in by the district's single
    sign-on in real life, and act here only in the simulated history)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.count = 0
        self.first_unit: Grid | None = None

    def add(
        self, organisation: Organisation, username: str | None, role: str, grid: Grid | None
    ) -> Person:
        self.count += 1
        name = _name(self.rng)
        phone = f"139{self.count:08d}"
        person = person_create(
            name=name,
            organisation=organisation,
            phone=phone,
            username=username or f"staff{self.count:05d}",
            password=DEMO_PASSWORD if username else None,
        )
        role_assign(person=person, role=role, grid=grid)
        return person
