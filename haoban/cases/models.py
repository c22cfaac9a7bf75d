"""Cases (办件): an application from submission to an archived result (seed Art. 9, 12, 14, 25, 37, 40).

The status and every clock field of :class:`Case` are *derived*: the status from the transitions in
``haoban.domain.workflow`` and the dates from the event list through ``haoban.domain.case_clock``. They are
stored for querying (inbox sorting, lights, supervision) and written only by ``haoban.cases.services``;
nobody edits them by hand. :class:`CaseEvent` rows are append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from haoban.catalog.models import Channel, MaterialRequirement, ProcessStep, ServiceItem, ServiceItemVersion
from haoban.core.models import BaseModel
from haoban.domain.clock import Light
from haoban.domain.workflow import CaseAction, CaseStatus
from haoban.organization.models import Department, Region, ServiceCenter

STATUS_CHOICES = [(s.value, s.label) for s in CaseStatus]
# Besides the glossary's actions, two recorded event kinds that are not transitions of the status machine:
# ``deemed_accept`` (the tick's 视为受理) and ``forward`` (流转: the case moves to the next process step
# inside 审查中, status unchanged; docs/workflow.md "环节").
ACTION_CHOICES = [(a.value, a.label) for a in CaseAction] + [
    ("deemed_accept", "视为受理"),
    ("forward", "流转"),
]
LIGHT_CHOICES = [(Light.GREEN.value, "绿灯"), (Light.YELLOW.value, "黄灯"), (Light.RED.value, "红灯")]


class CaseNumberSequence(models.Model):
    """Per-region, per-day counter behind case numbers; incremented under a row lock."""

    region_code = models.CharField("区划代码", max_length=12)
    day = models.DateField("日期")
    last = models.PositiveIntegerField("当前序号", default=0)

    class Meta:
        verbose_name = "办件编号序列"
        verbose_name_plural = "办件编号序列"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="cases_sequence_unique_day")
        ]


class Case(BaseModel):
    """办件. ``number`` = region code (6) + date (8) + daily sequence (6), e.g. ``350300202612010000017``."""

    number = models.CharField("办件编号", max_length=24, unique=True)
    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="cases")
    item_version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name="事项版本",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="申请时生效的已发布版本；办件始终按该版本的要素办理。",
    )
    department = models.ForeignKey(
        Department, verbose_name="实施部门", on_delete=models.PROTECT, related_name="cases"
    )
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="cases")
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name="受理中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant = models.ForeignKey(
        "accounts.ApplicantProfile", verbose_name="申请人", on_delete=models.PROTECT, related_name="cases"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        related_name="submitted_cases",
        help_text="申请人本人、代办人或代为录入的窗口人员。",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_cases",
    )
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    form_data = models.JSONField("申请表单", default=dict)

    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, db_index=True)
    current_step = models.ForeignKey(
        ProcessStep,
        verbose_name="当前环节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_due_date = models.DateField("环节到期日", null=True, blank=True)
    step_alerted_on = models.DateField(
        "环节逾期提醒日期",
        null=True,
        blank=True,
        help_text="当前环节逾期后已提醒该环节工作人员的日期（每个环节只提醒一次，进入新环节时清空）。",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="当前承办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )

    # Dates of the events that matter for the clock and for the indicators (legal-rules.md §8).
    submitted_at = models.DateTimeField("申请时间")
    received_on = models.DateField("收件日期", help_text="材料齐全的收件日；补正后为补正日。")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    deemed_accepted = models.BooleanField("视为受理", default=False)
    extensions_used = models.PositiveSmallIntegerField("已延期次数", default=0)

    # Derived clock (domain.case_clock); never edited by hand.
    acceptance_due_date = models.DateField("受理期限", null=True, blank=True)
    legal_due_date = models.DateField("法定办结日", null=True, blank=True, db_index=True)
    promised_due_date = models.DateField("承诺办结日", null=True, blank=True, db_index=True)
    certificate_due_date = models.DateField("制证期限", null=True, blank=True)
    remaining_workdays = models.IntegerField("剩余工作日", null=True, blank=True)
    light = models.CharField("红黄绿灯", max_length=10, choices=LIGHT_CHOICES, blank=True, db_index=True)
    clock_paused = models.BooleanField("计时暂停", default=False)
    provisional = models.BooleanField(
        "临时日历", default=False, help_text="期限经过尚未公布节假日安排的年份，公布后自动重算。"
    )
    clock_computed_on = models.DateField("期限计算日", null=True, blank=True)

    # 容缺受理: non-essential materials outstanding, to be delivered by a promised date.
    tolerant_due_date = models.DateField("容缺材料补齐期限", null=True, blank=True)
    tolerant_alerted_on = models.DateField(
        "容缺逾期提醒日期",
        null=True,
        blank=True,
        help_text="容缺材料逾期未补齐时已发出提醒的日期（只提醒一次）。",
    )
    # 告知承诺: approved on the applicant's signed commitment, verified afterwards.
    commitment_basis = models.BooleanField("告知承诺审批", default=False)
    withdrawn_reason = models.TextField("撤回原因", blank=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["department", "status"], name="cases_dept_status"),
            models.Index(fields=["status", "legal_due_date"], name="cases_status_due"),
            models.Index(fields=["applicant", "-submitted_at"], name="cases_applicant_recent"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """Append-only history of a case: who did what, when, from which status to which, and why."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField("序号")
    action = models.CharField("动作", max_length=24, choices=ACTION_CHOICES)
    from_status = models.CharField("原状态", max_length=20, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=STATUS_CHOICES)
    occurred_at = models.DateTimeField(
        "发生时间", help_text="事件实际发生的时间；部门系统回流时可早于记录时间。"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="系统自动执行（如视为受理）时为空。",
    )
    actor_role = models.CharField("操作角色", max_length=30, blank=True)
    integration_client = models.CharField("部门系统", max_length=64, blank=True)
    reason = models.TextField("理由", blank=True)
    amount = models.PositiveIntegerField("天数", null=True, blank=True, help_text="延期的工作日数。")
    data = models.JSONField("附加信息", default=dict, blank=True)

    class Meta:
        verbose_name = "办件事件"
        verbose_name_plural = "办件事件"
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="cases_event_unique_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} #{self.sequence} {self.get_action_display()}"


