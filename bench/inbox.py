"""The staff inbox at 100 000 cases: ``GET /api/v1/cases/`` (first page, by urgency) p50/p95 over HTTP, against
the same SQL run raw by ``pgbench`` in the same run.

    .venv/bin/python bench/inbox.py                  # fresh database, 100 000 cases, 200 requests
    .venv/bin/python bench/inbox.py --no-setup       # reuse haoban_bench (e.g. after bench/submit.py)

The cases are generated with one ``INSERT … SELECT generate_series`` for 食品经营许可 of 市市场监管局 (the demo
``clerk``'s department, received at his center): a year of submissions, statuses and lights mixed as in a
working department (about 40 % still open). The clerk logs in once; requests are sequential (one client:
this is a latency measurement). The raw side replays, with ``pgbench -c 1``, (a) the page query alone and
(b) every SQL statement the request ran, captured from one request through Django's test client
(``CaptureQueriesContext``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import INBOX_STAFF, ROOT, bench_env, psql
from submit import (
    PYTHON,
    fresh_database,
    git_commit,
    gunicorn,
    log,
    login,
    machine,
    require,
    run_pgbench,
)

INBOX_ITEM = "11350300MB158710653350126001000"  # 食品经营许可, 莆田市市场监督管理局
CITY_CENTER = "莆田市行政服务中心"
URLS = ("/api/v1/cases/", "/api/v1/cases/?status=submitted,in_review")

GENERATE = """
WITH v AS (
  SELECT v.id AS version_id, i.id AS item_id, i.implementing_body_id AS department_id, i.region_id
  FROM catalog_serviceitem i JOIN catalog_serviceitemversion v ON v.item_id = i.id
  WHERE i.implementation_code = '{item}' AND v.status = 'published' ORDER BY v.id DESC LIMIT 1
), p AS (
  SELECT a.id AS applicant_id, a.user_id FROM accounts_applicantprofile a
  JOIN accounts_user u ON u.id = a.user_id WHERE u.username = 'putian-food'
), c AS (SELECT id AS center_id FROM organization_servicecenter WHERE name = '{center}' LIMIT 1),
g AS (
  SELECT n, now() - (random() * interval '365 days') AS at,
         (ARRAY['submitted','in_review','in_review','pending_supplement','suspended','approved','issued',
                'completed','completed','completed','completed','refused','denied','withdrawn','delivered'])
           [1 + floor(random() * 15)::int] AS status,
         floor(random() * 25)::int - 5 AS remaining
  FROM generate_series(1, {count}) AS n
)
INSERT INTO cases_case (
  uuid, created_at, updated_at, number, channel, form_data, status, submitted_at, received_on, accepted_on,
  deemed_accepted, extensions_used, acceptance_due_date, legal_due_date, promised_due_date, remaining_workdays,
  light, clock_paused, provisional, clock_computed_on, commitment_basis, withdrawn_reason,
  applicant_id, department_id, item_id, item_version_id, region_id, service_center_id, submitted_by_id)
SELECT gen_random_uuid(), g.at, g.at, '350300' || '1999' || lpad((g.n + {offset})::text, 10, '0'), 'pc',
  '{{"entity_name": "莆田市好味食品有限公司", "phone": "0594-2690000"}}'::jsonb, g.status, g.at, g.at::date,
  CASE WHEN g.status NOT IN ('submitted', 'pending_supplement', 'refused', 'withdrawn') THEN g.at::date END,
  false, 0, g.at::date + 7,
  CASE WHEN g.status NOT IN ('submitted', 'pending_supplement', 'refused', 'withdrawn') THEN g.at::date + 28 END,
  CASE WHEN g.status NOT IN ('submitted', 'pending_supplement', 'refused', 'withdrawn') THEN g.at::date + 7 END,
  CASE WHEN g.status IN ('submitted', 'in_review', 'pending_supplement', 'suspended') THEN g.remaining END,
  CASE WHEN g.status NOT IN ('submitted', 'in_review', 'pending_supplement', 'suspended') THEN ''
       WHEN g.remaining < 0 THEN 'red' WHEN g.remaining <= 2 THEN 'yellow' ELSE 'green' END,
  g.status = 'suspended', false, current_date, false, '',
  p.applicant_id, v.department_id, v.item_id, v.version_id, v.region_id, c.center_id, p.user_id
