"""Realistic Azure resource names for generated scenarios, drawn from an ``rng``.

Names follow the Cloud Adoption Framework abbreviations teams use: ``vnet-payments-prod-eus``,
``vnet-hub-weu``, ``snet-web``, ``nsg-web``, ``rt-spoke-payments``, ``vm-web-01``,
``vgw-hub-eus``, ``onprem-lake-amanda``, ``peer-hub-eus-to-payments-prod-eus``, ``asg-web``.

Every name matches Azure's pattern (``quizgen.fields``: ``[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}``) and
is unique within its kind for one ``Namer`` (a collision gets ``-2``, ``-3``...).

This is the only module that imports faker (style.md), and only when the first Namer is made:
modules that import this one stay standard-library-only. Creating a ``faker.Faker`` costs tens
of milliseconds, so one is created lazily and shared; each draw reseeds it from the ``Namer``'s
own generator under a lock, so Namers may be interleaved (or used from threads) and the same
``rng`` state always gives the same names.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import faker

__all__ = ["MAX_NAME", "NAME_RE", "WORKLOADS", "Namer", "region_code", "slug"]

#: Azure's name rule, as the loader enforces it (quizgen/fields.py).
NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}\Z")
MAX_NAME = 80

#: Application and workload slugs a platform team would see in one subscription estate.
WORKLOADS = (
    "payments", "crm", "inventory", "billing", "portal", "analytics", "hr", "erp", "shop",
    "logistics", "orders", "catalog", "checkout", "identity", "reporting", "search", "booking",
    "claims", "ledger", "payroll", "pricing", "loyalty", "warehouse", "fleet", "support",
    "marketing", "docs", "intranet", "mobile", "api", "iot", "telemetry", "ml", "data",
    "backup", "sap", "kiosk", "invoicing", "shipping", "tickets",
)  # fmt: skip

#: Environments and how often they appear: prod and dev are the common ones.
ENVIRONMENTS = {"prod": 35, "dev": 30, "test": 12, "stage": 10, "qa": 7, "uat": 6}

#: CAF-style short codes of Azure regions.
REGION_CODES = {
    "eastus": "eus", "eastus2": "eus2", "westus": "wus", "westus2": "wus2", "westus3": "wus3",
    "centralus": "cus", "northcentralus": "ncus", "southcentralus": "scus", "westcentralus": "wcus",
    "westeurope": "weu", "northeurope": "neu", "uksouth": "uks", "ukwest": "ukw",
    "southeastasia": "sea", "eastasia": "ea", "japaneast": "jpe", "japanwest": "jpw",
    "australiaeast": "aue", "australiasoutheast": "ause", "canadacentral": "cac",
    "canadaeast": "cae", "francecentral": "frc", "germanywestcentral": "gwc",
    "swedencentral": "sdc", "switzerlandnorth": "szn", "norwayeast": "nwe", "brazilsouth": "brs",
    "koreacentral": "krc", "centralindia": "inc", "southafricanorth": "san", "uaenorth": "uan",
}  # fmt: skip

# Words region ids are built from, longest first, for regions REGION_CODES does not know.
_REGION_WORDS = sorted(
    {"east", "west", "north", "south", "central", "southeast", "northeast", "southwest",
     "northwest", "us", "uk", "europe", "asia", "india", "japan", "korea", "australia", "canada",
     "france", "germany", "sweden", "switzerland", "norway", "brazil", "africa", "uae", "qatar",
     "israel", "italy", "poland", "spain", "mexico", "newzealand", "taiwan", "indonesia",
     "malaysia", "chile", "austria", "belgium", "denmark"},
    key=len, reverse=True,
)  # fmt: skip
# An unknown word runs until a digit or one of these starts ("marsnorth" = mars + north).
_REGION_TOKEN = re.compile(
    "|".join(_REGION_WORDS) + r"|\d+|[a-z](?:(?!east|west|north|south|central)[a-z])*"
)

#: Fallback when faker's companies give no usable word (Microsoft's own fictional companies).
_FALLBACK_COMPANIES = ("contoso", "fabrikam", "northwind", "tailspin", "woodgrove", "litware")

_T = TypeVar("_T")


# Letters NFKD does not split into an ASCII letter and an accent.
_LATIN = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
     "Ø": "O", "Ł": "L", "Đ": "D", "Æ": "AE", "Œ": "OE", "Þ": "Th"}
)  # fmt: skip


@functools.lru_cache(maxsize=4096)  # roles and regions come back for every name
def slug(text: str) -> str:
    """``text`` as lowercase ASCII ``[a-z0-9-]``: accents dropped, no edge or double hyphens."""
    latin = unicodedata.normalize("NFKD", text.translate(_LATIN))
    ascii_text = latin.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def region_code(region: str) -> str:
    """The short code of a region id: ``eastus`` -> ``eus``; unknown ones by their words' initials.

    ``southcentralus2`` reads as south + central + us + 2 -> ``scu2``; a word it does not know
    gives its first letter (``marsnorth`` -> ``mn``).
    """
    key = re.sub(r"[^a-z0-9]", "", slug(region))
    if not key:
        raise ValueError(f"region {region!r}: expected an Azure region id such as eastus")
    if key in REGION_CODES:
        return REGION_CODES[key]
    tokens = _REGION_TOKEN.findall(key)
    return "".join(token if token.isdigit() else token[0] for token in tokens)


@functools.cache
def shared_faker() -> faker.Faker:
    """The one ``faker.Faker`` every Namer reseeds, created on first use (it is slow to build).

    faker is imported here, not at the top, so modules that import this one (the topology
    builder) stay standard-library-only until a Namer is made.
    """
    import faker

    return faker.Faker("en_US")


_FAKER_LOCK = threading.Lock()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", slug(text))


@functools.cache
def _last_names() -> tuple[tuple[str, ...], tuple[str, ...], list[float], float]:
    """faker's company formats, and its last names with their cumulative weights."""
    fake = shared_faker()
    formats = tuple(fake.company.__self__.formats)
    weighted = fake.last_name.__self__.last_names
    cumulative = list(itertools.accumulate(weighted.values()))
    return formats, tuple(weighted), cumulative, cumulative[-1] + 0.0


