"""Serializers of the cases API. Input serializers only parse types; every rule of the law, the item and
the workflow is checked once, in ``haoban.cases.services``. Names are unique across the project (they
become OpenAPI components)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from haoban.accounts.models import ApplicantProfile, User
from haoban.cases.models import ACTION_CHOICES, LIGHT_CHOICES, STATUS_CHOICES, Case, CaseEvent, Notice
from haoban.catalog.models import Channel
from haoban.payments.serializers import PaymentOrderOutputSerializer


class _EnumField(serializers.ChoiceField):
    """A choice field whose choice set is one named OpenAPI component (``component``). The same sets appear
    under several field names (``status``, ``to_status``) next to the catalog's own ``status``; naming them
    here keeps the components stable without touching the project's ``ENUM_NAME_OVERRIDES``."""

    component: ClassVar[str]
    choice_set: ClassVar[list[tuple[str, str]]]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.choice_set, **kwargs)


class _LabelField(serializers.CharField):
    """The Chinese label of a choice value — what the model's ``get_<field>_display()`` returns — looked up in
    the choices, instead of through a bound method DRF inspects (``inspect.signature``) on every row."""

    def __init__(self, *, labels: list[tuple[str, str]], **kwargs: Any) -> None:
        self.labels = {value: str(label) for value, label in labels}
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return self.labels.get(value, str(value))


class CaseStatusField(_EnumField):
    component = "CaseStatusEnum"
    choice_set = STATUS_CHOICES


class CaseFromStatusField(_EnumField):
    component = "CaseFromStatusEnum"
    choice_set = [("", "无"), *STATUS_CHOICES]


class CaseEventActionField(_EnumField):
    component = "CaseEventActionEnum"
    choice_set = ACTION_CHOICES


class CaseLightField(_EnumField):
    component = "CaseLightEnum"
    choice_set = [*LIGHT_CHOICES, ("", "无")]


class NoticeKindField(_EnumField):
    component = "NoticeKindEnum"
    choice_set = list(Notice.Kind.choices)


class ApplicantKindField(_EnumField):
    component = "ApplicantProfileKindEnum"
    choice_set = list(ApplicantProfile.Kind.choices)


class _EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = _EnumField
    match_subclasses = True

    def get_name(self) -> str:
        return str(self.target.component)

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        choices = self.target.choice_set
        return {
            "type": "string",
            "enum": [value for value, _ in choices],
            "description": "；".join(f"{value or '（空）'} {label}" for value, label in choices),
        }


OCCURRED_AT_HELP = (
    "事件实际发生的时间（ISO 8601，带时区），仅限部门系统回流办件时使用；不填为当前时间。"
    "不能晚于当前时间，不能早于上一事件。"
)


def _occurred_at() -> serializers.DateTimeField:
    return serializers.DateTimeField(required=False, help_text=OCCURRED_AT_HELP)


# --- output parts -----------------------------------------------------------------------------------------


class CaseItemOutputSerializer(serializers.Serializer):
    implementation_code = serializers.CharField(source="item.implementation_code", help_text="事项实施编码。")
    name = serializers.CharField(source="item_version.name", help_text="事项名称（办件所依据的版本）。")
    version = serializers.IntegerField(source="item_version.number", help_text="办件所依据的事项版本号。")


class CaseDepartmentOutputSerializer(serializers.Serializer):
    uscc = serializers.CharField(help_text="实施部门的统一社会信用代码。")
    name = serializers.CharField(help_text="实施部门名称。")


class CaseApplicantOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="申请人标识。")
    kind = ApplicantKindField(help_text="申请人类型（GB/T 39046）。")
    name = serializers.CharField(help_text="申请人姓名或名称。")
    identifier = serializers.CharField(
        source="identifier_display",
        help_text="证件号码：自然人为脱敏的公民身份号码，单位为统一社会信用代码。",
    )


