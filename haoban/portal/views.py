"""Public pages (citizen portal): thin views that call selectors and render templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from haoban.catalog.audit import ELEMENT_LABELS, audit_standards, to_json
from haoban.catalog.guide_pdf import render_guide_pdf
from haoban.catalog.models import ServiceItem, ServiceItemVersion, ServiceTag, ServiceTagCode
from haoban.catalog.selectors import (
    current_version,
    guide_data,
    published_items,
    published_version,
    tag_counts,
    version_history,
)

from .application import can_apply_online
from .forms import CatalogFilterForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def toggle_elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch 长辈版 (larger text, higher contrast) on or off; works without JavaScript."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get("elder") == "1":
        response.delete_cookie("elder")
    else:
        response.set_cookie("elder", "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


# --- 办事指南 (catalog and guides), 清单公开, 五级十五同 -----------------------------------------------------

PAGE_SIZE = 20


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/not_found.html", {"message": message}, status=404)


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def item_list(request: HttpRequest) -> HttpResponse:
    """/items/: filter and search the current published items; htmx swaps only the results."""
    form = CatalogFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    page = _page(request, published_items(**filters))
    context = {
        "form": form,
        "page": page,
        "filtered": bool(filters),
        "query": _query_without_page(request),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "portal/_item_results.html", context)
    else:
        response = render(request, "portal/items.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _guide_context(version: ServiceItemVersion) -> dict[str, Any]:
    code = version.item.implementation_code
    current = current_version(code)
    is_current = current is not None and current.pk == version.pk
    if is_current:
        pdf_url = reverse("portal:guide_pdf", args=[code])
    else:
        pdf_url = reverse("portal:version_pdf", args=[code, version.number])
    guide = guide_data(version)
    exempt = sum(1 for m in guide["materials"] if m["exempt"])
    return {
        "guide": guide,
        "material_counts": {"submit": len(guide["materials"]) - exempt, "exempt": exempt},
        "code": code,
        "is_current": is_current,
        "current": current,
        "pdf_url": pdf_url,
        "api_url": f"/api/v1/guides/{code}/",
        "versions_url": reverse("portal:item_versions", args=[code]),
        "apply_url": reverse("portal:apply", args=[code]) if is_current and can_apply_online(version) else "",
    }


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = current_version(code)
    if version is None:
        return _not_found(
            request, f"没有找到实施编码为 {code} 的现行事项。请核对编码，或在办事指南中搜索事项名称。"
        )
    return render(request, "portal/guide.html", _guide_context(version))


def item_version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = published_version(code, number)
    if version is None:
        return _not_found(request, f"事项 {code} 没有已发布的第 {number} 版。")
    return render(request, "portal/guide.html", _guide_context(version))


def item_versions(request: HttpRequest, code: str) -> HttpResponse:
    item = ServiceItem.objects.filter(implementation_code=code).first()
    versions = list(version_history(item)) if item else []
    if not versions:
        return _not_found(request, f"没有找到实施编码为 {code} 的已发布事项。")
    current = current_version(code)
    return render(
        request,
        "portal/versions.html",
        {"code": code, "versions": versions, "current": current, "name": (current or versions[0]).name},
    )


def _pdf_response(request: HttpRequest, version: ServiceItemVersion, path: str) -> HttpResponse:
    data = guide_data(version)
    url = settings.PUBLIC_BASE_URL + path
    content = render_guide_pdf(data, url=url, generated_on=timezone.localdate())
    response = HttpResponse(content, content_type="application/pdf")
    code = version.item.implementation_code
    filename = f"{code}-v{version.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    version = current_version(code)
    if version is None:
        return _not_found(request, f"没有找到实施编码为 {code} 的现行事项。")
    return _pdf_response(request, version, reverse("portal:item_detail", args=[code]))


def version_pdf(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = published_version(code, number)
    if version is None:
        return _not_found(request, f"事项 {code} 没有已发布的第 {number} 版。")
    return _pdf_response(request, version, reverse("portal:item_version", args=[code, number]))


def lists(request: HttpRequest) -> HttpResponse:
    """/lists/: 清单公开 (seed Art. 10), the 16 special-service lists with their item counts."""
    return render(request, "portal/lists.html", {"tags": tag_counts()})


def list_detail(request: HttpRequest, tag_code: str) -> HttpResponse:
    if tag_code not in ServiceTagCode.values:
        return _not_found(request, f"没有名为“{tag_code}”的特色服务清单。")
    tag = ServiceTag.objects.filter(code=tag_code).first()
    page = _page(request, published_items(tag=tag_code))
    return render(
        request,
        "portal/list_detail.html",
        {
            "tag_name": ServiceTagCode(tag_code).label,
            "tag_code": tag_code,
            "description": tag.description if tag else "",
            "page": page,
            "query": _query_without_page(request),
        },
    )


def standards(request: HttpRequest) -> HttpResponse:
    """/standards/: 五级十五同 audit of items sharing a basic code."""
    groups = audit_standards()
    rows = [
        {
            "group": g,
            "rows": [
                (d.label, [d.values.get(i.implementation_code, "") for i in g.items]) for d in g.deviations
            ],
        }
        for g in groups
    ]
    return render(
        request,
        "portal/standards.html",
        {
            "groups": rows,
            "summary": to_json(groups)["summary"],
            "elements": list(ELEMENT_LABELS.values()),
        },
    )
