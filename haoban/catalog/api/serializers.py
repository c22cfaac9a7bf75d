"""Serializers of the catalog API. Input serializers only parse types; every catalog rule is checked once,
in ``haoban.catalog.services``. Names are unique across the project (they become OpenAPI components)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from haoban.catalog.models import (
    ApplicantKind,
    Channel,
    HandlingType,
    ItemType,
    Level,
    MaterialRequirement,
    OnlineDepth,
    ProcessStep,
    PublicServiceDomain,
    ResultType,
    ServiceItem,
    ServiceItemVersion,
    ServiceTagCode,
    TimeUnitChoice,
)
from haoban.catalog.services import CHILD_MODELS, CONTENT_FIELDS

# --- shared output parts ----------------------------------------------------------------------------------


class TagCodesField(serializers.ListField):
    """The codes of a version's service tags (read from the prefetched relation, in the article's order)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.ChoiceField(choices=ServiceTagCode.choices), read_only=True, **kwargs
        )

    def to_representation(self, data: Any) -> list[str]:
        return [tag.code for tag in sorted(data.all(), key=lambda tag: tag.order)]


class ItemImplementingBodyOutputSerializer(serializers.Serializer):
    uscc = serializers.CharField(help_text="实施主体的统一社会信用代码（18 位）。")
    name = serializers.CharField(help_text="实施主体（部门）全称。")
    short_name = serializers.CharField(help_text="部门简称，可为空。")


class ItemRegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码（GB/T 2260）。")
    name = serializers.CharField(help_text="行政区划名称。")


class ItemListOutputSerializer(serializers.Serializer):
    """One current published item in a list."""

    implementation_code = serializers.CharField(
        source="item.implementation_code", help_text="实施编码（31 位），事项在各版本间不变的标识。"
    )
    basic_code = serializers.CharField(source="item.basic_code", help_text="基本编码（12 位）。")
    name = serializers.CharField(help_text="事项名称。")
    item_type = serializers.ChoiceField(choices=ItemType.choices, help_text="事项类型（GB/T 39046 代码）。")
    public_service_domain = serializers.ChoiceField(
        choices=PublicServiceDomain.choices, allow_blank=True, help_text="公共服务领域（公共服务事项）。"
    )
    level = serializers.ChoiceField(source="item.level", choices=Level.choices, help_text="行使层级（1–7）。")
    implementing_body = ItemImplementingBodyOutputSerializer(
        source="item.implementing_body", help_text="实施主体。"
    )
    region = ItemRegionOutputSerializer(source="item.region", help_text="实施区划。")
    version = serializers.IntegerField(source="number", help_text="现行版本号。")
    valid_from = serializers.DateField(help_text="现行版本的生效日期。")
    handling_type = serializers.ChoiceField(
        choices=HandlingType.choices, help_text="办件类型：immediate 即办件，promised 承诺件。"
    )
    promised_limit_amount = serializers.IntegerField(help_text="承诺时限（数量）。")
    promised_limit_unit = serializers.ChoiceField(
        choices=TimeUnitChoice.choices, help_text="承诺时限单位：workday 工作日，natural_day 自然日。"
    )
    visits_required = serializers.IntegerField(help_text="到现场次数，0 表示零跑腿。")
    online_depth = serializers.ChoiceField(
        choices=OnlineDepth.choices, help_text="网办深度（1–4，4 为全程网办）。"
    )
    service_tags = TagCodesField(
        help_text="特色服务清单标签代码（规范第十条，16 类之一），例如 once（一次办）、online（网上办）。"
    )


# --- item content (elements of seed Art. 7) -------------------------------------------------------------


class ItemLegalBasisInputSerializer(serializers.Serializer):
    law = serializers.CharField(max_length=200, help_text="法律法规名称，例如《中华人民共和国食品安全法》。")
    article = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="条款，例如：第三十五条。"
    )
    text = serializers.CharField(required=False, allow_blank=True, help_text="条文内容。")


class ItemLegalBasisOutputSerializer(ItemLegalBasisInputSerializer):
    pass


class ItemMaterialInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="材料名称。")
    required = serializers.BooleanField(required=False, default=True, help_text="是否必要材料（默认是）。")
    originals = serializers.IntegerField(min_value=0, required=False, default=0, help_text="原件份数。")
    copies = serializers.IntegerField(min_value=0, required=False, default=0, help_text="复印件份数。")
    format = serializers.ChoiceField(
        choices=MaterialRequirement.Format.choices,
        required=False,
        default=MaterialRequirement.Format.BOTH,
        help_text="材料形式：paper 纸质，electronic 电子，both 纸质或电子（默认）。",
    )
    source = serializers.ChoiceField(
        choices=MaterialRequirement.Source.choices,
        required=False,
        default=MaterialRequirement.Source.APPLICANT,
        help_text="材料来源：applicant 申请人提交（默认），e_license 电子证照免提交，shared_data 数据共享免提交。",
    )
    source_reference = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="免提交来源：电子证照类型或共享数据目录名称。",
    )
    notes = serializers.CharField(required=False, allow_blank=True, help_text="填报须知。")


class ItemMaterialOutputSerializer(ItemMaterialInputSerializer):
    blank_form_url = serializers.SerializerMethodField(help_text="空白表格下载地址，无则为空。")
    sample_url = serializers.SerializerMethodField(help_text="示例样表下载地址，无则为空。")

    def get_blank_form_url(self, obj: MaterialRequirement) -> str:
        return obj.blank_form.url if obj.blank_form else ""

    def get_sample_url(self, obj: MaterialRequirement) -> str:
        return obj.sample.url if obj.sample else ""


class ItemProcessStepInputSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=60, help_text="环节名称：受理、审查、决定、制证、送达等；流程须包含“受理”。"
    )
    role = serializers.ChoiceField(
        choices=ProcessStep.Role.choices,
        help_text="办理角色：window_clerk 窗口受理人员，reviewer 审查人员，department_head 部门负责人，center_admin 中心管理人员。",
    )
    department = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="承办部门的统一社会信用代码；留空（null）为事项的实施主体。办件进入本环节后，"
        "由持有本环节办理角色、负责该部门的工作人员办理。",
    )
    time_amount = serializers.IntegerField(
        min_value=0, required=False, default=1, help_text="环节时限（数量）。"
    )
    time_unit = serializers.ChoiceField(
        choices=TimeUnitChoice.choices,
        required=False,
        default=TimeUnitChoice.WORKDAY,
        help_text="环节时限单位：workday 工作日（默认），natural_day 自然日。",
    )
    description = serializers.CharField(required=False, allow_blank=True, help_text="办理内容。")


class ItemProcessStepOutputSerializer(ItemProcessStepInputSerializer):
    department = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="uscc",
        read_only=True,
        allow_null=True,
        help_text="承办部门的统一社会信用代码；null 为事项的实施主体。",
    )


class ItemFeeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="收费项目名称。")
    basis = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text="收费依据。")
    standard = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="收费标准（文字），例如：每件 80 元。"
    )
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="金额（元，两位小数），可为空。",
    )


class ItemFeeOutputSerializer(ItemFeeInputSerializer):
    pass


class ItemHandlingItemInputSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=33, help_text="业务办理项编码（33 位）：本事项实施编码 + 2 位顺序号（01–99）。"
    )
    name = serializers.CharField(max_length=200, help_text="业务办理项名称。")


class ItemHandlingItemOutputSerializer(ItemHandlingItemInputSerializer):
    pass