def _company_start(seed: int) -> list[str] | None:
    """The words of ``faker.company()`` seeded with ``seed``, from its first word on, as far as
    that first word: the first last name faker draws (each format starts with one), found with
    the draws faker makes for it (``random.choice`` of the format, then ``random.choices``
    weighted by its last-name weights) on a ``random.Random(seed)``, as ``seed_instance`` sets.
    That spares building the whole name (tests/test_names.py compares the two). None when the
    last name has no letter, where the company's first word would come from further on."""
    formats, names, cumulative, total = _last_names()
    rng = random.Random(seed)
    rng.choice(formats)
    name = names[bisect.bisect(cumulative, rng.random() * total, 0, len(names) - 1)]
    return _words(name) or None


def _role(role: str) -> str:
    text = slug(role)
    if not text:
        raise ValueError(f"{role!r}: expected letters or digits, such as 'web'")
    return text


#: Cities where companies keep offices and datacenters: on-premises sites read like real ones.
SITES = (
    "amsterdam",
    "atlanta",
    "austin",
    "boston",
    "chicago",
    "dallas",
    "denver",
    "dublin",
    "frankfurt",
    "hamburg",
    "houston",
    "london",
    "madrid",
    "manchester",
    "milan",
    "montreal",
    "munich",
    "newyork",
    "paris",
    "phoenix",
    "seattle",
    "singapore",
    "stockholm",
    "sydney",
    "tokyo",
    "toronto",
    "vienna",
    "warsaw",
    "zurich",
    "hq",
    "dc1",
    "dc2",
)


