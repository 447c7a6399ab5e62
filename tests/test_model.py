"""The model's value objects: model.quick_init builds them as dataclasses would."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field

import pytest

from quizgen.evaluator.nsg import TagView
from quizgen.evaluator.routes import EffectiveRoute
from quizgen.evaluator.trace import Endpoint, ReachResult
from quizgen.model import HOST_VIRTUAL_IP, SecurityRule, Vm, quick_init


def _sample(init):
    @init
    @dataclass(frozen=True, slots=True)
    class Sample:
        a: int
        b: str = "b"
        c: list = field(default_factory=list)
        d: dict = field(default_factory=dict, init=False)
        e: int | None = field(default=None, init=False)
        f: int = field(init=False)
        g: int = field(default=7, kw_only=True)

        def __post_init__(self) -> None:
            object.__setattr__(self, "e", self.a * 2)

    return Sample


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1,), {}), ((1, "x"), {}), ((1, "x", [3]), {"g": 9}), ((), {"a": 2, "c": [4], "b": "y"})],
)
def test_quick_init_builds_what_the_dataclass_init_builds(args, kwargs):
    plain, quick = _sample(lambda c: c), _sample(quick_init)
    want, got = plain(*args, **kwargs), quick(*args, **kwargs)
    names = [f.name for f in dataclasses.fields(plain) if f.name != "f"]
    assert [getattr(got, n) for n in names] == [getattr(want, n) for n in names]
    for obj in (want, got):
        with pytest.raises(AttributeError):
            obj.f  # noqa: B018 - a field without init or default stays unset
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.a = 5
    assert quick(1).c is not quick(1).c  # a new list each time
    with pytest.raises(TypeError):
        quick(1, 2, 3, 4)  # g is keyword-only
    with pytest.raises(TypeError):
        quick()


@pytest.mark.parametrize("cls", [Vm, SecurityRule, EffectiveRoute, Endpoint, ReachResult, TagView])
def test_quick_init_keeps_the_parameters(cls):
    """The model and evaluator classes that use it take the same parameters as before."""
    params = inspect.signature(cls.__init__).parameters
    fields = [f for f in dataclasses.fields(cls) if f.init]
    assert [p for p in params if p != "self"] == [f.name for f in fields]
    for f in fields:
        default = params[f.name].default
        if f.default is not dataclasses.MISSING:
            assert default == f.default
        else:
            required = f.default_factory is dataclasses.MISSING
            assert (default is inspect.Parameter.empty) == required


def test_a_tag_view_still_runs_its_post_init():
    view = TagView((HOST_VIRTUAL_IP,))
    assert view.in_virtual_network(HOST_VIRTUAL_IP.network_address)
    assert view.verdicts == {} and view.verdicts is not TagView((HOST_VIRTUAL_IP,)).verdicts