class CaseMaterial(BaseModel):
    """A material of a case: an uploaded file, or satisfied by reference (免提交: e-licence or shared data)."""

    class Source(models.TextChoices):
        APPLICANT = "applicant", "申请人提交"
        E_LICENSE = "e_license", "电子证照"
        SHARED_DATA = "shared_data", "共享数据"

    class Review(models.TextChoices):
        PENDING = "pending", "待审核"
        ACCEPTED = "accepted", "合格"
        DEFICIENT = "deficient", "需补正"
        OUTSTANDING = "outstanding", "容缺待补"

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="materials")
    requirement = models.ForeignKey(
        MaterialRequirement, verbose_name="材料要求", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.APPLICANT)
    reference = models.CharField(
        "免提交引用", max_length=200, blank=True, help_text="证照标识或共享数据标识。"
    )
    storage_path = models.CharField("存储路径", max_length=300, blank=True, help_text="相对于私有存储目录。")
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    content_type = models.CharField(
        "文件类型", max_length=100, blank=True, help_text="按内容识别，而非扩展名。"
    )
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sm3 = models.CharField("SM3 摘要", max_length=64, blank=True)
    review = models.CharField("审核结果", max_length=12, choices=Review.choices, default=Review.PENDING)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="被替换为", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["case", "requirement__order", "created_at"]

    def __str__(self) -> str:
        return self.original_name or self.reference or str(self.requirement)


class DeliverySignature(BaseModel):
    """领取人签名: the signature image of a window pickup (窗口领取), proof that the result was served.

    Its own model rather than a :class:`CaseMaterial`: it is not an application material (no
    ``MaterialRequirement``, no review, never superseded) but the office's record of one ``deliver``
    event, written once with it. The file lies in the private directory like the materials.
    """

    class Source(models.TextChoices):
        UPLOAD = "upload", "上传签名图片"
        PAD = "pad", "签名板手写"

    case = models.ForeignKey(
        Case, verbose_name="办件", on_delete=models.PROTECT, related_name="delivery_signatures"
    )
    event = models.OneToOneField(
        CaseEvent, verbose_name="送达事件", on_delete=models.PROTECT, related_name="signature"
    )
    recipient = models.CharField("领取人", max_length=60)
    source = models.CharField("签名方式", max_length=10, choices=Source.choices)
    storage_path = models.CharField("存储路径", max_length=300, help_text="相对于私有存储目录。")
    content_type = models.CharField("图片类型", max_length=20, help_text="按内容识别：PNG 或 JPEG。")
    size = models.PositiveIntegerField("大小（字节）")
    sm3 = models.CharField("SM3 摘要", max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "领取人签名"
        verbose_name_plural = "领取人签名"
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.recipient} 签名"


