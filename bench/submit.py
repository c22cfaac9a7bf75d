"""Case submission throughput over HTTP, side by side with ``pgbench`` writing the same rows (one run).

    .venv/bin/python bench/submit.py                     # full run: 5 s warm-up, then 5 rounds of 6 s each side
    .venv/bin/python bench/submit.py --duration 15 --warmup 3   # smoke run

1. A fresh PostgreSQL database (``haoban_bench``, dropped first), migrated, with the demo data.
2. gunicorn (2 × 4 threads, ``SpreadingThreadWorker``, DEBUG off) on a free port; one session login per benchmark (as a browser does),
   then ``wrk`` with 16 connections POSTs ``/api/v1/cases/`` as 张三 (失业保险金申领, both required materials
   免提交 by reference), each request with its own ``Idempotency-Key``: authentication, CSRF, idempotency,
   clock, event, materials and outbox all on. Every non-201 is an error. The cases created are counted in the
   database and compared with the 201s.
3. ``pgbench`` with 16 clients, each script run writing the same rows in the same transactions as one
   submission: the region's daily number counter (one statement, its own transaction), then idempotency
   record with its response, case, event #1, the materials (one multi-row INSERT), one outbox message —
   copied from a case the API created.
4. pgbench and HTTP alternate in rounds (the machine's speed drifts); the ratio is the median of the rounds'
   HTTP / pgbench ratios (pgbench's default simple protocol: the reference). Once more pgbench with the
   counter inside the transaction, and once with ``-M prepared`` (the service prepares its statements), for
   comparison.
5. The rates, the ratio and the latencies, printed and (``--markdown FILE``) appended.

Needs ``psql``, ``createdb``, ``dropdb``, ``pgbench`` and ``wrk`` (Debian: ``apt-get install -y wrk``) and a
PostgreSQL on ``BENCH_PGHOST`` (127.0.0.1) as ``BENCH_PGUSER`` (postgres) without password.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    DB_NAME,
    DEMO_PASSWORD,
    PG_HOST,
    PG_PORT,
    PG_USER,
    ROOT,
    SUBMIT_APPLICANT,
    SUBMIT_FORM,
    SUBMIT_ITEM,
    bench_env,
    psql,
    submit_body,
)

BENCH_DIR = Path(__file__).resolve().parent
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        sys.exit(
            f"缺少工具 (missing tools): {', '.join(missing)} — Debian: apt-get install -y {' '.join(missing)}"
        )


def manage(*args: str, quiet: bool = True) -> str:
    out = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=bench_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    if not quiet:
        print(out.stdout, file=sys.stderr)
    return out.stdout


def fresh_database() -> None:
    pg = ["-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER]
    log(f"fresh database {DB_NAME}")
    subprocess.run(["dropdb", *pg, "--if-exists", "--force", DB_NAME], check=True)
    subprocess.run(["createdb", *pg, DB_NAME], check=True)
    manage("migrate", "--noinput", "-v", "0")
    log("loading the demo data")
    manage("load_demo")


# --- gunicorn ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# gthread that leaves a new connection to a worker with an idle thread (haoban/core/gunicorn_worker.py): with
# plain gthread, wrk's 16 keep-alive connections all went to one worker in about a third of the runs.
WORKER_CLASS = "haoban.core.gunicorn_worker.SpreadingThreadWorker"


@contextlib.contextmanager
def gunicorn(workers: int, threads: int) -> Iterator[int]:
    port = free_port()
    cmd = [
        PYTHON,
        "-m",
        "gunicorn",
        "haoban.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        WORKER_CLASS,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    log(f"gunicorn on :{port} ({workers} workers x {threads} threads)")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=bench_env(), start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                sys.exit("gunicorn exited during start-up")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status in (200, 401, 403):
                    break
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not answer within 60 s")
            time.sleep(0.3)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def login(port: int, username: str) -> dict[str, str]:
    """Log in through the login page, once (session + CSRF cookies), as a browser does."""
    jar: dict[str, str] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    _cookies(response, jar)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the login page"
    form = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": match.group(1)}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    _cookies(response, jar)
    if "sessionid" not in jar:
        sys.exit(f"login as {username} failed (HTTP {response.status})")
    return jar


def post_once(port: int, jar: dict[str, str], body: str, key: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/cases/", body=body.encode(), headers=_api_headers(jar, key))
    response = conn.getresponse()
    return response.status, response.read().decode()


def _api_headers(jar: dict[str, str], key: str | None = None) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        "X-CSRFToken": jar["csrftoken"],
    }
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


# --- wrk -----------------------------------------------------------------------------------------------------

WRK_LUA = r"""
-- POST a case with a unique Idempotency-Key per request; count statuses; print a machine-readable summary.
wrk.method = "POST"
local static = {HEADERS}
local body = {BODY}
local counter = 0
local threads = {}
statuses = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  prefix = string.format("wrk-%s-%d-", "{RUN}", tid)
end