class ItemContentInputSerializer(serializers.Serializer):
    """The elements of one item version (seed Art. 7). Rules across fields are checked by the services."""

    name = serializers.CharField(max_length=200, help_text="事项名称。")
    item_type = serializers.ChoiceField(
        choices=ItemType.choices, help_text="事项类型（GB/T 39046 代码），须与基本编码第 3–4 位一致。"
    )
    public_service_domain = serializers.ChoiceField(
        choices=PublicServiceDomain.choices,
        required=False,
        allow_blank=True,
        help_text="公共服务领域；公共服务事项（20）必填。",
    )
    applicant_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ApplicantKind.choices),
        required=False,
        help_text="服务对象（GB/T 39046）：1 自然人，2 企业法人，3 事业法人，4 社会组织法人，5 行政机关，6 其他组织。",
    )
    conditions = serializers.CharField(required=False, allow_blank=True, help_text="办理条件。")
    review_points = serializers.CharField(required=False, allow_blank=True, help_text="审查要点。")
    legal_limit_amount = serializers.IntegerField(min_value=0, help_text="法定时限（数量）。")
    legal_limit_unit = serializers.ChoiceField(
        choices=TimeUnitChoice.choices, required=False, help_text="法定时限单位，默认 workday（工作日）。"
    )
    promised_limit_amount = serializers.IntegerField(
        min_value=0, help_text="承诺时限（数量），不得超过法定时限。"
    )
    promised_limit_unit = serializers.ChoiceField(
        choices=TimeUnitChoice.choices, required=False, help_text="承诺时限单位，默认 workday（工作日）。"
    )
    extension_amount = serializers.IntegerField(
        min_value=0, required=False, help_text="经负责人批准可延长的期限（默认 10 个工作日）。"
    )
    max_extensions = serializers.IntegerField(min_value=0, required=False, help_text="可延期次数（默认 1）。")
    handling_type = serializers.ChoiceField(
        choices=HandlingType.choices, help_text="办件类型：immediate 即办件，promised 承诺件。"
    )
    visits_required = serializers.IntegerField(
        min_value=0, required=False, help_text="到现场次数（默认 1），0 表示零跑腿（须全程网办）。"
    )
    online_depth = serializers.ChoiceField(
        choices=OnlineDepth.choices, required=False, help_text="网办深度 1–4（默认 3），4 为全程网办。"
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        required=False,
        help_text="办理渠道：pc 电脑端，mobile 移动端，kiosk 自助端，window 窗口端。",
    )
    excluded_from_center = serializers.BooleanField(
        required=False, help_text="是否纳入进驻负面清单（规范第九条）；是则须填写分中心。"
    )
    sub_center = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="负面清单事项的办理分中心。"
    )
    handling_location = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="办理地点。"
    )
    office_hours = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="办理时间。"
    )
    consultation_phone = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="咨询电话。"
    )
    complaint_phone = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="监督投诉电话。"
    )
    charges_fee = serializers.BooleanField(required=False, help_text="是否收费；收费则须列出收费项目。")
    pay_before_release = serializers.BooleanField(
        required=False, help_text="先缴费后领证：缴清费用前不送达审批结果（仅收费事项）。"
    )
    result_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="审批结果名称。"
    )
    result_type = serializers.ChoiceField(
        choices=ResultType.choices,
        required=False,
        help_text="审批结果类型：licence 证照，approval_document 批文，other 其他（默认）。",
    )
    license_type = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="证照类型名称；审批结果为证照时必填。"
    )
    license_type_code = serializers.CharField(
        max_length=21,
        required=False,
        allow_blank=True,
        help_text="证照类型代码（GB/T 36904）：18 位统一社会信用代码 + 3 位顺序号。",
    )
    form_schema = serializers.DictField(
        required=False, help_text="申请表单，JSON Schema（draft 2020-12）对象；空对象表示没有在线表单。"
    )
    legal_bases = ItemLegalBasisInputSerializer(many=True, required=False, help_text="设立依据。")
    materials = ItemMaterialInputSerializer(many=True, required=False, help_text="申报材料。")
    steps = ItemProcessStepInputSerializer(many=True, required=False, help_text="办理流程，按顺序排列。")
    fees = ItemFeeInputSerializer(many=True, required=False, help_text="收费项目。")
    handling_items = ItemHandlingItemInputSerializer(many=True, required=False, help_text="业务办理项。")
    service_tags = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceTagCode.choices),
        required=False,
        help_text="特色服务清单标签代码（规范第十条）。",
    )