class Notice(BaseModel):
    """文书: a real PDF issued for a case event, with its SM3 digest and SM2 seal, verifiable by token."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", "受理通知书"
        REFUSAL = "refusal", "不予受理决定书"
        SUPPLEMENT = "supplement", "补正材料一次性告知书"
        EXTENSION = "extension", "延期通知书"
        SPECIAL_PROCEDURE = "special_procedure", "特别程序告知书"
        APPROVAL = "approval", "准予决定书"
        DENIAL = "denial", "不予许可决定书"

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="notices")
    event = models.ForeignKey(
        CaseEvent, verbose_name="事件", on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField("文书类型", max_length=20, choices=Kind.choices)
    document_number = models.CharField("文号", max_length=60, unique=True)
    storage_path = models.CharField("存储路径", max_length=300)
    sm3 = models.CharField("SM3 摘要", max_length=64)
    signature = models.TextField("SM2 签名（Base64）")
    key_id = models.CharField("签名密钥标识", max_length=64)
    verification_token = models.CharField("核验码", max_length=64, unique=True)
    issued_on = models.DateField("文书日期")

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_number}"


class NegativeDecision(models.Model):
    """否定报备 register (seed Art. 37): every refusal and denial, readable by supervisors."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="+")
    event = models.OneToOneField(CaseEvent, verbose_name="事件", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=[("refusal", "不予受理"), ("denial", "不予许可")])
    reason = models.TextField("理由")
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        verbose_name = "否定报备"
        verbose_name_plural = "否定报备"
        ordering = ["-decided_at"]


class PostVerificationTask(BaseModel):
    """告知承诺 post-verification (核查): a case approved on the applicant's signed commitment is checked
    afterwards by the department; the task is created by ``case_approve(basis="commitment")``."""

    class Status(models.TextChoices):
        OPEN = "open", "待核查"
        DONE = "done", "已核查"

    case = models.ForeignKey(
        Case, verbose_name="办件", on_delete=models.PROTECT, related_name="post_verification_tasks"
    )
    event = models.OneToOneField(
        CaseEvent, verbose_name="准予事件", on_delete=models.PROTECT, related_name="post_verification_task"
    )
    department = models.ForeignKey(
        Department, verbose_name="核查部门", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField("核查期限", null=True, blank=True)
    result = models.TextField("核查结果", blank=True)
    completed_at = models.DateTimeField("核查完成时间", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "告知承诺核查任务"
        verbose_name_plural = "告知承诺核查任务"
        ordering = ["status", "due_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.case.number} 核查（{self.get_status_display()}）"


class Notification(BaseModel):
    """站内消息: what happened to a case, in plain Chinese, for the applicant (and their agent).

    Written by the ``cases.notify`` outbox handler (``haoban.cases.notifications``), one per event and
    recipient; SMS and e-mail copies are recorded in :class:`NotificationDelivery`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        Case, verbose_name="办件", on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.ForeignKey(
        CaseEvent, verbose_name="事件", on_delete=models.PROTECT, related_name="notifications"
    )
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="cases_notification_once_per_event_user")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="cases_notification_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """An SMS or e-mail sent for a case event: at most one per (event, channel), so a redelivered outbox
    message does not text the applicant twice. The recipient is stored masked."""

    class Channel(models.TextChoices):
        SMS = "sms", "短信"
        EMAIL = "email", "电子邮件"

    event = models.ForeignKey(
        CaseEvent, verbose_name="事件", on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    recipient = models.CharField("接收方（脱敏）", max_length=120)
    backend = models.CharField("发送通道", max_length=200)
    provider_id = models.CharField("通道回执", max_length=200, blank=True)
    sent_at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = "短信和邮件发送记录"
        verbose_name_plural = "短信和邮件发送记录"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="cases_delivery_once_per_event_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.recipient}"