class Namer:
    """Names for one generated scenario; everything is drawn from the ``rng`` given.

    The constructor takes a fixed amount from ``rng`` (one 64-bit draw) and keeps its own
    generator, so asking for more or fewer names never shifts the caller's later random choices.
    """

    company: str

    def __init__(self, rng: random.Random) -> None:
        self._rng = random.Random(rng.getrandbits(64))
        self._taken: defaultdict[str, set[str]] = defaultdict(set)
        self._vm_numbers: Counter[str] = Counter()
        self._workloads: list[str] = []
        self._workload_round = 0
        self.company = self._draw_company()

    # -- faker draws -------------------------------------------------------------------------

    @staticmethod
    def _fake(seed: int, draw: Callable[[faker.Faker], _T]) -> _T:
        fake = shared_faker()
        with _FAKER_LOCK:
            fake.seed_instance(seed)
            return draw(fake)

    def _draw_company(self) -> str:
        for _ in range(20):
            seed = self._rng.getrandbits(32)
            words = _company_start(seed)
            if words is None:
                words = _words(self._fake(seed, lambda fake: fake.company()))
            if words and 3 <= len(words[0]) <= 12:
                return words[0]
        return self._rng.choice(_FALLBACK_COMPANIES)

    # -- uniqueness --------------------------------------------------------------------------

    def _unique(self, kind: str, base: str) -> str:
        """``base`` (cut to fit), else ``base-2``, ``base-3``...: the first free one in ``kind``."""
        taken = self._taken[kind]
        name = _fit(base, "")
        number = 1
        while name in taken:
            number += 1
            name = _fit(base, f"-{number}")
        taken.add(name)
        return name

    # -- slugs -------------------------------------------------------------------------------

    def workload(self) -> str:
        """A workload slug not returned before: ``payments``, ``crm``... then ``payments-2``..."""
        while True:
            if not self._workloads:
                self._workload_round += 1
                self._workloads = list(WORKLOADS)
                self._rng.shuffle(self._workloads)
            base = self._workloads.pop()
            if self._workload_round > 1:
                base = f"{base}-{self._workload_round}"
            if base not in self._taken["workload"]:
                self._taken["workload"].add(base)
                return base

    def environment(self) -> str:
        """``prod``, ``dev``, ``test``, ``stage``, ``qa`` or ``uat`` (prod and dev most often)."""
        return self._rng.choices(tuple(ENVIRONMENTS), weights=tuple(ENVIRONMENTS.values()))[0]

    def region_code(self, region: str) -> str:
        """The region's short code: ``eastus`` -> ``eus``, ``westeurope`` -> ``weu``."""
        return region_code(region)

    # -- resource names ----------------------------------------------------------------------

    def vnet(self, workload: str, environment: str, region: str) -> str:
        """``vnet-{workload}-{environment}-{regioncode}``."""
        return self._unique(
            "vnet", f"vnet-{_role(workload)}-{_role(environment)}-{region_code(region)}"
        )

    def hub_vnet(self, region: str) -> str:
        """``vnet-hub-{regioncode}`` (unique among all VNets of this Namer)."""
        return self._unique("vnet", f"vnet-hub-{region_code(region)}")

    def subnet(self, role: str, vnet: str | None = None) -> str:
        """``snet-{role}``, unique within ``vnet`` when given (Azure's scope), else Namer-wide."""
        return self._unique(f"subnet:{vnet}" if vnet else "subnet", f"snet-{_role(role)}")

    def nsg(self, role: str) -> str:
        """``nsg-{role}``."""
        return self._unique("nsg", f"nsg-{_role(role)}")

    def route_table(self, role: str) -> str:
        """``rt-{role}``."""
        return self._unique("route_table", f"rt-{_role(role)}")

    def vm(self, role: str) -> str:
        """``vm-{role}-01``, ``vm-{role}-02``... numbered per role."""
        role = _role(role)
        self._vm_numbers[role] += 1
        return self._unique("vm", f"vm-{role}-{self._vm_numbers[role]:02d}")

    def gateway(self, region: str) -> str:
        """``vgw-hub-{regioncode}``."""
        return self._unique("gateway", f"vgw-hub-{region_code(region)}")

    def onprem(self) -> str:
        """``onprem-{city}`` from real office and datacenter cities, e.g. ``onprem-chicago``."""
        taken = self._taken["onprem"]
        free = [c for c in SITES if f"onprem-{c}" not in taken]
        return self._unique("onprem", f"onprem-{self._rng.choice(free or SITES)}")

    def peering(self, from_vnet: str, to_vnet: str) -> str:
        """``peer-{from}-to-{to}`` with the ``vnet-`` prefixes dropped, cut to fit 80 characters."""
        ends = [_role(name.removeprefix("vnet-")) for name in (from_vnet, to_vnet)]
        room = (MAX_NAME - len("peer--to-") - 3) // 2  # 3: room for a "-NN" suffix
        ends = [end if len(end) <= room else end[:room].rstrip("-") for end in ends]
        return self._unique("peering", f"peer-{ends[0]}-to-{ends[1]}")

    def asg(self, role: str) -> str:
        """``asg-{role}``."""
        return self._unique("asg", f"asg-{_role(role)}")

    def rule(self, action: str) -> str:
        """A rule name from its description: ``Allow HTTPS from web`` -> ``allow-https-from-web``.

        Not made unique: rule names are scoped to their NSG, which the caller knows.
        """
        return _fit(_role(action), "")


def _fit(base: str, suffix: str) -> str:
    """``base + suffix`` within Azure's 80 characters, cutting ``base`` (never at a hyphen)."""
    return base[: MAX_NAME - len(suffix)].rstrip("-") + suffix