def full_content(validated: dict[str, Any]) -> dict[str, Any]:
    """``validated`` with every absent element set to its default: a PUT replaces the whole content."""
    content: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        content[name] = ServiceItemVersion._meta.get_field(name).get_default()
    for key in (*CHILD_MODELS, "service_tags"):
        content[key] = []
    content.update(validated)
    return content


class ItemCreateInputSerializer(serializers.Serializer):
    implementing_body = serializers.CharField(
        max_length=18, help_text="实施主体（部门）的统一社会信用代码（18 位），须为已登记的部门。"
    )
    level = serializers.ChoiceField(
        choices=Level.choices,
        help_text="行使层级：1 国家级，2 省级，3 市级，4 县级，5 乡镇（街道）级，6 村（社区）级，7 分级管理。",
    )
    basic_code = serializers.CharField(
        max_length=12, help_text="基本编码（12 位）：区划 2 位 + 事项类型 2 位 + 主项 5 位 + 子项 3 位。"
    )
    region = serializers.CharField(
        max_length=12, required=False, allow_blank=True, help_text="实施区划代码；不填则为实施主体所属区划。"
    )
    parent = serializers.CharField(
        max_length=31,
        required=False,
        allow_blank=True,
        help_text="主项的实施编码（仅子项填写，主项基本编码子项位须为 00Y）。",
    )
    content = ItemContentInputSerializer(help_text="第 1 版（草稿）的事项要素。")


class ItemDraftUpdateInputSerializer(ItemContentInputSerializer):
    """The whole content of the draft; elements left out are reset to their defaults."""


class ItemPublishInputSerializer(serializers.Serializer):
    valid_from = serializers.DateField(
        required=False, help_text="生效日期（YYYY-MM-DD），默认今天；须晚于现行版本的生效日期。"
    )
    change_note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="修订说明。"
    )


class ItemClaimInputSerializer(serializers.Serializer):
    department = serializers.CharField(
        max_length=18, help_text="认领部门的统一社会信用代码；只能认领本部门作为实施主体的事项。"
    )


# --- item detail ----------------------------------------------------------------------------------------