class CaseListOutputSerializer(serializers.Serializer):
    """One case in a list: what it is, where it stands, and how urgent it is."""

    number = serializers.CharField(help_text="办件编号。")
    status = CaseStatusField(help_text="办件状态。")
    status_label = _LabelField(source="status", labels=STATUS_CHOICES, help_text="办件状态的中文名称。")
    item = CaseItemOutputSerializer(source="*", help_text="申请的事项。")
    department = CaseDepartmentOutputSerializer(help_text="实施部门。")
    applicant = CaseApplicantOutputSerializer(help_text="申请人。")
    channel = serializers.ChoiceField(choices=Channel.choices, help_text="申请渠道。")
    submitted_at = serializers.DateTimeField(help_text="申请时间。")
    current_step = serializers.CharField(
        source="current_step.name", default="", help_text="当前环节名称，没有时为空。"
    )
    step_due_date = serializers.DateField(
        allow_null=True, help_text="当前环节到期日（按环节时限计算）；没有当前环节时为 null。"
    )
    step_overdue = serializers.SerializerMethodField(help_text="当前环节是否已逾期（环节到期日早于今天）。")
    legal_due_date = serializers.DateField(allow_null=True, help_text="法定办结日，尚未受理时为 null。")
    promised_due_date = serializers.DateField(allow_null=True, help_text="承诺办结日，尚未受理时为 null。")
    remaining_workdays = serializers.IntegerField(
        allow_null=True, help_text="距承诺办结日的剩余工作日，负数为已超期；不计时为 null。"
    )
    light = CaseLightField(help_text="红黄绿灯：green、yellow、red；已办结或不计时为空。")
    clock_paused = serializers.BooleanField(help_text="计时是否暂停（特别程序、待补正等）。")
    provisional = serializers.BooleanField(
        help_text="期限是否按尚未公布节假日安排的年份临时推算（公布后自动重算）。"
    )

    def get_step_overdue(self, case: Case) -> bool:
        return case.step_due_date is not None and case.step_due_date < timezone.localdate()


# --- detail ---------------------------------------------------------------------------------------------


class CaseEventOutputSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="事件序号（从 1 开始）。")
    action = CaseEventActionField(help_text="动作。")
    action_label = _LabelField(source="action", labels=ACTION_CHOICES, help_text="动作的中文名称。")
    from_status = CaseFromStatusField(help_text="原状态；提交申请时为空。")
    to_status = CaseStatusField(help_text="新状态。")
    occurred_at = serializers.DateTimeField(help_text="事件发生时间。")
    actor = serializers.SerializerMethodField(help_text="操作人姓名；系统自动执行时为“系统”。")
    actor_role = serializers.CharField(
        help_text="操作身份：applicant 申请人、agent 代办人、system 系统，或工作人员岗位角色代码。"
    )
    reason = serializers.CharField(help_text="理由或说明。")
    days = serializers.IntegerField(
        source="amount", allow_null=True, help_text="延期的工作日数，其他事件为 null。"
    )

    def get_actor(self, event: CaseEvent) -> str:
        actor: User | None = event.actor
        if actor is None:
            return "系统"
        return actor.display_name or actor.username


class CaseNoticeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid", help_text="文书标识。")
    kind = NoticeKindField(help_text="文书类型。")
    kind_label = _LabelField(source="kind", labels=list(Notice.Kind.choices), help_text="文书名称。")
    document_number = serializers.CharField(help_text="文号。")
    issued_on = serializers.DateField(help_text="文书日期。")
    event_sequence = serializers.IntegerField(source="event.sequence", help_text="产生该文书的事件序号。")
    download_url = serializers.SerializerMethodField(help_text="PDF 下载地址（能查看该办件的用户均可下载）。")

    def get_download_url(self, notice: Notice) -> str:
        return reverse("api:case-notice-pdf", kwargs={"number": notice.case.number, "notice_id": notice.uuid})


class CaseMaterialOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid", help_text="材料标识（审核容缺材料时使用）。")
    requirement = serializers.IntegerField(
        source="requirement_id", help_text="材料要求标识（事项申报材料的 id）。"
    )
    name = serializers.CharField(source="requirement.name", help_text="材料名称。")
    source = serializers.CharField(
        help_text="来源：applicant 申请人提交，e_license 电子证照，shared_data 共享数据。"
    )
    reference = serializers.CharField(help_text="免提交引用（证照标识或共享数据标识），上传文件时为空。")
    original_name = serializers.CharField(help_text="上传文件的原文件名。")
    review = serializers.CharField(
        help_text="审核结果：pending 待审核，accepted 合格，deficient 需补正，outstanding 容缺待补。"
    )
    review_note = serializers.CharField(help_text="审核意见（需补正时写明需要补正的内容）。")
    superseded = serializers.SerializerMethodField(help_text="是否已被补正后的新材料替换。")

    def get_superseded(self, material: Any) -> bool:
        return material.superseded_by_id is not None


