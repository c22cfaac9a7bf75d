"""The service-item catalog (事项管理, seed ch. 2).

A :class:`ServiceItem` is one implemented item (实施清单中的一个事项), identified by its 实施编码. Its content —
every element of seed Art. 7 — lives in :class:`ServiceItemVersion` rows: a version is a draft until it is
published, and a published version is immutable (services refuse to change it); editing means creating a
new draft version, which gets its own validity dates when published (after Open Zaak's case types). A case
pins the version it was applied under.

All writes go through ``haoban.catalog.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from haoban.core.models import BaseModel
from haoban.organization.models import Department, Region


class ItemType(models.TextChoices):
    """GB/T 39046 事项类型 (the kinds applied for, seed Art. 6)."""

    LICENSING = "01", "行政许可"
    BENEFIT = "05", "行政给付"
    CONFIRMATION = "07", "行政确认"
    REWARD = "08", "行政奖励"
    ADJUDICATION = "09", "行政裁决"
    OTHER_POWER = "10", "其他行政权力"
    PUBLIC_SERVICE = "20", "公共服务"


class PublicServiceDomain(models.TextChoices):
    """Public-service domains of seed Art. 6 (for item type 20)."""

    EDUCATION = "education", "公共教育"
    EMPLOYMENT = "employment", "劳动就业"
    SOCIAL_INSURANCE = "social_insurance", "社会保险"
    HEALTH = "health", "医疗卫生"
    ELDERLY_CARE = "elderly_care", "养老服务"
    SOCIAL_SERVICES = "social_services", "社会服务"
    HOUSING = "housing", "住房保障"
    CULTURE_SPORTS = "culture_sports", "文化体育"
    DISABILITY = "disability", "残疾人服务"
    OTHER = "other", "其他公共服务"


class Level(models.IntegerChoices):
    """行使层级 (GB/T 39046)."""

    NATIONAL = 1, "国家级"
    PROVINCE = 2, "省级"
    CITY = 3, "市级"
    COUNTY = 4, "县级"
    TOWN = 5, "乡镇（街道）级"
    VILLAGE = 6, "村（社区）级"
    GRADED = 7, "分级管理"


class TimeUnitChoice(models.TextChoices):
    WORKDAY = "workday", "工作日"
    NATURAL_DAY = "natural_day", "自然日"


class HandlingType(models.TextChoices):
    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"


class OnlineDepth(models.IntegerChoices):
    INFO = 1, "一级：网上可查（信息公开）"
    DOWNLOAD = 2, "二级：网上可下载表格"
    SUBMIT = 3, "三级：网上预审、网上申报"
    FULL = 4, "四级：全程网办"


class Channel(models.TextChoices):
    PC = "pc", "电脑端"
    MOBILE = "mobile", "移动端"
    KIOSK = "kiosk", "自助端"
    WINDOW = "window", "窗口端"


class ApplicantKind(models.TextChoices):
    """GB/T 39046 服务对象."""

    NATURAL_PERSON = "1", "自然人"
    ENTERPRISE = "2", "企业法人"
    INSTITUTION = "3", "事业法人"
    SOCIAL_ORGANIZATION = "4", "社会组织法人"
    GOVERNMENT = "5", "行政机关"
    OTHER = "6", "其他组织"


class ResultType(models.TextChoices):
    LICENCE = "licence", "证照"
    APPROVAL_DOCUMENT = "approval_document", "批文"
    OTHER = "other", "其他"


class ServiceTagCode(models.TextChoices):
    """The 16 特色服务清单 of seed Art. 10, in the article's order."""

    IMMEDIATE = "immediate", "马上办"
    ONCE = "once", "一次办"
    ONLINE = "online", "网上办"
    SELF_SERVICE = "self_service", "自助办"
    MOBILE = "mobile", "掌上办"
    NEARBY = "nearby", "就近办"
    CERTIFICATE_FREE = "certificate_free", "免证办"
    BY_POST = "by_post", "邮寄办"
    ZERO_VISIT = "zero_visit", "零跑腿"
    INSTANT_APPROVAL = "instant_approval", "智能秒批"
    FULL_AGENCY = "full_agency", "全程代办"
    TOLERANT_ACCEPTANCE = "tolerant_acceptance", "容缺受理"
    COMMITMENT = "commitment", "告知承诺"
    PRIOR_APPROVAL = "prior_approval", "前置审批"
    INTERMEDIARY = "intermediary", "中介服务"
    CONVENIENCE = "convenience", "便民服务"