function request()
  counter = counter + 1
  local headers = {}
  for k, v in pairs(static) do headers[k] = v end
  headers["Idempotency-Key"] = prefix .. counter
  return wrk.format("POST", "/api/v1/cases/", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(counts) do table.insert(parts, code .. ":" .. n) end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50=%d p90=%d p95=%d p99=%d max=%d mean=%.0f "
    .. "connect=%d read=%d write=%d status=%d timeout=%d statuses=%s\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, table.concat(parts, ",")))
end
"""


def _lua_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def wrk_script(path: Path, jar: dict[str, str], body: str, run: str) -> None:
    headers = (
        "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in _api_headers(jar).items()) + "}"
    )
    path.write_text(
        WRK_LUA.replace("{HEADERS}", headers).replace("{BODY}", _lua_string(body)).replace("{RUN}", run),
        encoding="utf-8",
    )


def run_wrk(port: int, script: Path, *, clients: int, seconds: int, threads: int) -> dict[str, float | str]:
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(clients),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/api/v1/cases/",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        sys.exit(f"wrk printed no summary:\n{out}")
    result: dict[str, float | str] = {}
    for part in line.split()[1:]:
        name, _, value = part.partition("=")
        result[name] = value if name == "statuses" else float(value)
    statuses = {
        int(code): int(n) for code, n in (p.split(":") for p in str(result["statuses"]).split(",") if p)
    }
    result["ok"] = statuses.get(201, 0)
    result["errors"] = sum(n for code, n in statuses.items() if code != 201) + sum(
        float(result[k]) for k in ("connect", "read", "write", "timeout")
    )
    result["rate"] = float(result["ok"]) / (float(result["duration_us"]) / 1e6)
    return result


# --- pgbench -------------------------------------------------------------------------------------------------


def _case_count() -> int:
    return int(psql("SELECT count(*) FROM cases_case").strip())


def _settled_case_count(timeout: float = 120) -> int:
    """The number of cases once the requests still in flight when wrk stopped have finished on the server
    (wrk drops their responses; gunicorn completes them): the count no longer changes for 2 s."""
    deadline = time.monotonic() + timeout
    count = _case_count()
    while time.monotonic() < deadline:
        time.sleep(2)
        now = _case_count()
        if now == count:
            return now
        count = now
    return count


def _rows_of(case_number: str) -> dict[str, list[dict[str, object]]]:
    """The rows one API submission wrote, as Python values (psycopg, in the venv)."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=DB_NAME, row_factory=dict_row
    ) as conn:
        case = conn.execute("SELECT * FROM cases_case WHERE number = %s", [case_number]).fetchone()
        assert case is not None
        event = conn.execute("SELECT * FROM cases_caseevent WHERE case_id = %s", [case["id"]]).fetchall()
        materials = conn.execute(
            "SELECT * FROM cases_casematerial WHERE case_id = %s", [case["id"]]
        ).fetchall()
        outbox = conn.execute(
            "SELECT * FROM core_outboxmessage WHERE (payload->>'event_id')::bigint = %s", [event[0]["id"]]
        ).fetchall()
        record = conn.execute(
            "SELECT * FROM core_idempotencyrecord WHERE response_body->>'number' = %s", [case_number]
        ).fetchall()
    return {
        "cases_case": [case],
        "cases_caseevent": event,
        "cases_casematerial": materials,
        "core_outboxmessage": outbox,
        "core_idempotencyrecord": record,
    }


def _literal(value: object) -> str:
    import psycopg
    from psycopg.types.json import Jsonb

    if isinstance(value, (dict, list)):
        value = Jsonb(value)
    return psycopg.sql.Literal(value).as_string(None)


def _insert(table: str, row: dict[str, object], overrides: dict[str, str], returning: str = "") -> str:
    columns = [c for c in row if c != "id"]
    values = [overrides.get(c, _literal(row[c])) for c in columns]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"
    if returning:
        sql += f" RETURNING {returning}"
    return " ".join(sql.split())


