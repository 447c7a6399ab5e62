"""Changes as data (quizgen.generator.patch): what faults do and fixes undo."""

from __future__ import annotations

import copy

import pytest

from quizgen.generator.patch import PatchError, apply, touched

DOC = {
    "vnets": [
        {
            "name": "a",
            "region": "eastus",
            "address_space": ["10.0.0.0/16"],
            "subnets": [{"name": "web", "prefix": "10.0.1.0/24"}],
        }
    ],
    "peerings": [{"name": "a-to-b", "from": "a", "to": "b"}],
    "nsgs": [{"name": "nsg-web", "rules": []}],
}


@pytest.mark.parametrize(
    "changes",
    [
        [{"op": "set", "path": "peerings[a-to-b].use_remote_gateways", "value": True}],
        [{"op": "set", "path": "vnets[a].subnets[web].nsg", "value": "nsg-web"}],
        [{"op": "set", "path": "vnets[a].region", "value": "westeurope"}],
        [{"op": "add", "path": "nsgs[nsg-web].rules", "value": {"name": "deny", "priority": 100}}],
        [{"op": "add", "path": "route_tables", "value": {"name": "rt", "routes": []}}],
        [{"op": "remove", "path": "peerings[a-to-b]"}],
        [
            {"op": "remove", "path": "peerings[a-to-b]"},
            {"op": "add", "path": "peerings", "value": {"name": "b-to-a", "from": "b", "to": "a"}},
        ],
    ],
)
def test_undo_restores_and_input_is_untouched(changes):
    original = copy.deepcopy(DOC)
    new, undo = apply(DOC, changes)
    assert original == DOC  # copy-on-write: the input is never modified
    assert new != original
    back, _ = apply(new, undo)
    assert back == original


def test_set_none_removes_the_field():
    new, undo = apply(DOC, [{"op": "set", "path": "peerings[a-to-b].from", "value": None}])
    assert "from" not in new["peerings"][0]
    assert apply(new, undo)[0] == DOC


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"op": "set", "path": "peerings[nope].x", "value": 1}, "no item named 'nope'"),
        ({"op": "set", "path": "ghosts[a].x", "value": 1}, "no field 'ghosts'"),
        ({"op": "remove", "path": "peerings"}, "remove takes a named list item"),
        ({"op": "frobnicate", "path": "vnets[a].region"}, "unknown op"),
        ({"op": "set", "path": "vnets[a]..region", "value": 1}, "bad path segment"),
    ],
)
def test_bad_changes_are_refused(change, message):
    with pytest.raises(PatchError, match=message):
        apply(DOC, [change])


def test_touched_names_the_objects():
    assert touched(
        [
            {"op": "set", "path": "peerings[a-to-b].use_remote_gateways", "value": True},
            {"op": "add", "path": "nsgs[nsg-web].rules", "value": {"name": "deny"}},
        ]
    ) == ["a-to-b", "nsg-web", "deny"]