FROM g, v, p, c
"""

CAPTURE = """
import json, sys
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from haoban.accounts.models import User
settings.ALLOWED_HOSTS = ["*"]
settings.HAOBAN_PREPARED_STATEMENTS = False  # plain statements, which pgbench can run in a session of its own
client = Client()
client.force_login(User.objects.get(username=%(user)r))
out = {}
for url in %(urls)r:
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    out[url] = {"count": response.json().get("count"), "sql": [q["sql"] for q in ctx.captured_queries]}
print("CAPTURED=" + json.dumps(out))
"""


def generate(count: int) -> None:
    log(f"generating {count} cases (INSERT … SELECT generate_series)")
    started = time.monotonic()
    # Numbers 3503001999…: a year no real case has; continue after cases generated by an earlier run.
    offset = psql(
        "SELECT coalesce(max(substr(number, 11)::bigint), 0) FROM cases_case WHERE number LIKE '3503001999%'"
    )
    psql(GENERATE.format(item=INBOX_ITEM, center=CITY_CENTER, count=count, offset=int(offset.strip())))
    psql("ANALYZE cases_case")
    log(f"generated in {time.monotonic() - started:.1f} s")


def capture() -> dict[str, dict[str, object]]:
    """The SQL of one request of each URL, and the total the API reports (Django's test client)."""
    code = CAPTURE % {"user": INBOX_STAFF, "urls": URLS}
    out = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", code],
        cwd=ROOT,
        env=bench_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("CAPTURED="))
    return dict(json.loads(line.removeprefix("CAPTURED=")))


def http_latencies(port: int, jar: dict[str, str], url: str, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "Accept": "application/json"}
    times = []
    for i in range(n + 5):
        started = time.perf_counter()
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"GET {url}: HTTP {response.status}")
        if i >= 5:  # the first five warm the worker
            times.append((time.perf_counter() - started) * 1000)
    return times


def _stats(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(sorted(ms), n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "max": max(ms)}


def raw_latencies(statements: list[str], n: int) -> dict[str, float]:
    """pgbench -c 1 -t n over the statements (one transaction each), p50/p95 per transaction."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "inbox.sql"
        script.write_text("".join(" ".join(s.split()) + ";\n" for s in statements), encoding="utf-8")
        result = run_pgbench(script, clients=1, seconds=0, threads=1, transactions=n)
    return {"p50": result["p50"], "p95": result["p95"], "max": result["max"]}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-setup", action="store_true", help="reuse the bench database")
    parser.add_argument("--markdown", type=Path, help="append the result block to this file")
    parser.add_argument("--note", default="", help="a line to add to the result block")
    args = parser.parse_args()

    require("psql", "createdb", "dropdb", "pgbench")
    started = dt.datetime.now(dt.UTC)
    host = machine()
    if not args.no_setup:
        fresh_database()
    generate(args.cases)
    total = int(psql("SELECT count(*) FROM cases_case").strip())
    captured = capture()

    rows = []
    with gunicorn(2, 2) as port:
        jar = login(port, INBOX_STAFF)
        for url in URLS:
            sql = [str(s) for s in captured[url]["sql"]]  # type: ignore[union-attr]
            page = max(sql, key=lambda s: ("ORDER BY" in s, len(s)))
            log(f"GET {url}: {args.requests} requests; {len(sql)} SQL statements per request")
            web = _stats(http_latencies(port, jar, url, args.requests))
            raw_page = raw_latencies([page], args.requests)
            raw_all = raw_latencies([s for s in sql if s not in ("BEGIN", "COMMIT")], args.requests)
            rows.append((url, captured[url]["count"], len(sql), web, raw_page, raw_all))

    lines = [
        f"### 工作人员收件箱 {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {host}; commit {git_commit()}",
        f"- {total} cases in the database, {args.cases} generated for 市市场监管局; user `{INBOX_STAFF}`; "
        f"{args.requests} sequential requests per URL (first page, 50 rows, by urgency)",
        *([f"- Note: {args.note}"] if args.note else []),
        "",
        "| URL | visible | SQL/request | HTTP p50 ms | HTTP p95 ms | raw page query p95 ms | "
        "raw all SQL p95 ms | HTTP p95 / raw all |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for url, count, n_sql, web, raw_page, raw_all in rows:
        lines.append(
            f"| `{url}` | {count} | {n_sql} | {web['p50']:.1f} | {web['p95']:.1f} | {raw_page['p95']:.1f} | "
            f"{raw_all['p95']:.1f} | {web['p95'] / raw_all['p95']:.1f} |"
        )
    lines.append("")
    block = "\n".join(lines)
    print(block)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as fh:
            fh.write("\n" + block)
        log(f"appended to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
