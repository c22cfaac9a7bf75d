"""``haoban calendar``: queries, the provisional flag, import-year, and refusals (exit 1, Chinese, nothing
written)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haoban.calendars.models import CalendarDay, HolidayYear

from .conftest import EXAMPLE_2027, FakeRecomputer, counts, example_2027

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        run(*args)
    assert counts() == before
    return str(excinfo.value)


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (("is-workday", "2026-10-08"), "true\n"),
        (("is-workday", "2026-10-07"), "false\n"),
        (("is-workday", "2026-10-10"), "true\n"),  # make-up Saturday
        (("is-workday", "2026-02-14"), "true\n"),  # make-up Saturday
        (("is-workday", "2026-02-23"), "false\n"),  # Monday in 春节
        (("is-workday", "2027-02-08"), "false (provisional)\n"),  # 初三 2027
        (("is-workday", "2027-02-09"), "false (provisional)\n"),  # 春节补假
        (("is-workday", "2027-02-11"), "true (provisional)\n"),
        # Oct 1–7 off, Thu 8 Oct is the first working day after 30 Sep.
        (("add-workdays", "2026-09-30", "1"), "2026-10-08\n"),
        (("add-workdays", "2026-09-30", "3"), "2026-10-10\n"),
        (("add-workdays", "2026-10-08", "-1"), "2026-09-30\n"),
        (("add-workdays", "2026-10-03", "0"), "2026-10-03\n"),
        (("add-workdays", "2026-12-25", "10"), "2027-01-11 (provisional)\n"),
        (("between", "2026-09-30", "2026-10-31"), "18\n"),
        (("between", "2026-10-31", "2026-09-30"), "-18\n"),
        (("between", "2026-12-25", "2027-01-11"), "10 (provisional)\n"),
    ],
)
def test_queries(args: tuple[str, ...], output: str) -> None:
    assert run(*args) == output


def test_publishing_2027_flips_provisional_results(recomputer: FakeRecomputer) -> None:
    # given: 2027 provisional. 2027-02-04 + 1: statutory 春节 is 5–8 Feb, 补假 9–10 Feb → 11 Feb.
    assert run("add-workdays", "2026-12-25", "10") == "2027-01-11 (provisional)\n"
    assert run("add-workdays", "2027-02-04", "1") == "2027-02-11 (provisional)\n"
    # when
    out = run("import-year", "2027", str(EXAMPLE_2027))
    # then: the example has 元旦 1–3 Jan (no change to the date, only the flag) and 春节 5–12 Feb with
    # Sat 13, Sun 14 Feb ordinary rest days → Mon 15 Feb.
    assert out == (
        "2027 年节假日安排导入发布（临时日历 → 已发布）：放假 28 天，调休上班 6 天；"
        "新增放假 15 天，取消放假 0 天，新增调休上班 6 天，取消调休上班 0 天；重算期限 1 条。\n"
    )
    assert run("add-workdays", "2026-12-25", "10") == "2027-01-11\n"
    assert run("add-workdays", "2027-02-04", "1") == "2027-02-15\n"
    assert run("is-workday", "2027-01-31") == "true\n"
    # 2028 is now the first provisional year
    # 元旦 2028 is a Saturday: 补假 on Monday 3 January
    assert run("add-workdays", "2027-12-31", "1") == "2028-01-04 (provisional)\n"
    assert HolidayYear.objects.get(year=2027).source_notice == example_2027()["source_notice"]


def test_import_csv_with_source_notice(tmp_path: Path) -> None:
    # given: with a BOM, as Excel writes it, a blank line and Chinese kind labels
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n\n2027-02-05,放假,春节\n2027-02-20,makeup_workday,春节调休\n",
        encoding="utf-8-sig",
    )
    # when
    out = run(
        "import-year", "2027", str(path), "--source-notice", "国务院办公厅关于2027年部分节假日安排的通知"
    )
    # then
    assert out.startswith("2027 年节假日安排导入发布（临时日历 → 已发布）：放假 2 天，调休上班 1 天；")
    days = list(CalendarDay.objects.filter(year__year=2027).values_list("date", "kind", "name"))
    assert [(d.isoformat(), k, n) for d, k, n in days] == [
        ("2027-01-01", "holiday", "元旦"),
        ("2027-02-05", "holiday", "春节"),
        ("2027-02-20", "makeup_workday", "春节调休"),
    ]
    assert HolidayYear.objects.get(year=2027).source_notice == "国务院办公厅关于2027年部分节假日安排的通知"


def test_options_override_the_json(tmp_path: Path) -> None:
    run("import-year", "2027", str(EXAMPLE_2027), "--source-notice", "正式通知", "--notes", "人工核对")
    row = HolidayYear.objects.get(year=2027)
    assert (row.source_notice, row.notes) == ("正式通知", "人工核对")


def test_status() -> None:
    lines = run("status").splitlines()
    assert lines[0] == "2004  已发布  放假 22 天  调休上班 6 天  国务院办公厅关于2004年部分节假日安排的通知"
    assert lines[-2] == "2026  已发布  放假 33 天  调休上班 6 天  国务院办公厅关于2026年部分节假日安排的通知"
    assert lines[-1].startswith("临时日历（按法定节假日推算，无调休）：2027–")


def test_status_lists_an_unpublished_year_and_gaps() -> None:
    HolidayYear.objects.filter(year=2020).update(published=False)
    HolidayYear.objects.filter(year=2026).update(published=False)
    lines = run("status").splitlines()
    assert "2020  未发布  放假 30 天  调休上班 6 天  国务院办公厅关于2020年部分节假日安排的通知" in lines
    assert lines[-1].startswith("临时日历（按法定节假日推算，无调休）：2020、2026–")


def _write(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_refusals_of_queries() -> None:
    assert (
        refused("add-workdays", "2026-02-30", "1") == "日期“2026-02-30”无效，应为 YYYY-MM-DD 格式的真实日期"
    )
    assert refused("is-workday", "2026-9-30") == "日期“2026-9-30”无效，应为 YYYY-MM-DD 格式的真实日期"
    assert (
        refused("is-workday", "２０２６-09-30") == "日期“２０２６-09-30”无效，应为 YYYY-MM-DD 格式的真实日期"
    )
    assert (
        refused("between", "2026-01-01", "20260102") == "日期“20260102”无效，应为 YYYY-MM-DD 格式的真实日期"
    )
    assert refused("add-workdays", "2026-09-30", "abc") == "工作日数“abc”无效，应为整数"
    assert refused("add-workdays", "2026-09-30", "1.5") == "工作日数“1.5”无效，应为整数"
    assert refused("add-workdays", "2003-12-31", "1") == (
        "2003 年不在工作日历范围内（2004–2031 年），请先导入该年份的节假日安排"
    )
    assert refused("add-workdays", "2031-12-31", "1") == (
        "计算结果超出工作日历范围（2004–2031 年），请先导入相应年份的节假日安排"
    )


def test_refusals_of_import_arguments_and_files(tmp_path: Path) -> None:
    example = str(EXAMPLE_2027)
    prefix = "导入失败，未写入任何数据："
    assert refused("import-year", "1999", example) == "年份 1999 超出范围，应在 2004–2100 之间"
    assert refused("import-year", "二〇二七", example) == "年份“二〇二七”无效，应为整数"
    assert refused("import-year", "2028", example) == f"{prefix}文件中的年份 2027 与命令中的年份 2028 不一致"
    assert (
        refused("import-year", "2027", str(tmp_path / "none.json"))
        == f"{prefix}文件“{tmp_path / 'none.json'}”不存在"
    )
    assert (
        refused("import-year", "2027", str(tmp_path))
        == f"{prefix}无法识别文件“{tmp_path.name}”的格式：扩展名应为 .json 或 .csv"
    )
    os.mkdir(tmp_path / "dir.json")
    assert (
        refused("import-year", "2027", str(tmp_path / "dir.json"))
        == f"{prefix}“{tmp_path / 'dir.json'}”是目录，不是文件"
    )
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("date,kind,name\n2027-01-01,holiday,\xe9\n".encode("latin-1"))
    assert refused("import-year", "2027", str(latin1)) == f"{prefix}文件“latin1.csv”不是 UTF-8 编码"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"year": 2027, "holidays": [', "JSON 格式错误：第 1 行第 29 列附近无法解析"),
        ("[]", 'JSON 顶层应为对象，例如 {"year": 2027, "holidays": [...]}'),
        (
            '{"year": 2027, "holiday": []}',
            "JSON 中有未知字段“holiday”（可用字段：year、source_notice、notes、holidays、makeup_workdays；以 _ 开头的字段作为注释忽略）",
        ),
        ('{"year": "2027"}', "year 应为整数，实际为“2027”"),
        ('{"year": true}', "year 应为整数，实际为“True”"),
        ('{"source_notice": 1}', "source_notice 应为文本"),
        ('{"holidays": {"date": "2027-01-01"}}', "holidays 应为数组"),
        (
            '{"holidays": [{"date": "2027-01-01"}]}',
            'holidays[0] 应为只含 date 和 name 两个字段的对象，例如 {"date": "2027-01-01", "name": "元旦"}',
        ),
        ('{"holidays": [{"date": 20270101, "name": "元旦"}]}', "holidays[0] 的 date 和 name 应为文本"),
        (
            '{"holidays": [{"date": "2027-01-01", "name": "元旦"}], "makeup_workdays": [{"date": "2027-02-30", "name": "调休"}]}',
            "makeup_workdays[0].date：日期“2027-02-30”无效，应为 YYYY-MM-DD 格式的真实日期",
        ),
    ],
)
def test_malformed_json(tmp_path: Path, content: str, message: str) -> None:
    path = _write(tmp_path, "bad.json", content)
    assert refused("import-year", "2027", path) == f"导入失败，未写入任何数据：{message}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "CSV 第 1 行应为表头 date,kind,name"),
        ("date,name,kind\n", "CSV 第 1 行应为表头 date,kind,name"),
        ("date,kind,name\n2027-01-01,holiday\n", "CSV 第 2 行应有 3 列（date,kind,name），实际为 2 列"),
        (
            "date,kind,name\n2027-01-01,off,元旦\n",
            "CSV 第 2 行：类型“off”无效，应为 holiday（放假）或 makeup_workday（调休上班）",
        ),
        (
            "date,kind,name\n2027-01-01,holiday,元旦\n2026-02-30,holiday,春节\n",
            "CSV 第 3 行：日期“2026-02-30”无效，应为 YYYY-MM-DD 格式的真实日期",
        ),
    ],
)
def test_malformed_csv(tmp_path: Path, content: str, message: str) -> None:
    path = _write(tmp_path, "bad.csv", content)
    assert (
        refused("import-year", "2027", path, "--source-notice", "通知")
        == f"导入失败，未写入任何数据：{message}"
    )


def test_invalid_content_lists_every_problem_by_field(tmp_path: Path) -> None:
    data = {
        "year": 2027,
        "holidays": [{"date": "2026-12-31", "name": "元旦"}, {"date": "2027-02-05", "name": "春节"}],
        "makeup_workdays": [{"date": "2027-02-05", "name": "春节调休"}],
    }
    path = _write(tmp_path, "bad.json", json.dumps(data, ensure_ascii=False))
    assert refused("import-year", "2027", path) == (
        "导入失败，未写入任何数据：\n"
        "  source_notice：依据通知不能为空：请填写国务院办公厅通知的标题和文号\n"
        "  holidays[0].date：2026-12-31 不在 2027 年内\n"
        "  makeup_workdays[0].date：2027-02-05 同时出现在放假日期和调休上班日期中（见 holidays[1]）；"
        "2027-02-05 是星期五，调休上班日只能是周六或周日"
    )


def test_csv_without_source_notice_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n")
    assert refused("import-year", "2027", path) == (
        "导入失败，未写入任何数据：\n  source_notice：依据通知不能为空：请填写国务院办公厅通知的标题和文号"
    )


# --- the real console script ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def console_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database of its own: the test database lives in this process only."""
    var = tmp_path_factory.mktemp("haoban-var")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{var / 'cli.sqlite3'}",
        "HAOBAN_VAR_DIR": str(var),
        "SECRET_KEY": "test-only",
    }
    subprocess.run([_haoban(), "migrate", "--noinput"], env=env, check=True, capture_output=True, timeout=300)
    return env


def _haoban() -> str:
    return str(Path(sys.executable).parent / "haoban")


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["add-workdays", "2026-09-30", "1"], "2026-10-08\n"),
        (["add-workdays", "2026-12-25", "10"], "2027-01-11 (provisional)\n"),
    ],
)
def test_console_script(console_env: dict[str, str], args: list[str], stdout: str) -> None:
    result = subprocess.run(
        [_haoban(), "calendar", *args], env=console_env, capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, stdout, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add-workdays", "2026-02-30", "1"], "日期“2026-02-30”无效，应为 YYYY-MM-DD 格式的真实日期"),
        (["import-year", "3000", str(EXAMPLE_2027)], "年份 3000 超出范围，应在 2004–2100 之间"),
    ],
)
def test_console_script_refusals(console_env: dict[str, str], args: list[str], message: str) -> None:
    result = subprocess.run(
        [_haoban(), "calendar", *args], env=console_env, capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"CommandError: {message}\n"