class ItemDetailOutputSerializer(serializers.Serializer):
    """One version of an item with every element; the content fields have the shape of the input."""

    implementation_code = serializers.CharField(
        source="item.implementation_code", help_text="实施编码（31 位）。"
    )
    basic_code = serializers.CharField(source="item.basic_code", help_text="基本编码（12 位）。")
    level = serializers.ChoiceField(source="item.level", choices=Level.choices, help_text="行使层级（1–7）。")
    implementing_body = ItemImplementingBodyOutputSerializer(
        source="item.implementing_body", help_text="实施主体。"
    )
    region = ItemRegionOutputSerializer(source="item.region", help_text="实施区划。")
    parent = serializers.CharField(
        source="item.parent.implementation_code",
        allow_null=True,
        default=None,
        help_text="主项的实施编码，非子项为 null。",
    )
    claim_status = serializers.ChoiceField(
        source="item.claim_status",
        choices=ServiceItem.ClaimStatus.choices,
        help_text="认领状态：unclaimed 待认领，claimed 已认领。",
    )
    version = serializers.IntegerField(source="number", help_text="版本号。")
    status = serializers.ChoiceField(
        choices=ServiceItemVersion.Status.choices, help_text="版本状态：draft 草稿，published 已发布。"
    )
    valid_from = serializers.DateField(allow_null=True, help_text="生效日期；草稿为 null。")
    valid_to = serializers.DateField(allow_null=True, help_text="失效日期；现行版本为 null。")
    published_at = serializers.DateTimeField(allow_null=True, help_text="发布时间；草稿为 null。")
    change_note = serializers.CharField(help_text="修订说明。")

    name = serializers.CharField(help_text="事项名称。")
    item_type = serializers.ChoiceField(choices=ItemType.choices, help_text="事项类型（GB/T 39046 代码）。")
    public_service_domain = serializers.ChoiceField(
        choices=PublicServiceDomain.choices, allow_blank=True, help_text="公共服务领域，非公共服务事项为空。"
    )
    applicant_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ApplicantKind.choices), help_text="服务对象代码（GB/T 39046）。"
    )
    conditions = serializers.CharField(help_text="办理条件。")
    review_points = serializers.CharField(help_text="审查要点。")
    legal_limit_amount = serializers.IntegerField(help_text="法定时限（数量）。")
    legal_limit_unit = serializers.ChoiceField(choices=TimeUnitChoice.choices, help_text="法定时限单位。")
    promised_limit_amount = serializers.IntegerField(help_text="承诺时限（数量）。")
    promised_limit_unit = serializers.ChoiceField(choices=TimeUnitChoice.choices, help_text="承诺时限单位。")
    extension_amount = serializers.IntegerField(help_text="可延长时限。")
    max_extensions = serializers.IntegerField(help_text="可延期次数。")
    handling_type = serializers.ChoiceField(choices=HandlingType.choices, help_text="办件类型。")
    visits_required = serializers.IntegerField(help_text="到现场次数，0 表示零跑腿。")
    online_depth = serializers.ChoiceField(choices=OnlineDepth.choices, help_text="网办深度（1–4）。")
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), help_text="办理渠道。"
    )
    excluded_from_center = serializers.BooleanField(help_text="是否纳入进驻负面清单。")
    sub_center = serializers.CharField(help_text="负面清单事项的办理分中心。")
    handling_location = serializers.CharField(help_text="办理地点。")
    office_hours = serializers.CharField(help_text="办理时间。")
    consultation_phone = serializers.CharField(help_text="咨询电话。")
    complaint_phone = serializers.CharField(help_text="监督投诉电话。")
    charges_fee = serializers.BooleanField(help_text="是否收费。")
    pay_before_release = serializers.BooleanField(help_text="先缴费后领证。")
    result_name = serializers.CharField(help_text="审批结果名称。")
    result_type = serializers.ChoiceField(choices=ResultType.choices, help_text="审批结果类型。")
    license_type = serializers.CharField(help_text="证照类型名称。")
    license_type_code = serializers.CharField(help_text="证照类型代码（GB/T 36904）。")
    form_schema = serializers.DictField(help_text="申请表单（JSON Schema）。")
    legal_bases = ItemLegalBasisOutputSerializer(many=True, help_text="设立依据。")
    materials = ItemMaterialOutputSerializer(many=True, help_text="申报材料。")
    steps = ItemProcessStepOutputSerializer(many=True, help_text="办理流程。")
    fees = ItemFeeOutputSerializer(many=True, help_text="收费项目。")
    handling_items = ItemHandlingItemOutputSerializer(many=True, help_text="业务办理项。")
    service_tags = TagCodesField(help_text="特色服务清单标签代码（规范第十条）。")


class ItemVersionListOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number", help_text="版本号。")
    name = serializers.CharField(help_text="该版本的事项名称。")
    valid_from = serializers.DateField(help_text="生效日期。")
    valid_to = serializers.DateField(allow_null=True, help_text="失效日期；现行或待生效版本为 null。")
    published_at = serializers.DateTimeField(help_text="发布时间。")
    change_note = serializers.CharField(help_text="修订说明。")


class ItemClaimOutputSerializer(serializers.Serializer):
    implementation_code = serializers.CharField(help_text="实施编码。")
    claim_status = serializers.ChoiceField(
        choices=ServiceItem.ClaimStatus.choices, help_text="认领状态：claimed 已认领。"
    )
    claimed_at = serializers.DateTimeField(help_text="认领时间。")
    department = serializers.CharField(
        source="implementing_body.uscc", help_text="认领部门的统一社会信用代码。"
    )


# --- service lists, guides, audit ---------------------------------------------------------------------


class ServiceListOutputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ServiceTagCode.choices, help_text="清单（标签）代码。")
    name = serializers.CharField(help_text="清单名称，例如：一次办。")
    description = serializers.CharField(help_text="清单说明。")
    count = serializers.IntegerField(help_text="现行已发布事项数量。")
