"""OpenAPI-only descriptions of catalog responses built by other modules, and request examples.

:class:`GuideOutputSerializer` documents :func:`haoban.catalog.selectors.guide_data` and
:class:`StandardsAuditOutputSerializer` documents :func:`haoban.catalog.audit.to_json`; the views return those
dicts unchanged (they are the single source of that content). Tests check that the documented top-level keys
are exactly the keys returned.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from haoban.core.api_views import ERROR_400, ERROR_403, ERROR_404, ERROR_409

__all__ = [
    "ERROR_400",
    "ERROR_403",
    "ERROR_404",
    "ERROR_409",
    "ITEM_CREATE_EXAMPLE",
    "GuideOutputSerializer",
    "StandardsAuditOutputSerializer",
]

# --- 办事指南 ----------------------------------------------------------------------------------------------


class GuideChoiceOutputSerializer(serializers.Serializer):
    code = serializers.JSONField(help_text="代码（字符串，层级和网办深度为整数）。")
    label = serializers.CharField(help_text="中文名称。")


class GuideCodesOutputSerializer(serializers.Serializer):
    basic_code = serializers.CharField(help_text="基本编码。")
    implementation_code = serializers.CharField(help_text="实施编码。")
    handling_items = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="业务办理项：code 编码，name 名称。",
    )


class GuideBodyOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="实施主体名称。")
    short_name = serializers.CharField(help_text="简称。")
    uscc = serializers.CharField(help_text="统一社会信用代码。")
    phone = serializers.CharField(help_text="咨询电话。")
    address = serializers.CharField(help_text="办公地址。")


class GuideRegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码。")
    name = serializers.CharField(help_text="行政区划名称。")


class GuideItemRefOutputSerializer(serializers.Serializer):
    implementation_code = serializers.CharField(help_text="实施编码。")
    name = serializers.CharField(help_text="事项名称。")


class GuideLegalBasisOutputSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="序号（从 1 开始）。")
    law = serializers.CharField(help_text="法律法规名称。")
    article = serializers.CharField(help_text="条款。")
    text = serializers.CharField(help_text="条文内容。")


class GuideLimitOutputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="数量。")
    unit = serializers.CharField(help_text="单位代码：workday 或 natural_day。")
    unit_label = serializers.CharField(help_text="单位名称：工作日 / 自然日。")
    text = serializers.CharField(help_text="文字，例如“5 个工作日”；0 为“即时办结”。")


class GuideMaterialOutputSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="序号（从 1 开始）。")
    name = serializers.CharField(help_text="材料名称。")
    required = serializers.BooleanField(help_text="是否必要材料。")
    required_text = serializers.CharField(help_text="“必要”或“非必要（容缺）”。")
    originals = serializers.IntegerField(help_text="原件份数。")
    copies = serializers.IntegerField(help_text="复印件份数。")
    format = GuideChoiceOutputSerializer(help_text="材料形式。")
    source = GuideChoiceOutputSerializer(help_text="材料来源。")
    source_reference = serializers.CharField(help_text="免提交来源。")
    exempt = serializers.BooleanField(help_text="是否免提交。")
    exempt_text = serializers.CharField(help_text="免提交说明。")
    blank_form_url = serializers.CharField(help_text="空白表格地址，无则为空。")
    sample_url = serializers.CharField(help_text="示例样表地址，无则为空。")
    notes = serializers.CharField(help_text="填报须知。")


class GuideStepOutputSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="序号（从 1 开始）。")
    name = serializers.CharField(help_text="环节名称。")
    role = GuideChoiceOutputSerializer(help_text="办理角色。")
    time_limit = GuideLimitOutputSerializer(help_text="环节时限。")
    description = serializers.CharField(help_text="办理内容。")


class GuideExtensionOutputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="可延长时限。")
    max_extensions = serializers.IntegerField(help_text="可延期次数。")


class GuideFeeItemOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="收费项目。")
    basis = serializers.CharField(help_text="收费依据。")
    standard = serializers.CharField(help_text="收费标准。")
    amount = serializers.CharField(allow_null=True, help_text="金额（元，两位小数的字符串），可为 null。")


class GuideFeesOutputSerializer(serializers.Serializer):
    charges_fee = serializers.BooleanField(help_text="是否收费。")
    text = serializers.CharField(help_text="“收费”或“不收费”。")
    items = GuideFeeItemOutputSerializer(many=True, help_text="收费项目。")


class GuideResultOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="审批结果名称。")
    type = GuideChoiceOutputSerializer(help_text="审批结果类型。")
    license_type = serializers.CharField(help_text="证照类型。")
    license_type_code = serializers.CharField(help_text="证照类型代码。")


class GuideTagOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="标签代码。")
    name = serializers.CharField(help_text="标签名称。")


class GuideCenterOutputSerializer(serializers.Serializer):
    excluded_from_center = serializers.BooleanField(help_text="是否纳入进驻负面清单。")
    text = serializers.CharField(help_text="进驻情况说明。")
    sub_center = serializers.CharField(help_text="办理分中心。")


class GuideFormFieldOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="字段名（嵌套字段以“.”连接）。")
    title = serializers.CharField(help_text="字段标题。")
    type = serializers.CharField(help_text="JSON Schema 类型。")
    type_label = serializers.CharField(help_text="类型的中文名称。")
    required = serializers.BooleanField(help_text="是否必填。")
    description = serializers.CharField(help_text="填写说明。")
    options = serializers.ListField(child=serializers.CharField(), help_text="可选值（选项字段）。")


class GuideVersionOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="版本号。")
    status = GuideChoiceOutputSerializer(help_text="版本状态。")
    valid_from = serializers.CharField(allow_null=True, help_text="生效日期（ISO 8601）。")
    valid_to = serializers.CharField(allow_null=True, help_text="失效日期（ISO 8601），现行版本为 null。")
    published_at = serializers.CharField(allow_null=True, help_text="发布时间（ISO 8601，北京时间）。")
    change_note = serializers.CharField(help_text="修订说明。")


class GuideOutputSerializer(serializers.Serializer):
    """The 办事指南 of seed Art. 7–10, as rendered on the guide page and in the PDF."""

    name = serializers.CharField(help_text="事项名称。")
    item_type = GuideChoiceOutputSerializer(help_text="事项类型。")
    public_service_domain = GuideChoiceOutputSerializer(
        allow_null=True, help_text="公共服务领域，非公共服务事项为 null。"
    )
    codes = GuideCodesOutputSerializer(help_text="基本编码、实施编码、业务办理项编码。")
    level = GuideChoiceOutputSerializer(help_text="行使层级。")
    implementing_body = GuideBodyOutputSerializer(help_text="实施主体。")
    region = GuideRegionOutputSerializer(help_text="实施区划。")
    parent = GuideItemRefOutputSerializer(allow_null=True, help_text="所属主项，非子项为 null。")
    sub_items = GuideItemRefOutputSerializer(many=True, help_text="现行子项。")
    applicant_kinds = GuideChoiceOutputSerializer(many=True, help_text="服务对象。")
    conditions = serializers.CharField(help_text="办理条件。")
    legal_bases = GuideLegalBasisOutputSerializer(many=True, help_text="设立依据。")
    materials = GuideMaterialOutputSerializer(many=True, help_text="申报材料。")
    steps = GuideStepOutputSerializer(many=True, help_text="办理流程。")
    legal_limit = GuideLimitOutputSerializer(help_text="法定时限。")
    promised_limit = GuideLimitOutputSerializer(help_text="承诺时限。")
    extension = GuideExtensionOutputSerializer(help_text="延期。")
    fees = GuideFeesOutputSerializer(help_text="收费情况。")
    review_points = serializers.CharField(help_text="审查要点。")
    result = GuideResultOutputSerializer(help_text="审批结果。")
    handling_type = GuideChoiceOutputSerializer(help_text="办件类型。")
    visits_required = serializers.IntegerField(help_text="到现场次数。")
    visits_text = serializers.CharField(help_text="到现场次数说明，例如“0 次（零跑腿）”。")
    online_depth = GuideChoiceOutputSerializer(help_text="网办深度。")
    channels = GuideChoiceOutputSerializer(many=True, help_text="办理渠道。")
    service_tags = GuideTagOutputSerializer(many=True, help_text="特色服务清单。")
    center = GuideCenterOutputSerializer(help_text="进驻政务服务中心情况（负面清单）。")
    handling_location = serializers.CharField(help_text="办理地点。")
    office_hours = serializers.CharField(help_text="办理时间。")
    consultation_phone = serializers.CharField(help_text="咨询电话。")
    complaint_phone = serializers.CharField(help_text="监督投诉电话。")
    form_fields = GuideFormFieldOutputSerializer(many=True, help_text="申请表单字段一览。")
    version = GuideVersionOutputSerializer(help_text="版本信息。")


# --- 五级十五同 ------------------------------------------------------------------------------------------


class AuditSummaryOutputSerializer(serializers.Serializer):
    group_count = serializers.IntegerField(help_text="核查的同基本编码事项组数。")
    deviating_group_count = serializers.IntegerField(help_text="存在不一致要素的组数。")
    deviation_count = serializers.IntegerField(help_text="不一致要素总数。")


class AuditElementOutputSerializer(serializers.Serializer):
    element = serializers.CharField(help_text="要素代码，例如 materials。")
    label = serializers.CharField(help_text="要素中文名称，例如：申请材料。")


class AuditItemOutputSerializer(serializers.Serializer):
    implementation_code = serializers.CharField(help_text="实施编码。")
    name = serializers.CharField(help_text="事项名称。")
    department = serializers.CharField(help_text="实施主体名称。")
    region = serializers.CharField(help_text="实施区划名称。")
    level = serializers.CharField(help_text="行使层级名称。")
    version = serializers.IntegerField(help_text="现行版本号。")


class AuditDeviationOutputSerializer(serializers.Serializer):
    element = serializers.CharField(help_text="不一致的要素代码。")
    label = serializers.CharField(help_text="要素中文名称。")
    values = serializers.DictField(
        child=serializers.CharField(), help_text="各事项（按实施编码）的该要素取值。"
    )


class AuditGroupOutputSerializer(serializers.Serializer):
    basic_code = serializers.CharField(help_text="基本编码。")
    name = serializers.CharField(help_text="事项名称（组内最常见的名称）。")
    items = AuditItemOutputSerializer(many=True, help_text="组内事项。")
    deviations = AuditDeviationOutputSerializer(many=True, help_text="不一致的要素。")
    is_standard = serializers.BooleanField(help_text="是否完全一致（五级十五同）。")


class StandardsAuditOutputSerializer(serializers.Serializer):
    summary = AuditSummaryOutputSerializer(help_text="汇总。")
    elements = AuditElementOutputSerializer(many=True, help_text="核查的要素。")
    groups = AuditGroupOutputSerializer(many=True, help_text="同基本编码事项组。")


# --- examples ----------------------------------------------------------------------------------------------

ITEM_CREATE_EXAMPLE = OpenApiExample(
    "新增食品经营许可",
    request_only=True,
    value={
        "implementing_body": "11350300MB0000001C",
        "level": 3,
        "basic_code": "350100100000",
        "content": {
            "name": "食品经营许可（新办）",
            "item_type": "01",
            "applicant_kinds": ["2"],
            "conditions": "申请人应当具有与经营的食品品种、数量相适应的经营场所。",
            "legal_limit_amount": 20,
            "promised_limit_amount": 5,
            "handling_type": "promised",
            "channels": ["pc", "window"],
            "result_name": "食品经营许可证",
            "result_type": "licence",
            "license_type": "食品经营许可证",
            "legal_bases": [{"law": "《中华人民共和国食品安全法》", "article": "第三十五条"}],
            "materials": [{"name": "食品经营许可申请书", "originals": 1}],
            "steps": [
                {"name": "受理", "role": "window_clerk", "time_amount": 1},
                {"name": "审查", "role": "reviewer", "time_amount": 3},
                {"name": "决定", "role": "department_head", "time_amount": 1},
            ],
            "service_tags": ["once", "online"],
        },
    },
)