class CaseDetailOutputSerializer(CaseListOutputSerializer):
    """A case with its history, notices and materials, and what the caller may do with it now."""

    region = serializers.CharField(source="region.code", help_text="办件所属行政区划代码。")
    service_center = serializers.CharField(
        source="service_center.name", default="", help_text="受理中心名称，在线申请时为空。"
    )
    form_data = serializers.DictField(help_text="申请表单内容。")
    received_on = serializers.DateField(help_text="收件日期（材料齐全之日；补正后为补正日）。")
    acceptance_due_date = serializers.DateField(allow_null=True, help_text="受理期限（收件后 5 个工作日）。")
    accepted_on = serializers.DateField(allow_null=True, help_text="受理日期。")
    deemed_accepted = serializers.BooleanField(help_text="是否逾期视为受理。")
    decided_on = serializers.DateField(allow_null=True, help_text="决定日期。")
    certificate_due_date = serializers.DateField(allow_null=True, help_text="制证送达期限。")
    completed_on = serializers.DateField(allow_null=True, help_text="办结日期。")
    extensions_used = serializers.IntegerField(help_text="已延期次数。")
    tolerant_due_date = serializers.DateField(
        allow_null=True, help_text="容缺材料补齐期限，非容缺受理为 null。"
    )
    events = CaseEventOutputSerializer(many=True, help_text="办件事件，按发生顺序。")
    notices = CaseNoticeOutputSerializer(many=True, help_text="已出具的文书。")
    materials = CaseMaterialOutputSerializer(many=True, help_text="申报材料。")
    payment_orders = PaymentOrderOutputSerializer(
        many=True, help_text="缴费单（准予时按事项收费项目开具；不收费的办件为空）。"
    )
    allowed_actions = serializers.SerializerMethodField(
        help_text="当前用户现在可以执行的动作（按状态和岗位权限），例如 accept、withdraw；"
        "持有当前环节办理角色的工作人员还可以 forward（流转）。"
    )

    def get_allowed_actions(self, case: Case) -> list[str]:
        actor = self.context["actor"]
        actions = [str(action) for action in actor.actions_on(case)]
        return [*actions, "forward"] if actor.may_forward(case) else actions


# --- submit -----------------------------------------------------------------------------------------------


class CaseSubmitMaterialInputSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(help_text="材料要求标识（事项申报材料的 id，见事项详情）。")
    reference = serializers.CharField(
        max_length=200, help_text="免提交引用：电子证照标识或共享数据标识（JSON 请求只能按引用提供材料）。"
    )


class CaseSubmitInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=31, help_text="事项实施编码；按今天生效的已发布版本办理。")
    applicant = serializers.UUIDField(
        required=False, help_text="申请人标识；不填为本人。代办人或窗口人员代为申请时必填。"
    )
    channel = serializers.CharField(
        max_length=10, help_text="申请渠道：pc 电脑端，mobile 移动端，kiosk 自助端，window 窗口端。"
    )
    form_data = serializers.DictField(
        required=False, default=dict, help_text="申请表单内容，须符合事项的表单格式。"
    )
    materials = CaseSubmitMaterialInputSerializer(
        many=True, required=False, default=list, help_text="按引用提供的材料（电子证照或共享数据，免提交）。"
    )
    service_center = serializers.UUIDField(
        required=False, help_text="受理中心标识（窗口端）；窗口人员只在一个中心工作时可不填。"
    )
    occurred_at = _occurred_at()


class CaseSubmitMultipartInputSerializer(serializers.Serializer):
    """Submit with files (multipart/form-data). Besides these fields, each file is sent as
    ``material_<requirement id>``; OpenAPI cannot name such fields, so the description says it."""

    item = serializers.CharField(max_length=31, help_text="事项实施编码。")
    applicant = serializers.UUIDField(required=False, help_text="申请人标识；不填为本人。")
    channel = serializers.CharField(max_length=10, help_text="申请渠道：pc、mobile、kiosk 或 window。")
    form_data = serializers.CharField(required=False, help_text="申请表单内容（JSON 文本）。")
    materials = serializers.CharField(
        required=False,
        help_text='按引用提供的材料（JSON 文本），例如 [{"requirement": 12, "reference": "…"}]。',
    )
    service_center = serializers.UUIDField(required=False, help_text="受理中心标识（窗口端）。")
    occurred_at = _occurred_at()


# --- actions ----------------------------------------------------------------------------------------------


class CaseAcceptInputSerializer(serializers.Serializer):
    deficient_materials = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="容缺受理：尚未提交的非必要材料（材料要求标识列表）；仅限列入容缺受理清单的事项。",
    )
    tolerant_due_date = serializers.DateField(
        required=False, allow_null=True, help_text="容缺材料的补齐期限（YYYY-MM-DD），容缺受理时必填。"
    )
    occurred_at = _occurred_at()


class CaseRefuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="不予受理的理由（写入不予受理决定书）。")
    competent_office = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="不属于本机关职权范围时，告知应向其申请的机关。",
    )
    occurred_at = _occurred_at()


class CaseSupplementItemInputSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(help_text="需要补正的材料（材料要求标识）。")
    problem = serializers.CharField(allow_blank=True, help_text="需要补正的内容。")


class CaseRequestSupplementInputSerializer(serializers.Serializer):
    items = CaseSupplementItemInputSerializer(many=True, help_text="一次性告知需要补正的全部材料及补正内容。")
    occurred_at = _occurred_at()


class CaseSupplementInputSerializer(serializers.Serializer):
    materials = CaseSubmitMaterialInputSerializer(
        many=True, required=False, default=list, help_text="补正的材料（按引用提供）。"
    )
    occurred_at = _occurred_at()


class CaseSupplementMultipartInputSerializer(serializers.Serializer):
    """Supplement with files (multipart/form-data): each file is sent as ``material_<requirement id>``."""

    materials = serializers.CharField(required=False, help_text="按引用提供的材料（JSON 文本）。")
    occurred_at = _occurred_at()


class CaseExtendInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False, allow_null=True, help_text="延长的工作日数；不填为事项规定的可延长期限。"
    )
    reason = serializers.CharField(allow_blank=True, help_text="延期理由（写入延期通知书）。")
    occurred_at = _occurred_at()


class CaseSuspendInputSerializer(serializers.Serializer):
    procedure = serializers.CharField(
        help_text="特别程序：hearing 听证，tender 招标，auction 拍卖，inspection 检验，testing 检测，"
        "quarantine 检疫，appraisal 鉴定，expert_review 专家评审。"
    )
    reason = serializers.CharField(allow_blank=True, help_text="启动特别程序的理由。")
    expected_days = serializers.IntegerField(
        min_value=1, help_text="预计所需工作日数（第四十五条：须书面告知申请人）。"
    )
    occurred_at = _occurred_at()


class CaseResumeInputSerializer(serializers.Serializer):
    occurred_at = _occurred_at()


class CaseMaterialReviewInputSerializer(serializers.Serializer):
    material = serializers.UUIDField(help_text="容缺受理后补交的容缺材料的标识（办件详情 materials[].id）。")
    review = serializers.CharField(max_length=20, help_text="审核结果：accepted 合格，deficient 需补正。")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="审核意见（需补正时必填，申请人可见）。"
    )


class CaseForwardInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="流转说明（例如审查意见），可留空。",
    )
    expected_step = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text="调用方看到的当前环节名称；办件已不在该环节时返回 409，避免重复流转。",
    )
    occurred_at = _occurred_at()


class CaseApproveInputSerializer(serializers.Serializer):
    basis = serializers.CharField(
        required=False,
        default="standard",
        help_text="审批方式：standard 一般审批（默认），commitment 告知承诺。",
    )
    fee_items = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="本件收取的收费项目（事项版本收费项目的 id）；不填则收取全部有金额的收费项目，空列表为不收费。"
        "准予后按此开具缴费单。",
    )
    occurred_at = _occurred_at()


class CaseDenyInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="不予许可的理由（写入不予许可决定书）。")
    occurred_at = _occurred_at()


class CaseIssueInputSerializer(serializers.Serializer):
    occurred_at = _occurred_at()


class CasePayInputSerializer(serializers.Serializer):
    method = serializers.CharField(
        max_length=40, allow_blank=True, help_text="缴费方式，例如：线上支付、现金、POS 刷卡。"
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, help_text="金额（元）。"
    )
    order_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        help_text="缴费单号。办件有缴费单时为窗口缴费登记（窗口受理人员，method 为 cash、pos 或 "
        "bank_transfer，金额须与应缴金额一致）；可不填。",
    )
    reference = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="票据号或 POS 凭证号（可不填）。",
    )
    occurred_at = _occurred_at()


class CaseDeliverInputSerializer(serializers.Serializer):
    method = serializers.CharField(
        max_length=20, help_text="送达方式：window 窗口领取，post 邮寄送达，electronic 电子送达。"
    )
    recipient = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="领取人（窗口领取时必填）。"
    )
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="快递单号（邮寄送达时必填）。"
    )
    address = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="收件地址（邮寄送达时必填）。"
    )
    signature = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=True,
        help_text=(
            "领取人签名图片（窗口领取时必填）：PNG 或 JPEG，不超过 1 MB，base64 编码，可带 "
            "data:image/png;base64, 前缀（签名板提交的格式）。按内容识别类型，存储时记录 SM3 摘要。"
        ),
    )
    occurred_at = _occurred_at()


class CaseCompleteInputSerializer(serializers.Serializer):
    occurred_at = _occurred_at()


class CaseWithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="撤回原因。")
    occurred_at = _occurred_at()
