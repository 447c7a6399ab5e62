"""quizgen.generator.names: realistic, valid, unique and reproducible Azure resource names."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.generator import names
from quizgen.generator.names import NAME_RE, SITES, WORKLOADS, Namer, region_code, slug

seeds = st.integers(min_value=0, max_value=2**64 - 1)
regions = st.sampled_from(sorted(names.REGION_CODES)) | st.from_regex(
    r"[a-z]{1,20}[0-9]?", fullmatch=True
)
roles = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,30}", fullmatch=True).filter(slug)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")


def scenario(namer: Namer, size: int = 3) -> list[str]:
    """The names a small hub-and-spoke scenario would ask for, in order."""
    out = [namer.company, namer.hub_vnet("eastus"), namer.gateway("eastus"), namer.onprem()]
    hub = out[1]
    for _ in range(size):
        workload, environment = namer.workload(), namer.environment()
        vnet = namer.vnet(workload, environment, "westeurope")
        out += [workload, environment, vnet, namer.subnet("web", vnet=vnet), namer.subnet("app")]
        out += [namer.nsg(f"{workload}-web"), namer.route_table(f"spoke-{workload}")]
        out += [namer.vm("web"), namer.vm(workload), namer.asg("web")]
        out += [namer.peering(hub, vnet), namer.peering(vnet, hub), namer.rule("Allow HTTPS in")]
    return out


@given(seeds)
def test_the_same_seed_gives_the_same_names(seed: int) -> None:
    assert scenario(Namer(random.Random(seed))) == scenario(Namer(random.Random(seed)))


def test_interleaved_namers_do_not_disturb_each_other() -> None:
    alone = Namer(random.Random(7))
    expected = [alone.company] + [alone.onprem() for _ in range(5)]
    first, second = Namer(random.Random(7)), Namer(random.Random(8))
    mixed = [first.company]
    for _ in range(5):
        second.onprem()
        mixed.append(first.onprem())
    assert mixed == expected


def test_the_same_seed_gives_the_same_names_in_another_process() -> None:
    code = textwrap.dedent(
        """
        import json, random, sys
        from tests.test_names import scenario
        from quizgen.generator.names import Namer
        print(json.dumps(scenario(Namer(random.Random(2024)), size=5)))
        """
    )
    runs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), timeout=60,
        )  # fmt: skip
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1] == scenario(Namer(random.Random(2024)), size=5)


def test_a_namer_takes_a_fixed_amount_from_the_callers_rng() -> None:
    quiet, busy = random.Random(3), random.Random(3)
    Namer(quiet)
    scenario(Namer(busy), size=8)
    assert quiet.random() == busy.random()


def test_different_seeds_usually_give_different_scenarios() -> None:
    namers = [Namer(random.Random(seed)) for seed in range(50)]
    assert len({namer.company for namer in namers}) >= 25
    assert len({namer.workload() for namer in namers}) >= 15
    assert len({namer.onprem() for namer in namers}) >= 20  # drawn from 32 real cities


@given(seeds)
def test_companies_are_short_lowercase_words(seed: int) -> None:
    assert re.fullmatch(r"[a-z]{3,12}", Namer(random.Random(seed)).company)


@given(seeds, st.lists(st.tuples(regions, roles), min_size=1, max_size=6))
def test_every_name_is_a_valid_azure_name(seed: int, asks: list[tuple[str, str]]) -> None:
    namer = Namer(random.Random(seed))
    made = scenario(namer, size=2)
    for region, role in asks:
        vnet = namer.vnet(namer.workload(), namer.environment(), region)
        made += [vnet, namer.hub_vnet(region), namer.gateway(region), namer.subnet(role)]
        made += [namer.nsg(role), namer.route_table(role), namer.vm(role), namer.asg(role)]
        made += [namer.rule(role), namer.peering(vnet, namer.hub_vnet(region)), namer.onprem()]
        made += [namer.peering("vnet-" + role * 20, "VNet_" + role.upper() * 20)]
    for name in made:
        assert NAME_RE.match(name), name
        assert len(name) <= names.MAX_NAME
        assert SLUG.match(name), name  # lowercase, no edge or double hyphens


@given(st.text(max_size=40))
def test_slugs_are_lowercase_ascii_with_single_inner_hyphens(text: str) -> None:
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug(text))


def test_slugs_drop_accents() -> None:
    assert slug("São Paulo") == "sao-paulo"
    assert slug("  Zürich--Nord ") == "zurich-nord"
    assert slug("Ørsted Łódź Straße Æther") == "orsted-lodz-strasse-aether"
    assert slug("東京") == ""  # nothing ASCII to keep


def unique_within_kind(make, count: int) -> list[str]:
    made = [make() for _ in range(count)]
    assert len(set(made)) == count
    assert all(NAME_RE.match(name) and len(name) <= names.MAX_NAME for name in made)
    return made


@given(seeds)
def test_workloads_are_unique_and_curated_first(seed: int) -> None:
    namer = Namer(random.Random(seed))
    made = unique_within_kind(namer.workload, 200)
    assert sorted(made[: len(WORKLOADS)]) == sorted(WORKLOADS)
    assert all(SLUG.match(workload) for workload in made)
    assert made[len(WORKLOADS)].endswith("-2")


def test_vms_are_numbered_per_role() -> None:
    namer = Namer(random.Random(1))
    made = unique_within_kind(lambda: namer.vm("web"), 200)
    assert made[:3] == ["vm-web-01", "vm-web-02", "vm-web-03"]
    assert made[99] == "vm-web-100"
    assert namer.vm("db") == "vm-db-01"


def test_onprem_sites_are_unique_city_slugs() -> None:
    """Real office and datacenter cities (SITES), then numbered once all are taken."""
    made = unique_within_kind(Namer(random.Random(1)).onprem, 100)
    assert all(re.fullmatch(r"onprem-[a-z0-9]+(-\d+)?", name) for name in made)
    assert {name.removeprefix("onprem-") for name in made[:32]} == set(SITES)


@pytest.mark.parametrize(
    ("method", "args", "first"),
    [
        ("hub_vnet", ("eastus",), "vnet-hub-eus"),
        ("vnet", ("payments", "prod", "eastus"), "vnet-payments-prod-eus"),
        ("subnet", ("web",), "snet-web"),
        ("nsg", ("web",), "nsg-web"),
        ("route_table", ("spoke-payments",), "rt-spoke-payments"),
        ("gateway", ("eastus",), "vgw-hub-eus"),
        ("asg", ("web",), "asg-web"),
        ("peering", ("vnet-hub-eus", "vnet-pay-prod-eus"), "peer-hub-eus-to-pay-prod-eus"),
    ],
)
def test_repeated_asks_get_numbered_suffixes(method: str, args: tuple[str, ...], first: str):
    make = getattr(Namer(random.Random(0)), method)
    made = unique_within_kind(lambda: make(*args), 50)
    assert made[:3] == [first, f"{first}-2", f"{first}-3"]


def test_hub_and_spoke_vnets_share_one_namespace() -> None:
    namer = Namer(random.Random(0))
    assert namer.vnet("hub", "prod", "eastus") == "vnet-hub-prod-eus"
    assert namer.hub_vnet("eastus") == "vnet-hub-eus"
    assert namer.vnet("hub", "prod", "eastus") == "vnet-hub-prod-eus-2"
    assert namer.hub_vnet("eastus") == "vnet-hub-eus-2"


def test_subnets_are_unique_within_their_vnet_when_it_is_given() -> None:
    namer = Namer(random.Random(0))
    assert namer.subnet("web", vnet="vnet-a") == namer.subnet("web", vnet="vnet-b") == "snet-web"
    assert namer.subnet("web", vnet="vnet-a") == "snet-web-2"
    assert [namer.subnet("web"), namer.subnet("web")] == ["snet-web", "snet-web-2"]


def test_long_names_are_cut_to_80_characters_and_stay_unique() -> None:
    namer = Namer(random.Random(0))
    long_from, long_to = "vnet-" + "a" * 75, "vnet-" + "b" * 75
    made = unique_within_kind(lambda: namer.peering(long_from, long_to), 20)
    assert made[0].startswith("peer-aaa") and "-to-bbb" in made[0]
    assert len(namer.nsg("x" * 200)) == names.MAX_NAME


def test_rules_are_slugs_and_not_numbered() -> None:
    namer = Namer(random.Random(0))
    assert namer.rule("Allow HTTPS from web") == namer.rule("allow https from web")
    assert namer.rule("Deny  all -- inbound!") == "deny-all-inbound"


@pytest.mark.parametrize("role", ["", "  ", "--", "東京"])
def test_empty_roles_are_refused(role: str) -> None:
    with pytest.raises(ValueError, match="letters or digits"):
        Namer(random.Random(0)).nsg(role)


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("eastus", "eus"), ("eastus2", "eus2"), ("westus", "wus"), ("westus2", "wus2"),
        ("westeurope", "weu"), ("northeurope", "neu"), ("uksouth", "uks"), ("ukwest", "ukw"),
        ("centralus", "cus"), ("southeastasia", "sea"), ("japaneast", "jpe"),
        ("australiaeast", "aue"), ("canadacentral", "cac"), ("francecentral", "frc"),
        ("germanywestcentral", "gwc"), ("swedencentral", "sdc"),
        ("East US 2", "eus2"),  # a display name
        ("marsnorth", "mn"), ("southcentralus3", "scu3"), ("qatarcentral", "qc"),  # unknown
    ],
)  # fmt: skip
def test_region_codes(region: str, code: str) -> None:
    assert region_code(region) == code
    assert Namer(random.Random(0)).region_code(region) == code


@given(regions)
def test_region_codes_are_short_slugs(region: str) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9]{0,20}", region_code(region))


def test_environments_favour_prod_and_dev() -> None:
    namer = Namer(random.Random(0))
    counts = {env: 0 for env in names.ENVIRONMENTS}
    for _ in range(2000):
        counts[namer.environment()] += 1
    assert set(counts) == {"prod", "dev", "test", "stage", "qa", "uat"}
    assert all(counts.values())
    assert min(counts["prod"], counts["dev"]) > max(counts["test"], counts["stage"], counts["qa"])


def test_one_faker_is_created_and_reused() -> None:
    shared = names.shared_faker()
    for seed in range(20):
        Namer(random.Random(seed)).onprem()
    assert names.shared_faker() is shared
    assert names.shared_faker.cache_info().misses == 1


def test_importing_the_module_does_not_load_faker() -> None:
    code = "import sys, quizgen.generator.names; print('faker' in sys.modules)"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert done.stdout.strip() == "False"


def test_the_company_word_is_the_one_faker_gives() -> None:
    """Namer reads a company's first word without building the company (names._company_start):
    for any seed it is the first word of faker's own company name."""
    fake = names.shared_faker()
    draw = random.Random(2024)
    for _ in range(3000):
        seed = draw.getrandbits(32)
        fake.seed_instance(seed)
        want = re.findall(r"[a-z]+", slug(fake.company()))
        assert names._company_start(seed)[0] == want[0]
