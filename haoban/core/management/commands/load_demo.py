from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haoban.core.demo.loader import DEFAULT_PASSWORD, PASSWORD_ENV, demo_counts, load_demo

COUNT_LABELS = {
    "regions": "行政区划",
    "centers": "政务（便民）服务中心（站）",
    "departments": "政务服务职能部门",
    "items": "政务服务事项",
    "published_items": "  其中已发布",
    "published_versions": "已发布版本",
    "draft_versions": "未发布草稿",
    "claimed_items": "已认领事项",
    "users": "账号",
    "applicants": "申请人",
    "agent_authorizations": "代办授权",
    "staff_assignments": "有效岗位授权",
}


class Command(BaseCommand):
    help = (
        "导入莆田市演示数据：行政区划（含湄洲岛、北岸两个管委会，使用本地代码 350391、350392，"
        "GB/T 2260 中没有它们的代码）、服务中心、职能部门、政务服务事项和演示账号（申请人、代办人、按部门或区划授权的工作人员）。可重复执行："
        "已存在的数据不会被修改，已存在账号的密码不会被重置（除非指定 --reset-passwords）。"
        f"演示账号密码取环境变量 {PASSWORD_ENV}，默认 {DEFAULT_PASSWORD}，仅供演示。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"把已存在的演示账号的密码重新设为 {PASSWORD_ENV}（或默认密码）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_demo(reset_passwords=options["reset_passwords"])
        except ValidationError as exc:
            details = "；".join(f"{k}: {'、'.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"演示数据未通过校验，未写入任何数据：{details}") from None
        if options["verbosity"] == 0:
            return
        created = sum(result.created.values())
        if created:
            self.stdout.write(self.style.SUCCESS(f"莆田演示数据已导入：新建 {created} 条记录。"))
        elif result.passwords_reset:
            self.stdout.write("莆田演示数据已存在，未作修改；已重置演示账号的密码。")
        else:
            self.stdout.write("莆田演示数据已存在，未作任何修改。")
        self.stdout.write("")
        self.stdout.write("数据概况（数据库中的总数）：")
        counts = demo_counts()
        for key, label in COUNT_LABELS.items():
            new = result.created.get(key, 0)
            suffix = f"（本次新建 {new}）" if new else ""
            self.stdout.write(f"  {label}：{counts[key]}{suffix}")
        self.stdout.write("")
        self.stdout.write("演示账号（仅供演示，切勿用于生产环境）：")
        for account in result.accounts:
            password = account.password if account.password is not None else "（账号已存在，密码未改动）"
            self.stdout.write(f"  用户名：{account.account.username}    密码：{password}")
            scope = f"；范围：{account.account.scope}" if account.account.scope else ""
            self.stdout.write(f"    角色：{account.account.role_name}{scope}；可以：{account.account.can_do}")
        self.stdout.write("  登录：/accounts/login/（我的账号：/accounts/me/）；管理后台：/admin/")
