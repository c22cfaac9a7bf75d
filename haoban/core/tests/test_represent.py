"""``core.api.represent`` / ``reusable``: the same output as a new serializer, the fields built once per
thread, the context of each call its own; ``parse_input`` on a reused serializer."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework import exceptions, serializers

from haoban.core.api import represent, reusable
from haoban.core.api_views import parse_input


class _LineSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=8, decimal_places=2)


class _OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=[("pending", "待缴费"), ("paid", "已缴费")])
    lines = _LineSerializer(many=True)
    viewer = serializers.SerializerMethodField()

    def get_viewer(self, order: Any) -> str:
        inner = represent(_OrderSerializer, order.child, context={"viewer": "内层"}) if order.child else None
        return f"{self.context['viewer']}/{inner['viewer'] if inner else '-'}"


class _InputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=1)


def _order(number: str, child: Any = None) -> SimpleNamespace:
    return SimpleNamespace(
        number=number,
        status="paid",
        lines=[SimpleNamespace(name="工本费", amount="10.5")],
        child=child,
    )


def test_represent_equals_a_new_serializer_and_keeps_each_context() -> None:
    order = _order("JF1", child=_order("JF2"))
    expected = _OrderSerializer(order, context={"viewer": "外层"}).data
    first = represent(_OrderSerializer, order, context={"viewer": "外层"})
    second = represent(_OrderSerializer, order, context={"viewer": "另一人"})
    assert (
        first
        == expected
        == {
            "number": "JF1",
            "status": "paid",
            "lines": [{"name": "工本费", "amount": "10.50"}],
            "viewer": "外层/内层/-",  # the nested call of the same class used a serializer of its own
        }
    )
    assert second["viewer"] == "另一人/内层/-"
    assert represent(_OrderSerializer, [order, _order("JF3")], many=True, context={"viewer": "列表"})[1] == {
        "number": "JF3",
        "status": "paid",
        "lines": [{"name": "工本费", "amount": "10.50"}],
        "viewer": "列表/-",
    }


def test_the_fields_are_built_once_per_thread_and_the_context_is_not_kept() -> None:
    with reusable(_OrderSerializer, context={"viewer": "甲"}) as first:
        fields = first.fields
        assert first.context == {"viewer": "甲"}
    with reusable(_OrderSerializer) as again:
        assert again is first and again.fields is fields
        assert again.context == {}
    seen: list[Any] = []
    thread = threading.Thread(target=lambda: seen.append(reusable(_OrderSerializer).__enter__()))
    thread.start()
    thread.join()
    assert seen[0] is not first  # another thread has its own


def test_parse_input_on_a_reused_serializer_validates_each_body_afresh() -> None:
    assert parse_input(_InputSerializer, {"item": "A1", "count": "2"}) == {"item": "A1", "count": 2}
    with pytest.raises(exceptions.ValidationError) as raised:
        parse_input(_InputSerializer, {"item": "TOO-LONG", "count": 0})
    assert raised.value.detail == {
        "item": ["请确保这个字段不能超过 5 个字符。"],
        "count": ["请确保该值大于或者等于 1。"],
    }
    # the errors of the bad body are not left behind for the next
    assert parse_input(_InputSerializer, {"item": "B", "count": 3}) == {"item": "B", "count": 3}
    with pytest.raises(exceptions.ValidationError) as raised:
        parse_input(_InputSerializer, ["not", "an", "object"])
    assert list(raised.value.detail) == ["non_field_errors"]


class _Holder:
    """An object whose attributes take each of DRF's paths: a method (called), a property that fails, a
    mapping, a missing one with a default."""

    def __init__(self) -> None:
        self.text = "甲"
        self.count = 3
        self.flag = True
        self.when = dt.date(2026, 11, 30)
        self.key = uuid.UUID("12345678-1234-5678-1234-567812345678")
        self.data = {"inner": {"name": "乙"}}
        self.nothing = None
        self.odd_count = True  # a bool where an integer is expected
        self.odd_text = 42  # a number where text is expected
        self.odd_flag = 0

    def shout(self) -> str:
        return "丙！"

    @property
    def broken(self) -> str:
        raise AttributeError("no")


class _InnerSerializer(serializers.Serializer):
    name = serializers.CharField()


class _EverySerializer(serializers.Serializer):
    text = serializers.CharField()
    count = serializers.IntegerField()
    flag = serializers.BooleanField()
    when = serializers.DateField()
    key = serializers.UUIDField()
    hex_key = serializers.UUIDField(source="key", format="hex")
    inner = _InnerSerializer(source="data.inner")
    inner_name = serializers.CharField(source="data.inner.name")
    nothing = serializers.CharField(allow_null=True)
    nested_nothing = _InnerSerializer(source="nothing", allow_null=True)
    shout = serializers.CharField()
    broken = serializers.CharField(default="默认")
    absent = serializers.CharField(required=False)
    odd_count = serializers.IntegerField()
    odd_text = serializers.CharField()
    odd_flag = serializers.BooleanField()
    whole = serializers.SerializerMethodField()
    many = _InnerSerializer(source="items", many=True)

    def get_whole(self, obj: Any) -> str:
        return type(obj).__name__


def test_represent_takes_drf_s_path_wherever_the_plan_cannot_answer() -> None:
    holder = _Holder()
    holder.items = [SimpleNamespace(name="丁"), SimpleNamespace(name="戊")]  # type: ignore[attr-defined]
    expected = dict(_EverySerializer(holder).data)
    assert (
        represent(_EverySerializer, holder)
        == expected
        == {
            "text": "甲",
            "count": 3,
            "flag": True,
            "when": "2026-11-30",
            "key": "12345678-1234-5678-1234-567812345678",
            "hex_key": "12345678123456781234567812345678",
            "inner": {"name": "乙"},
            "inner_name": "乙",
            "nothing": None,
            "nested_nothing": None,
            "shout": "丙！",  # a method: called, as DRF does
            "broken": "默认",  # the property failed: the field's default
            # "absent": not required and missing: left out
            "odd_count": 1,
            "odd_text": "42",
            "odd_flag": False,
            "whole": "_Holder",
            "many": [{"name": "丁"}, {"name": "戊"}],
        }
    )
    # and a list of them, twice (the plan is made once and reused)
    assert represent(_EverySerializer, [holder, holder], many=True) == [expected, expected]
    assert represent(_EverySerializer, [holder], many=True) == [expected]
