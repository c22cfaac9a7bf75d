"""Forms of the public pages (GET filters; they never write)."""

from __future__ import annotations

from typing import Any

from django import forms

from haoban.catalog.selectors import filter_choices
from haoban.organization.models import Region

_ALL = [("", "全部")]
_INDENT = {Region.Kind.COUNTY: "　", Region.Kind.TOWN: "　　", Region.Kind.VILLAGE: "　　　"}


class CatalogFilterForm(forms.Form):
    """Filters of /items/: every field optional; an unknown value is ignored (the field is dropped)."""

    q = forms.CharField(label="事项名称、编码或拼音首字母", required=False, max_length=100)
    department = forms.ChoiceField(label="实施部门", required=False)
    item_type = forms.ChoiceField(label="事项类型", required=False)
    level = forms.ChoiceField(label="行使层级", required=False)
    tag = forms.ChoiceField(label="特色服务", required=False)
    region = forms.ChoiceField(label="区域", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        regions = {r.code: r.kind for r in Region.objects.only("code", "kind")}
        for name in ("department", "item_type", "level", "tag"):
            self.fields[name].choices = _ALL + choices[name]  # type: ignore[attr-defined]
        self.fields["region"].choices = _ALL + [  # type: ignore[attr-defined]
            (code, _INDENT.get(regions.get(code, ""), "") + name) for code, name in choices["region"]
        ]

    def filters(self) -> dict[str, str]:
        """The valid, non-empty filters, ready for ``published_items(**filters)``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v}
