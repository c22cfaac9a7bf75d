"""Forms of the staff workbench: one per case action. They only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from haoban.accounts.models import StaffAssignment, StaffRole, User
from haoban.cases.models import Case, DeliverySignature
from haoban.cases.services import APPROVAL_BASES, DELIVERY_METHODS, SupplementItem
from haoban.cases.services.steps import NOTE_MAX_LENGTH, StepAction
from haoban.cases.signatures import SignatureImage, signature_from_base64
from haoban.catalog.models import MaterialRequirement, ProcessStep, ServiceTagCode
from haoban.core.notices.content import SPECIAL_PROCEDURES
from haoban.domain.workflow import CaseAction, CaseStatus
from haoban.payments.services import chargeable_fees

A = CaseAction
DATE = forms.DateInput(attrs={"type": "date"})


class ActionForm(forms.Form):
    action: CaseAction | StepAction
    title = ""
    button = ""

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action.value)
        super().__init__(*args, **kwargs)
        self.case = case

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field, message)


def _tags(case: Case) -> set[str]:
    return set(case.item_version.service_tags.values_list("code", flat=True))


class AcceptForm(ActionForm):
    action = A.ACCEPT
    title = "受理"
    button = "受理"
    deficient_materials = forms.TypedMultipleChoiceField(
        label="容缺材料（可不选）",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="仅限容缺受理清单内事项的非必要材料。",
    )
    tolerant_due_date = forms.DateField(label="容缺材料补齐期限", required=False, widget=DATE)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if ServiceTagCode.TOLERANT_ACCEPTANCE in _tags(case):
            optional = MaterialRequirement.objects.filter(version=case.item_version_id, required=False)
            self.fields["deficient_materials"].choices = [(m.pk, m.name) for m in optional.order_by("order")]
        if not self.fields["deficient_materials"].choices:
            del self.fields["deficient_materials"]
            del self.fields["tolerant_due_date"]


class RefuseForm(ActionForm):
    action = A.REFUSE
    title = "不予受理"
    button = "不予受理"
    reason = forms.CharField(label="不予受理的理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    competent_office = forms.CharField(
        label="有权机关（不属于本机关职权范围时填写）", required=False, max_length=200
    )


class RequestSupplementForm(ActionForm):
    """A checkbox per material and what is wrong with it; every ticked material in ONE notice."""

    action = A.REQUEST_SUPPLEMENT
    title = "一次性告知补正"
    button = "出具补正告知书"

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.requirements = list(
            MaterialRequirement.objects.filter(version=case.item_version_id).order_by("order", "pk")
        )
        for req in self.requirements:
            self.fields[f"m{req.pk}"] = forms.BooleanField(label=req.name, required=False)
            self.fields[f"p{req.pk}"] = forms.CharField(
                label=f"“{req.name}”需要补正的内容", required=False, max_length=300
            )

    def pairs(self) -> list[tuple[Any, Any]]:
        return [(self[f"m{r.pk}"], self[f"p{r.pk}"]) for r in self.requirements]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [r for r in self.requirements if data.get(f"m{r.pk}")]
        if not chosen:
            raise forms.ValidationError("请至少勾选一项需要补正的材料")
        for r in chosen:
            if not (data.get(f"p{r.pk}") or "").strip():
                self.add_error(f"p{r.pk}", f"请写明“{r.name}”需要补正的内容")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "items": [
                SupplementItem(r.pk, self.cleaned_data[f"p{r.pk}"].strip())
                for r in self.requirements
                if self.cleaned_data.get(f"m{r.pk}")
            ]
        }


def department_heads(case: Case) -> Any:
    ids = StaffAssignment.objects.filter(
        role=StaffRole.DEPARTMENT_HEAD, active=True, departments=case.department_id
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


class _HeadChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return getattr(obj, "display_name", "") or obj.username


class ExtendForm(ActionForm):
    action = A.EXTEND
    title = "延期"
    button = "延期"
    days = forms.IntegerField(
        label="延长工作日数", required=False, min_value=1, help_text="不填则按事项规定的延期时限。"
    )
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    approved_by = _HeadChoice(label="批准的部门负责人", queryset=User.objects.none(), empty_label="请选择")

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["approved_by"].queryset = department_heads(case)  # type: ignore[attr-defined]
        self.fields["approved_by"].error_messages["required"] = "请选择批准延期的部门负责人"


class SuspendForm(ActionForm):
    action = A.SUSPEND
    title = "特别程序开始"
    button = "开始特别程序"
    procedure = forms.ChoiceField(
        label="特别程序", choices=[("", "请选择"), *list(SPECIAL_PROCEDURES.items())], required=False
    )
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    expected_days = forms.IntegerField(label="预计所需工作日数", min_value=1)


class ResumeForm(ActionForm):
    action = A.RESUME
    title = "特别程序结束"
    button = "结束特别程序，恢复计时"


class ApproveForm(ActionForm):
    action = A.APPROVE
    title = "准予"
    button = "准予许可"
    basis = forms.ChoiceField(label="审批方式", choices=list(APPROVAL_BASES.items()), initial="standard")

    fee_items = forms.TypedMultipleChoiceField(
        label="本件收取的费用",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="准予后按所选项目开具缴费单；都不选则不收费。",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if ServiceTagCode.COMMITMENT not in _tags(case):
            del self.fields["basis"]
        fees = chargeable_fees(case)
        if fees:
            self.fields["fee_items"].choices = [(f.pk, f"{f.name}（{f.amount:.2f} 元）") for f in fees]
            self.fields["fee_items"].initial = [f.pk for f in fees]
        else:
            del self.fields["fee_items"]


class DenyForm(ActionForm):
    action = A.DENY
    title = "不予许可"
    button = "不予许可"
    reason = forms.CharField(label="不予许可的理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class IssueForm(ActionForm):
    action = A.ISSUE
    title = "制证"
    button = "制证完成"


class PayForm(ActionForm):
    action = A.PAY
    title = "线下缴费"
    button = "登记缴费"
    method = forms.ChoiceField(
        label="缴费方式",
        choices=[("", "请选择"), ("cash", "现金"), ("pos", "POS 刷卡"), ("bank_transfer", "银行转账")],
        required=False,
    )
    amount = forms.DecimalField(
        label="金额（元）",
        required=False,
        min_value=0,
        decimal_places=2,
        help_text="有缴费单的办件须与应缴金额一致（可不填）。",
    )
    reference = forms.CharField(label="票据号或凭证号（可不填）", required=False, max_length=64)


class DeliverForm(ActionForm):
    action = A.DELIVER
    title = "送达"
    button = "送达"
    method = forms.ChoiceField(
        label="送达方式", choices=list(DELIVERY_METHODS.items()), widget=forms.RadioSelect
    )
    recipient = forms.CharField(label="领取人（窗口领取）", required=False, max_length=60)
    address = forms.CharField(label="邮寄地址（邮寄送达）", required=False, max_length=200)
    tracking_number = forms.CharField(label="快递单号（邮寄送达）", required=False, max_length=60)
    # Window pickup: the recipient signs on the pad (its script fills signature_data with a PNG data URL)
    # or the clerk uploads a photo or scan of the signed receipt. Without JavaScript only the upload shows.
    signature_file = forms.FileField(
        label="领取人签名（窗口领取）",
        required=False,
        help_text="在下方签名板上签名，或上传签名图片（PNG 或 JPG，不超过 1 MB）。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    signature_data = forms.CharField(required=False, widget=forms.HiddenInput)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        upload, drawn = data.pop("signature_file", None), data.pop("signature_data", "")
        data["signature"] = None
        if data.get("method") == "window":
            if upload is not None:
                data["signature"] = SignatureImage(upload, source=DeliverySignature.Source.UPLOAD)
            elif drawn:
                data["signature"] = signature_from_base64(drawn, source=DeliverySignature.Source.PAD)
        return data

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        if "signature" in errors:
            errors = {**errors, "signature_file": errors["signature"]}
            del errors["signature"]
        super().add_service_errors(errors)


class CompleteForm(ActionForm):
    action = A.COMPLETE
    title = "办结"
    button = "办结"


class ForwardForm(ActionForm):
    """流转: the case goes on to the next process step (the service checks the role and the last step)."""

    action = StepAction.FORWARD  # type: ignore[assignment]
    title = "提交下一环节（流转）"
    button = "提交下一环节"
    note = forms.CharField(
        label="流转说明（可不填）",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例如审查意见，记入办理记录。",
    )
    # The step the page showed: a second submission (another tab, a colleague) gets a 409 message instead
    # of moving the case a second step.
    expected_step = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case.current_step is not None:
            self.fields["expected_step"].initial = case.current_step.name
        following = (
            ProcessStep.objects.filter(version=case.item_version_id, order__gt=case.current_step.order)
            .order_by("order", "id")
            .first()
            if case.current_step is not None
            else None
        )
        if following is not None:
            self.title = f"提交至“{following.name}”环节（流转）"


ACTION_FORMS: dict[CaseAction | StepAction, type[ActionForm]] = {
    f.action: f
    for f in (
        AcceptForm,
        RefuseForm,
        RequestSupplementForm,
        ExtendForm,
        SuspendForm,
        ResumeForm,
        ApproveForm,
        DenyForm,
        IssueForm,
        PayForm,
        DeliverForm,
        CompleteForm,
        ForwardForm,
    )
}

OPEN_STATUSES = [
    CaseStatus.SUBMITTED,
    CaseStatus.PENDING_SUPPLEMENT,
    CaseStatus.IN_REVIEW,
    CaseStatus.SUSPENDED,
    CaseStatus.APPROVED,
    CaseStatus.ISSUED,
    CaseStatus.DELIVERED,
]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "办理中"), ("all", "全部")] + [(s.value, s.label) for s in CaseStatus],
    )
    view = forms.ChoiceField(
        label="范围",
        required=False,
        choices=[("mine", "待我办理"), ("all", "我的范围内全部")],
        help_text="待我办理：当前环节由我的岗位办理（窗口受理人员还包括尚未受理的办件）。"
        "不填时，持有办理岗位的人员默认待我办理，其他人员（如效能监督员）默认全部。",
    )
    step = forms.CharField(label="当前环节", required=False, max_length=40)
    q = forms.CharField(label="办件编号", required=False, max_length=24)
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("", "紧急程度"),
            ("due", "到期日"),
            ("step_due", "环节到期日"),
            ("submitted", "申请时间（最早在前）"),
        ],
    )