class ServiceTag(models.Model):
    """One of the 16 special-service lists; rows are created by a migration, one per code."""

    code = models.CharField("标签代码", max_length=32, unique=True, choices=ServiceTagCode.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "特色服务清单"
        verbose_name_plural = "特色服务清单"
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(ServiceTagCode(self.code).label)


class ServiceItem(BaseModel):
    """政务服务事项 (one implementation of an item by one department at one level).

    The stable identity across versions: 实施编码 = USCC of the implementing body + level + 基本编码.
    """

    class ClaimStatus(models.TextChoices):
        UNCLAIMED = "unclaimed", "待认领"
        CLAIMED = "claimed", "已认领"

    implementation_code = models.CharField(
        "实施编码",
        max_length=31,
        unique=True,
        help_text="31 位：实施主体统一社会信用代码 18 位 + 行使层级 1 位 + 基本编码 12 位（GB/T 39554.1）。",
    )
    basic_code = models.CharField(
        "基本编码",
        max_length=12,
        db_index=True,
        help_text="12 位：区划 2 位 + 事项类型 2 位 + 主项 5 位 + 子项 3 位；同一事项在各层级、各区域共用。",
    )
    level = models.PositiveSmallIntegerField("行使层级", choices=Level.choices)
    implementing_body = models.ForeignKey(
        Department, verbose_name="实施主体", on_delete=models.PROTECT, related_name="service_items"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="实施区划",
        on_delete=models.PROTECT,
        related_name="service_items",
        help_text="事项实施的行政区划，默认为实施主体所属区划。",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="主项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_items",
        help_text="子项所属的主项（基本编码子项位为 00Y 的事项）。",
    )
    claim_status = models.CharField(
        "认领状态", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.UNCLAIMED
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认领人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        ordering = ["implementation_code"]

    def __str__(self) -> str:
        current = self.latest_published_version()
        return current.name if current else self.implementation_code

    def latest_published_version(self) -> ServiceItemVersion | None:
        """The newest published version (possibly one whose validity starts in the future).

        What is *in force* on a given day is a question for ``catalog.selectors.current_version``.
        """
        return (
            self.versions.filter(status=ServiceItemVersion.Status.PUBLISHED, valid_to__isnull=True)
            .order_by("-number")
            .first()
        )


class ServiceItemVersion(BaseModel):
    """One version of a service item's elements (seed Art. 7); immutable once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    item = models.ForeignKey(
        ServiceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    valid_from = models.DateField("生效日期", null=True, blank=True, help_text="发布时设定。")
    valid_to = models.DateField(
        "失效日期", null=True, blank=True, help_text="新版本发布时自动设为新版本生效日期的前一天。"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    change_note = models.CharField("修订说明", max_length=300, blank=True)

    # --- 事项名称、类型 ---
    name = models.CharField("事项名称", max_length=200)
    item_type = models.CharField(
        "事项类型",
        max_length=2,
        choices=ItemType.choices,
        help_text="GB/T 39046 事项类型代码，须与基本编码第 3–4 位一致。",
    )
    public_service_domain = models.CharField(
        "公共服务领域",
        max_length=24,
        choices=PublicServiceDomain.choices,
        blank=True,
        help_text="公共服务事项必填。",
    )
    applicant_kinds = models.JSONField(
        "服务对象", default=list, blank=True, help_text='GB/T 39046 服务对象代码列表，例如 ["1", "2"]。'
    )
    # --- 办理条件、审查要点 ---
    conditions = models.TextField("办理条件", blank=True)
    review_points = models.TextField("审查要点", blank=True)
    # --- 时限 ---
    legal_limit_amount = models.PositiveIntegerField(
        "法定时限", help_text="《行政许可法》第四十二条默认 20 个工作日。"
    )
    legal_limit_unit = models.CharField(
        "法定时限单位", max_length=12, choices=TimeUnitChoice.choices, default=TimeUnitChoice.WORKDAY
    )
    promised_limit_amount = models.PositiveIntegerField("承诺时限", help_text="不得超过法定时限。")
    promised_limit_unit = models.CharField(
        "承诺时限单位", max_length=12, choices=TimeUnitChoice.choices, default=TimeUnitChoice.WORKDAY
    )
    extension_amount = models.PositiveIntegerField(
        "可延长时限",
        default=10,
        help_text="经本行政机关负责人批准可延长的期限（第四十二条默认 10 个工作日）。",
    )
    max_extensions = models.PositiveSmallIntegerField("可延期次数", default=1)
    # --- 办理方式 ---
    handling_type = models.CharField("办件类型", max_length=10, choices=HandlingType.choices)
    visits_required = models.PositiveSmallIntegerField("到现场次数", default=1, help_text="0 表示零跑腿。")
    online_depth = models.PositiveSmallIntegerField(
        "网办深度", choices=OnlineDepth.choices, default=OnlineDepth.SUBMIT
    )
    channels = models.JSONField("办理渠道", default=list, help_text="pc、mobile、kiosk、window 的子集。")
    excluded_from_center = models.BooleanField(
        "纳入进驻负面清单", default=False, help_text="因场地限制或涉密等原因不进驻政务服务中心（第九条）。"
    )
    sub_center = models.CharField(
        "分中心", max_length=120, blank=True, help_text="负面清单事项的办理分中心。"
    )
    handling_location = models.CharField("办理地点", max_length=300, blank=True)
    office_hours = models.CharField("办理时间", max_length=200, blank=True)
    consultation_phone = models.CharField("咨询电话", max_length=60, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=60, blank=True)
    # --- 收费 ---
    charges_fee = models.BooleanField("是否收费", default=False)
    pay_before_release = models.BooleanField(
        "先缴费后领证",
        default=False,
        help_text="收费事项：缴费通知单缴清之前不送达审批结果（窗口领取、邮寄、电子送达均不可）。",
    )
    # --- 审批结果 ---
    result_name = models.CharField("审批结果名称", max_length=200, blank=True)
    result_type = models.CharField(
        "审批结果类型", max_length=20, choices=ResultType.choices, default=ResultType.OTHER
    )
    license_type = models.CharField(
        "证照类型", max_length=120, blank=True, help_text="审批结果为证照时的证照类型名称。"
    )
    license_type_code = models.CharField(
        "证照类型代码",
        max_length=21,
        blank=True,
        help_text="GB/T 36904：定义机构统一社会信用代码 18 位 + 3 位顺序号。",
    )
    # --- 表单、清单 ---
    form_schema = models.JSONField("申请表单（JSON Schema）", default=dict, blank=True)
    service_tags = models.ManyToManyField(
        ServiceTag, verbose_name="特色服务清单", blank=True, related_name="versions"
    )

    class Meta:
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.number} 版，{self.get_status_display()}）"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class _VersionChild(models.Model):
    version = models.ForeignKey(ServiceItemVersion, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]


class LegalBasis(_VersionChild):
    """设立依据: a law and article with its text."""

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name="事项版本", on_delete=models.CASCADE, related_name="legal_bases"
    )
    law = models.CharField("法律法规名称", max_length=200)
    article = models.CharField("条款", max_length=60, blank=True, help_text="例如：第三十五条。")
    text = models.TextField("条文内容", blank=True)

    class Meta(_VersionChild.Meta):
        verbose_name = "设立依据"
        verbose_name_plural = "设立依据"


class MaterialRequirement(_VersionChild):
    """申报材料."""

    class Source(models.TextChoices):
        APPLICANT = "applicant", "申请人提交"
        E_LICENSE = "e_license", "电子证照免提交"
        SHARED_DATA = "shared_data", "数据共享免提交"

    class Format(models.TextChoices):
        PAPER = "paper", "纸质"
        ELECTRONIC = "electronic", "电子"
        BOTH = "both", "纸质或电子"

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name="事项版本", on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField("材料名称", max_length=200)
    required = models.BooleanField("必要材料", default=True)
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    format = models.CharField("材料形式", max_length=12, choices=Format.choices, default=Format.BOTH)
    source = models.CharField("材料来源", max_length=12, choices=Source.choices, default=Source.APPLICANT)
    source_reference = models.CharField(
        "免提交来源", max_length=200, blank=True, help_text="电子证照类型或共享数据目录名称。"
    )
    blank_form = models.FileField("空白表格", upload_to="catalog/forms/", blank=True)
    sample = models.FileField("示例样表", upload_to="catalog/samples/", blank=True)
    notes = models.TextField("填报须知", blank=True)

    class Meta(_VersionChild.Meta):
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"


class ProcessStep(_VersionChild):
    """办理流程 step with its time allocation and its assignee: the role that handles it, in ``department``
    (None: the item's implementing department). Cases in the step appear in the inbox of the staff holding
    that role for that department (docs/workflow.md "环节")."""

    class Role(models.TextChoices):
        WINDOW_CLERK = "window_clerk", "窗口受理人员"
        REVIEWER = "reviewer", "审查人员"
        DEPARTMENT_HEAD = "department_head", "部门负责人"
        CENTER_ADMIN = "center_admin", "中心管理人员"

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name="事项版本", on_delete=models.CASCADE, related_name="steps"
    )
    name = models.CharField("环节名称", max_length=60, help_text="受理、审查、决定、制证、送达等。")
    role = models.CharField("办理角色", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name="承办部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="办理本环节的部门（统一社会信用代码）；留空为事项的实施主体。",
    )
    time_amount = models.PositiveIntegerField("环节时限", default=1)
    time_unit = models.CharField(
        "时限单位", max_length=12, choices=TimeUnitChoice.choices, default=TimeUnitChoice.WORKDAY
    )
    description = models.TextField("办理内容", blank=True)

    class Meta(_VersionChild.Meta):
        verbose_name = "办理环节"
        verbose_name_plural = "办理流程"


class FeeItem(_VersionChild):
    """收费项目."""

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name="事项版本", on_delete=models.CASCADE, related_name="fees"
    )
    name = models.CharField("收费项目", max_length=200)
    basis = models.CharField("收费依据", max_length=300, blank=True)
    standard = models.CharField(
        "收费标准", max_length=300, blank=True, help_text="文字说明，例如：每件 80 元。"
    )
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta(_VersionChild.Meta):
        verbose_name = "收费项目"
        verbose_name_plural = "收费项目"


class HandlingItem(_VersionChild):
    """业务办理项: a concrete way of handling the item, coded implementation code + 2 digits."""

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name="事项版本", on_delete=models.CASCADE, related_name="handling_items"
    )
    code = models.CharField("业务办理项编码", max_length=33)
    name = models.CharField("业务办理项名称", max_length=200)

    class Meta(_VersionChild.Meta):
        verbose_name = "业务办理项"
        verbose_name_plural = "业务办理项"
