"""What the benchmarks share: the database, the demo account and item they submit with, the request body."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST = os.environ.get("BENCH_PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PGPORT", "5432")
PG_USER = os.environ.get("BENCH_PGUSER", "postgres")
DB_NAME = os.environ.get("BENCH_DB", "haoban_bench")
DATABASE_URL = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{DB_NAME}"

DEMO_PASSWORD = os.environ.get("HAOBAN_DEMO_PASSWORD", "haoban-demo-2026")
# 张三 (natural person) applies for 失业保险金申领 (莆田市人社局): both required materials are 免提交 (shared data),
# so the application goes over JSON with no file; the form is checked against the item's JSON Schema.
SUBMIT_APPLICANT = "zhangsan"
SUBMIT_ITEM = "1135030000366120X13350511001000"
SUBMIT_FORM = {
    "applicant_name": "张三",
    "id_number": "350302199003071234",
    "phone": "13800000001",
    "separation_date": "2026-10-31",
    "bank_account": "6217001930000000001",
}
# The staff inbox: the window clerk of 市市场监管局 at 莆田市行政服务中心.
INBOX_STAFF = "clerk"


def submit_materials() -> list[dict[str, object]]:
    """The item's required 免提交 materials, by reference (call with Django set up)."""
    from haoban.catalog.selectors import current_version

    version = current_version(SUBMIT_ITEM)
    assert version is not None, f"demo item {SUBMIT_ITEM} not found: load the demo data"
    return [
        {"requirement": m.pk, "reference": f"SD-{m.pk}-350302199003071234"}
        for m in version.materials.filter(required=True).order_by("order", "pk")
    ]


def submit_body(materials: list[dict[str, object]]) -> str:
    return json.dumps(
        {"item": SUBMIT_ITEM, "channel": "pc", "form_data": SUBMIT_FORM, "materials": materials},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of every Django process of the benchmark: the bench database, DEBUG off, the repo
    first on the path (the venv's editable install may point at another work tree)."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DATABASE_URL,
        DEBUG="0",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE=os.environ.get("BENCH_SETTINGS", "haoban.settings"),
        LOG_LEVEL="WARNING",
        HAOBAN_VAR_DIR=str(ROOT / "var" / "bench"),
    )
    env.update(extra)
    return env


def psql(sql: str, *, db: str = DB_NAME, quiet: bool = True) -> str:
    cmd = [
        "psql",
        "-h",
        PG_HOST,
        "-p",
        PG_PORT,
        "-U",
        PG_USER,
        "-d",
        db,
        "-v",
        "ON_ERROR_STOP=1",
        "-Atq",
        "-c",
        sql,
    ]
    return subprocess.run(cmd, check=True, capture_output=quiet, text=True).stdout or ""
