"""Profile one ``POST /api/v1/cases/``: the SQL it runs and where its time goes (not a test; not timed by CI).

    DATABASE_URL=postgres://postgres@127.0.0.1/haoban_bench .venv/bin/python bench/profile_submit.py [--cprofile]

Needs a database with the demo data (``bench/submit.py`` leaves ``haoban_bench`` in place). Submits through Django's test
client with a session (as the browser and wrk do), so the counts include the session, user and CSRF work.
Prints every query of one warm request (the first request of a process pays extra one-off lookups, so the
second one is shown), grouped by the code that issued it.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import sys
import time
import traceback
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haoban.settings")

import django  # noqa: E402

django.setup()

from common import SUBMIT_APPLICANT, submit_body, submit_materials  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from haoban.core.db import sent_statements  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def _origin() -> str:
    """The innermost frame in haoban/ that ran the query (else the Django or DRF frame)."""
    frames = [
        f
        for f in traceback.extract_stack()
        if "/haoban/" in f.filename and "/site-packages/" not in f.filename
    ]
    if not frames:
        outside = [f for f in traceback.extract_stack() if "/site-packages/" in f.filename]
        pick = [f for f in outside if "/django/contrib/" in f.filename or "/rest_framework/" in f.filename]
        f = (pick or outside or [None])[-1]
        return f"{Path(f.filename).name}:{f.lineno} {f.name}" if f else "?"
    f = frames[-1]
    return f"{f.filename.split('/haoban/', 1)[1]}:{f.lineno} {f.name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--cprofile", action="store_true", help="also print the top functions by cumulative time"
    )
    parser.add_argument("--repeat", type=int, default=200, help="requests for the time per request")
    args = parser.parse_args()

    from haoban.accounts.models import User

    client = Client(enforce_csrf_checks=True)
    # Log in as the browser does, once: the session cookie and the CSRF cookie are reused afterwards.
    client.force_login(User.objects.get(username=SUBMIT_APPLICANT))
    client.get("/api/v1/cases/?page_size=1")  # a GET sets no csrftoken by itself; make one
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token

    body = submit_body(submit_materials())

    def post() -> tuple[int, float]:
        started = time.perf_counter()
        response = client.post(
            "/api/v1/cases/",
            data=body,
            content_type="application/json",
            headers={"Idempotency-Key": str(uuid.uuid4()), "X-CSRFToken": token},
        )
        return response.status_code, time.perf_counter() - started

    status, _ = post()  # the first request of the process (one-off lookups, imports)
    assert status == 201, status

    executed: list[tuple[str, str]] = []  # (sql, origin); BEGIN/COMMIT are not executed through cursors

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        executed.append((sql, _origin()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper), CaptureQueriesContext(connection) as ctx:
        status, elapsed = post()
    assert status == 201, status

    # On PostgreSQL several statements share a round trip (core.db): one captured query, parts joined by ";\n".
    # BEGIN and COMMIT logged by Django alone are not sent when they travel with a statement.
    # What was sent is in Django's log (the queued statements are added below the cursor's wrappers), in the
    # order of the cursor calls; Django also logs BEGIN and COMMIT, which travel with the statements.
    # Prepared statements (core.db.prepared) are shown as the statements they execute.
    sent = [q for q in sent_statements(ctx) if q not in ("BEGIN", "COMMIT")]
    assert len(sent) == len(executed), (len(sent), len(executed))
    executed = [(text, origin) for text, (_, origin) in zip(sent, executed, strict=True)]
    parts = [part for raw, _ in executed for part in raw.split(";\n")]
    print(
        f"# One warm POST /api/v1/cases/ on the request's connection: {len(executed)} round trips, "
        f"{len(parts)} statements (the case number takes one more, on its own connection)\n"
    )
    kinds = collections.Counter(part.split()[0].upper() for part in parts)
    print("By kind:", ", ".join(f"{k} {v}" for k, v in kinds.most_common()), "\n")
    for n, (raw, origin) in enumerate(executed, 1):
        print(f"{n:2d}. [{origin}]")
        for part in raw.split(";\n"):
            sql = " ".join(part.split())
            print(f"      {sql[:150] + '...' if len(sql) > 150 else sql}")

    # Time per request in this process (single client, no concurrency), and the share spent in the database.
    db_time = 0.0

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal db_time
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time += time.perf_counter() - started

    total = 0.0
    with connection.execute_wrapper(timed):
        for _ in range(args.repeat):
            status, elapsed = post()
            assert status == 201, status
            total += elapsed
    print(
        f"\n# {args.repeat} sequential requests (test client, one process): "
        f"{total / args.repeat * 1000:.2f} ms each, of which SQL round trips {db_time / args.repeat * 1000:.2f} ms "
        f"({db_time / total:.0%}); Python {(total - db_time) / args.repeat * 1000:.2f} ms"
    )

    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            post()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())


if __name__ == "__main__":
    main()
