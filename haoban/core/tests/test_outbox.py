import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from haoban.core import outbox, ticks
from haoban.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def delivered():
    seen: list[str] = []

    @outbox.register_handler("test.ok")
    def ok(message: OutboxMessage) -> None:
        seen.append(message.payload["n"])

    @outbox.register_handler("test.boom")
    def boom(message: OutboxMessage) -> None:
        raise RuntimeError("接收方不可用")

    yield seen
    outbox.unregister_handler("test.ok")
    outbox.unregister_handler("test.boom")


def test_enqueued_message_is_delivered_once(delivered):
    # given
    msg = outbox.outbox_enqueue(topic="test.ok", payload={"n": "a"})
    msg.available_at = NOW
    msg.save()
    # when
    first = outbox.process_outbox(now=NOW)
    second = outbox.process_outbox(now=NOW)
    # then
    msg.refresh_from_db()
    assert (first, second) == (1, 0)
    assert delivered == ["a"]
    assert msg.status == OutboxMessage.Status.DONE
    assert msg.attempts == 1
    assert msg.processed_at == NOW


def test_message_of_a_rolled_back_transaction_is_never_sent(delivered):
    with pytest.raises(ValueError), transaction.atomic():
        outbox.outbox_enqueue(topic="test.ok", payload={"n": "x"})
        raise ValueError("state change failed")
    assert OutboxMessage.objects.count() == 0
    assert outbox.process_outbox(now=timezone.now()) == 0
    assert delivered == []


def test_failure_is_retried_with_exponential_backoff_then_given_up(delivered):
    msg = outbox.outbox_enqueue(topic="test.boom", payload={})
    msg.available_at = NOW
    msg.save()
    now = NOW
    expected_delays = [10, 20, 40, 80, 160, 320, 640, 1280, 2560]
    for attempt, delay in enumerate(expected_delays, start=1):
        assert outbox.process_outbox(now=now) == 1
        msg.refresh_from_db()
        assert msg.attempts == attempt
        assert msg.status == OutboxMessage.Status.PENDING
        assert msg.available_at == now + dt.timedelta(seconds=delay)
        assert msg.last_error == "RuntimeError: 接收方不可用"
        # not due yet one second before the retry time
        assert outbox.process_outbox(now=msg.available_at - dt.timedelta(seconds=1)) == 0
        now = msg.available_at
    assert outbox.process_outbox(now=now) == 1
    msg.refresh_from_db()
    assert msg.attempts == outbox.MAX_ATTEMPTS
    assert msg.status == OutboxMessage.Status.FAILED
    assert outbox.process_outbox(now=now + dt.timedelta(days=1)) == 0


def test_backoff_is_capped_at_one_hour():
    assert outbox.backoff(1) == dt.timedelta(seconds=10)
    assert outbox.backoff(20) == dt.timedelta(hours=1)


def test_unknown_topic_is_kept_for_retry_with_chinese_error():
    msg = outbox.outbox_enqueue(topic="test.nobody", payload={})
    msg.available_at = NOW
    msg.save()
    outbox.process_outbox(now=NOW)
    msg.refresh_from_db()
    assert msg.status == OutboxMessage.Status.PENDING
    assert msg.last_error == "LookupError: 没有处理“test.nobody”主题的程序"


def test_worker_once_delivers_pending_messages(delivered):
    outbox.outbox_enqueue(topic="test.ok", payload={"n": "w"})
    call_command("worker", "--once")
    assert delivered == ["w"]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.DONE


def test_tick_runs_every_job_and_reports_failures(capsys):
    calls: list[dt.datetime] = []

    @ticks.register_tick("test.count")
    def count(now: dt.datetime) -> str:
        calls.append(now)
        return "已检查 3 件"

    @ticks.register_tick("test.fail")
    def fail(now: dt.datetime) -> None:
        raise RuntimeError("出错")

    try:
        with pytest.raises(CommandError, match="部分定时规则运行失败"):
            call_command("tick", "--now", "2026-12-01T09:00:00+08:00")
        out = capsys.readouterr().out
        assert "test.count: 已检查 3 件" in out
        assert "test.fail: 失败：RuntimeError: 出错" in out
        assert calls == [dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)]
    finally:
        ticks.unregister_tick("test.count")
        ticks.unregister_tick("test.fail")


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-13-01", "--now 不是有效的时间：2026-13-01"), ("2026-12-01T09:00:00", "--now 必须包含时区")],
)
def test_tick_rejects_bad_now(value, message):
    with pytest.raises(CommandError, match=message):
        call_command("tick", "--now", value)