def pgbench_script(path: Path, template_number: str, *, numbering: str = "own") -> None:
    """One script run = the rows of one submission, the values copied from ``template_number``.

    ``numbering="own"`` (what the service does on PostgreSQL): the region's daily counter is incremented by
    one statement in its own transaction, committed before the submission's transaction begins.
    ``"in_transaction"``: the counter is incremented inside the submission's transaction (the service's
    behaviour on SQLite and before the write path was made lean): its row lock is held until COMMIT, so the
    submissions of one region commit one at a time — shown for comparison.
    """
    rows = _rows_of(template_number)
    region = template_number[:6]
    now = "now()"
    day = "(now() AT TIME ZONE 'Asia/Shanghai')::date"
    number = f"'{region}' || to_char({day}, 'YYYYMMDD') || lpad(:seq_last::text, 6, '0')"
    counter = (
        "INSERT INTO cases_casenumbersequence (region_code, day, last) "
        f"VALUES ('{region}', {day}, 1) ON CONFLICT (region_code, day) "
        "DO UPDATE SET last = cases_casenumbersequence.last + 1 RETURNING last \\gset seq_"
    )
    lines = [
        *([counter] if numbering == "own" else []),
        "BEGIN;",
        # The idempotency record, written once with its response (the API inserts it first and updates it).
        _insert(
            "core_idempotencyrecord",
            rows["core_idempotencyrecord"][0],
            {"key": "'pgb-' || gen_random_uuid()::text", "created_at": now},
        )
        + ";",
        *([counter] if numbering == "in_transaction" else []),
        _insert(
            "cases_case",
            rows["cases_case"][0],
            {
                "uuid": "gen_random_uuid()",
                "number": number,
                "created_at": now,
                "updated_at": now,
                "submitted_at": now,
            },
            returning="id",
        )
        + " \\gset case_",
        _insert(
            "cases_caseevent",
            rows["cases_caseevent"][0],
            {"case_id": ":case_id", "occurred_at": now, "recorded_at": now},
            returning="id",
        )
        + " \\gset event_",
    ]
    # The materials in one multi-row INSERT, as the service writes them.
    materials = [
        _insert(
            "cases_casematerial",
            material,
            {
                "uuid": "gen_random_uuid()",
                "case_id": ":case_id",
                "created_at": now,
                "updated_at": now,
                "superseded_by_id": "NULL",
            },
        )
        for material in rows["cases_casematerial"]
    ]
    if materials:
        head, _, first_values = materials[0].partition(" VALUES ")
        lines.append(
            head
            + " VALUES "
            + ", ".join([first_values, *(m.partition(" VALUES ")[2] for m in materials[1:])])
            + ";"
        )
    for message in rows["core_outboxmessage"]:
        lines.append(
            _insert(
                "core_outboxmessage",
                message,
                {
                    "uuid": "gen_random_uuid()",
                    "payload": "jsonb_build_object('event_id', (:event_id)::bigint)",
                    "created_at": now,
                    "available_at": now,
                },
            )
            + ";"
        )
    lines.append("COMMIT;")
    # pgbench: a meta-command (\gset) ends its SQL command; every other command needs its semicolon.
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_pgbench(
    script: Path, *, clients: int, seconds: int, threads: int, transactions: int = 0, mode: str = "simple"
) -> dict[str, float]:
    """pgbench for ``seconds`` (or ``transactions`` per client): rate, failures, latency percentiles (ms)."""
    length = ["-t", str(transactions)] if transactions else ["-T", str(seconds)]
    with tempfile.TemporaryDirectory() as tmp:
        pg = ["-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER]
        cmd = ["pgbench", *pg, "-n", "-M", mode, "-c", str(clients), "-j", str(threads), *length]
        cmd += ["-f", str(script), "-l", "--log-prefix", f"{tmp}/tx", DB_NAME]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=tmp)
        text = out.stdout + out.stderr
        latencies: list[float] = []
        for log_file in Path(tmp).glob("tx*"):
            for line in log_file.read_text().splitlines():
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000)  # µs → ms
    done = re.search(r"number of transactions actually processed: (\d+)", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    if not (done and tps) or not latencies:
        sys.exit(f"pgbench output not understood:\n{text}")
    return {
        "ok": float(done.group(1)),
        "errors": float(failed.group(1)) if failed else 0.0,
        "rate": float(tps.group(1)),
        **_percentiles(latencies),
    }


def _combined_pgbench(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Several pgbench rounds as one: the mean rate, the sums, the median of the percentiles and the worst
    maximum."""
    return {
        "rate": statistics.mean(r["rate"] for r in rounds),
        "ok": sum(r["ok"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        **{k: statistics.median(r[k] for r in rounds) for k in ("p50", "p95", "p99")},
        "max": max(r["max"] for r in rounds),
    }


def _combined_wrk(rounds: list[dict[str, float | str]]) -> dict[str, float | str]:
    """Several wrk rounds as one: the mean rate, the sums, the median p50/p95, the *worst* p99 and maximum."""
    return {
        "rate": statistics.mean(float(r["rate"]) for r in rounds),
        "ok": sum(int(r["ok"]) for r in rounds),
        "errors": sum(float(r["errors"]) for r in rounds),
        "p50": statistics.median(float(r["p50"]) for r in rounds),
        "p95": statistics.median(float(r["p95"]) for r in rounds),
        "p99": max(float(r["p99"]) for r in rounds),
        "max": max(float(r["max"]) for r in rounds),
    }


def _percentiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": ms[-1]}


# --- the run -------------------------------------------------------------------------------------------------


def machine() -> str:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    pg = psql("SHOW server_version", db="postgres").strip()
    return f"{os.cpu_count()} CPU ({model}), PostgreSQL {pg}, load average before the run {load}"


def git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() + (" (+ uncommitted changes)" if dirty.stdout.strip() else "")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=int, default=30, help="measured seconds of each side, split over the rounds (30)"
    )
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds before each side (5)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients on both sides (16)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 4)))
    parser.add_argument("--rounds", type=int, default=5, help="alternating pgbench/HTTP rounds (5)")
    parser.add_argument("--no-setup", action="store_true", help="reuse the bench database as it is")
    parser.add_argument("--markdown", type=Path, help="append the result block to this file")
    parser.add_argument("--note", default="", help="a line to add to the result block")
    args = parser.parse_args()

    require("psql", "createdb", "dropdb", "pgbench", "wrk")
    started = dt.datetime.now(dt.UTC)
    host = machine()
    if not args.no_setup:
        fresh_database()

    with gunicorn(args.workers, args.threads) as port, tempfile.TemporaryDirectory() as tmp:
        jar = login(port, SUBMIT_APPLICANT)
        materials = _materials()
        body = submit_body(materials)
        status, text = post_once(port, jar, body, f"bench-template-{time.time_ns()}")
        if status != 201:
            sys.exit(f"the submission the benchmark repeats failed: HTTP {status} {text[:500]}")
        template = re.search(r'"number":"(\d+)"', text)
        assert template is not None
        lua = Path(tmp) / "submit.lua"
        wrk_threads = 2

        # The raw-database limit and HTTP in alternating rounds (pgbench, HTTP, pgbench, HTTP, …), each after
        # a warm-up: the machine's speed drifts over tens of seconds (other virtual machines on the host), and
        # each round's ratio compares two measurements taken side by side.
        sql = Path(tmp) / "submit.sql"
        pgbench_script(sql, template.group(1))
        log(f"pgbench warm-up {args.warmup} s")
        run_pgbench(sql, clients=args.clients, seconds=args.warmup, threads=2)
        wrk_script(lua, jar, body, f"w{time.time_ns()}")
        log(f"HTTP warm-up {args.warmup} s")
        run_wrk(port, lua, clients=args.clients, seconds=args.warmup, threads=wrk_threads)
        seconds = max(5, args.duration // args.rounds)
        raw_rounds: list[dict[str, float]] = []
        web_rounds: list[dict[str, float | str]] = []
        created = 0
        for n in range(1, args.rounds + 1):
            log(f"round {n}/{args.rounds}: pgbench {seconds} s, {args.clients} clients")
            raw_rounds.append(run_pgbench(sql, clients=args.clients, seconds=seconds, threads=2))
            before = _settled_case_count()
            wrk_script(lua, jar, body, f"m{n}-{time.time_ns()}")
            log(f"round {n}/{args.rounds}: HTTP {seconds} s, {args.clients} connections")
            web_rounds.append(run_wrk(port, lua, clients=args.clients, seconds=seconds, threads=wrk_threads))
            created += _settled_case_count() - before
        locked_sql = Path(tmp) / "submit-locked.sql"
        pgbench_script(locked_sql, template.group(1), numbering="in_transaction")
        log(f"pgbench with the counter inside the transaction, {seconds} s")
        locked = run_pgbench(locked_sql, clients=args.clients, seconds=seconds, threads=2)
        log(f"pgbench -M prepared, {seconds} s")
        prepared = run_pgbench(sql, clients=args.clients, seconds=seconds, threads=2, mode="prepared")
    raw = _combined_pgbench(raw_rounds)
    web = _combined_wrk(web_rounds)
    round_ratios = [float(w["rate"]) / r["rate"] for w, r in zip(web_rounds, raw_rounds, strict=True)]

    ok = int(web["ok"])
    in_flight = (
        created - ok
    )  # wrk drops the responses of requests in flight at the end of each round; the server completes them
    ratio = statistics.median(round_ratios)
    consistent = 0 <= in_flight <= args.clients * args.rounds and web["errors"] == 0
    p99_ms = float(web["p99"]) / 1000
    lines = [
        f"### 办件提交吞吐 {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {host}; commit {git_commit()}",
        f"- {args.clients} clients; {args.rounds} rounds of {seconds} s pgbench then {seconds} s HTTP, after "
        f"{args.warmup} s warm-up each; gunicorn SpreadingThreadWorker {args.workers}×{args.threads}; wrk 2 threads; pgbench -j 2",
        *([f"- Note: {args.note}"] if args.note else []),
        "",
        "| side | rate (/s) | p50 ms | p95 ms | p99 ms | max ms | ok | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| pgbench, same rows and transactions as the service | {raw['rate']:.0f} | {raw['p50']:.1f} | "
        f"{raw['p95']:.1f} | {raw['p99']:.1f} | {raw['max']:.1f} | {raw['ok']:.0f} | {raw['errors']:.0f} |",
        f"| pgbench, same rows, counter inside the transaction (for comparison) | {locked['rate']:.0f} | "
        f"{locked['p50']:.1f} | {locked['p95']:.1f} | {locked['p99']:.1f} | {locked['max']:.1f} | "
        f"{locked['ok']:.0f} | {locked['errors']:.0f} |",
        f"| pgbench -M prepared, same script (for comparison: statements parsed and planned once) | "
        f"{prepared['rate']:.0f} | {prepared['p50']:.1f} | {prepared['p95']:.1f} | {prepared['p99']:.1f} | "
        f"{prepared['max']:.1f} | {prepared['ok']:.0f} | {prepared['errors']:.0f} |",
        f"| HTTP POST /api/v1/cases/ | {web['rate']:.0f} | {float(web['p50']) / 1000:.1f} | "
        f"{float(web['p95']) / 1000:.1f} | {p99_ms:.1f} | {float(web['max']) / 1000:.1f} | {ok} | "
        f"{web['errors']:.0f} |",
        "",
        "Rounds (HTTP /s ÷ pgbench /s): "
        + "; ".join(
            f"{float(w['rate']):.0f} ÷ {r['rate']:.0f} = {x:.3f}"
            for w, r, x in zip(web_rounds, raw_rounds, round_ratios, strict=True)
        )
        + ".",
        "",
        f"**Ratio HTTP / pgbench (median of the rounds): {ratio:.3f}** (target ≥ 0.25 with p99 < 200 ms: "
        f"{'met' if ratio >= 0.25 and p99_ms < 200 else 'not met'}). Cases created in the measured period: "
        f"{created} = {ok} answered 201 + {in_flight} in flight when wrk stopped (≤ {args.clients} per round) "
        f"({'consistent' if consistent else 'INCONSISTENT'}).",
        "",
    ]
    block = "\n".join(lines)
    print(block)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as fh:
            fh.write("\n" + block)
        log(f"appended to {args.markdown}")
    return 0 if consistent else 1


def _materials() -> list[dict[str, object]]:
    out = manage(
        "shell",
        "-c",
        "import json, sys; sys.path.insert(0, 'bench'); from common import submit_materials; "
        "print('MATERIALS=' + json.dumps(submit_materials()))",
    )
    line = next(ln for ln in out.splitlines() if ln.startswith("MATERIALS="))
    import json

    return list(json.loads(line.removeprefix("MATERIALS=")))


assert SUBMIT_FORM and SUBMIT_ITEM  # imported for the docstring's sake

if __name__ == "__main__":
    sys.exit(main())
