"""Materials: completeness, content sniffing, private storage with SM3, 免提交 resolvers, download."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from haoban.cases import materials
from haoban.cases.materials import (
    MaterialUpload,
    missing_required_materials,
    register_material_resolver,
    save_case_materials,
    validate_upload,
)
from haoban.cases.models import Case, CaseMaterial
from haoban.cases.tests.case_rows import make_case
from haoban.catalog.models import MaterialRequirement
from haoban.core.crypto import sm3_hex

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
UNSUPPORTED = "材料“食品经营许可申请书”的文件类型不受支持，请上传 PDF、OFD、JPG、PNG、DOCX、XLSX 格式的文件"


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def no_resolvers() -> Iterator[None]:
    saved = dict(materials._resolvers)
    materials._resolvers.clear()
    yield
    materials._resolvers.clear()
    materials._resolvers.update(saved)


@pytest.fixture
def case() -> Case:
    return make_case()


def requirement(case: Case, name: str) -> MaterialRequirement:
    return case.item_version.materials.get(name=name)


def form(case: Case) -> MaterialRequirement:
    return requirement(case, "食品经营许可申请书")


def licence(case: Case) -> MaterialRequirement:
    return requirement(case, "营业执照")


# --- completeness --------------------------------------------------------------------------------------------


def test_nothing_given_lists_every_required_material(case: Case) -> None:
    errors = missing_required_materials(case.item_version, [])

    assert errors == {
        f"materials[{form(case).pk}]": ["缺少必要材料：食品经营许可申请书"],
        f"materials[{licence(case).pk}]": ["缺少必要材料：营业执照"],
    }


def test_e_license_material_is_satisfied_by_a_reference(case: Case) -> None:
    uploads = [
        MaterialUpload(form(case), upload("申请书.pdf", PDF_BYTES)),
        MaterialUpload(licence(case), None, reference="1.2.156.3005.2.X.Y.1.001.F"),
    ]

    assert missing_required_materials(case.item_version, uploads) == {}


def test_a_reference_does_not_replace_a_file_the_applicant_must_bring(case: Case) -> None:
    uploads = [
        MaterialUpload(form(case), None, reference="whatever"),
        MaterialUpload(licence(case), upload("执照.png", PNG_BYTES, "image/png")),
    ]

    assert missing_required_materials(case.item_version, uploads) == {
        f"materials[{form(case).pk}]": ["缺少必要材料：食品经营许可申请书"]
    }


def test_registered_resolver_satisfies_e_license_material(case: Case) -> None:
    seen: list[tuple[object, str]] = []

    def resolver(subject: object, req: MaterialRequirement) -> str | None:
        seen.append((subject, req.name))
        return "1.2.156.3005.2.LIC"

    register_material_resolver("e_license", resolver)
    uploads = [MaterialUpload(form(case), upload("申请书.pdf", PDF_BYTES))]

    assert missing_required_materials(case.item_version, uploads, subject=case.applicant) == {}
    assert seen == [(case.applicant, "营业执照")]
    # Without a subject the resolver cannot be asked.
    assert missing_required_materials(case.item_version, uploads) == {
        f"materials[{licence(case).pk}]": ["缺少必要材料：营业执照"]
    }


def test_resolver_finding_nothing_leaves_material_missing(case: Case) -> None:
    register_material_resolver("e_license", lambda subject, req: None)

    errors = missing_required_materials(
        case.item_version, [MaterialUpload(form(case), upload("a.pdf", PDF_BYTES))], subject=case
    )

    assert errors == {f"materials[{licence(case).pk}]": ["缺少必要材料：营业执照"]}


def test_resolver_only_for_free_sources() -> None:
    with pytest.raises(ValueError, match="免提交来源"):
        register_material_resolver("applicant", lambda subject, req: "x")


def test_upload_for_another_item_is_an_error(case: Case) -> None:
    other = make_case()
    foreign = form(other)
    uploads = [
        MaterialUpload(form(case), upload("a.pdf", PDF_BYTES)),
        MaterialUpload(licence(case), upload("b.pdf", PDF_BYTES)),
        MaterialUpload(foreign, upload("c.pdf", PDF_BYTES)),
    ]

    assert missing_required_materials(case.item_version, uploads) == {
        f"materials[{foreign.pk}]": ["材料“食品经营许可申请书”不属于本事项的申报材料"]
    }


# --- sniffing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (JPEG_BYTES, "image/jpeg"),
        (zip_bytes("OFD.xml", "Doc_0/Document.xml"), "application/ofd"),
        (
            zip_bytes("[Content_Types].xml", "word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            zip_bytes("[Content_Types].xml", "xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_type_comes_from_content_not_name(case: Case, content: bytes, expected: str) -> None:
    # given a name and a client content type that both lie
    file = upload("scan.txt", content, content_type="text/plain")

    assert validate_upload(form(case), file) == (expected, len(content))


def test_png_named_pdf_is_accepted_as_png(case: Case) -> None:
    assert validate_upload(form(case), upload("申请书.pdf", PNG_BYTES)) == ("image/png", len(PNG_BYTES))


@pytest.mark.parametrize(
    "content",
    [
        EXE_BYTES,
        zip_bytes("readme.txt"),
        zip_bytes("[Content_Types].xml"),  # neither a Word nor an Excel document
        zip_bytes("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),  # .docm with macros
        zip_bytes("[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"),  # .xlsm with macros
        b"PK\x03\x04 not really a zip",
        b"<html><script>alert(1)</script></html>",
        b"%PD",
    ],
)
def test_other_content_is_refused_with_chinese_message(case: Case, content: bytes) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_upload(form(case), upload("申请书.pdf", content))

    assert exc.value.messages == [UNSUPPORTED]


def test_size_limit_from_settings(case: Case, settings: Any) -> None:
    settings.HAOBAN_MAX_UPLOAD_MB = 1
    exactly = PDF_BYTES + b" " * (1024 * 1024 - len(PDF_BYTES))

    assert validate_upload(form(case), upload("a.pdf", exactly)) == ("application/pdf", 1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        validate_upload(form(case), upload("a.pdf", exactly + b" "))
    assert exc.value.messages == ["材料“食品经营许可申请书”超过 1 MB 的大小限制，请压缩或分拆后重新上传"]


def test_default_limit_is_20_mb(settings: Any) -> None:
    del settings.HAOBAN_MAX_UPLOAD_MB

    assert materials.max_upload_bytes() == 20 * 1024 * 1024


def test_empty_file_is_refused(case: Case) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_upload(form(case), upload("a.pdf", b""))

    assert exc.value.messages == ["材料“食品经营许可申请书”是空文件，请重新上传"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\营业执照.pdf", "营业执照.pdf"),
        ('a"b\r\n<c>.pdf', "abc.pdf"),
        ("...", "未命名文件"),
        ("", "未命名文件"),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_sanitize_filename(given: str, expected: str) -> None:
    assert materials.sanitize_filename(given) == expected


# --- storage -------------------------------------------------------------------------------------------------


def test_save_stores_outside_web_root_with_sm3(case: Case, private_dir: Path) -> None:
    # given
    uploads = [
        MaterialUpload(form(case), upload("../申请书.PDF", PNG_BYTES)),
        MaterialUpload(licence(case), None, reference="1.2.156.3005.2.LIC"),
    ]

    # when
    saved = save_case_materials(case=case, uploads=uploads, actor=case.submitted_by)

    # then
    file_row, ref_row = saved
    path = private_dir / file_row.storage_path
    assert path.read_bytes() == PNG_BYTES
    assert path.parent == private_dir / "materials" / case.number
    assert path.suffix == ".png"
    assert file_row.sm3 == sm3_hex(PNG_BYTES)
    assert (file_row.size, file_row.content_type, file_row.original_name) == (
        len(PNG_BYTES),
        "image/png",
        "申请书.PDF",
    )
    assert (file_row.source, file_row.uploaded_by) == ("applicant", case.submitted_by)
    assert (ref_row.source, ref_row.reference, ref_row.storage_path, ref_row.sm3) == (
        "e_license",
        "1.2.156.3005.2.LIC",
        "",
        "",
    )
    for public in (Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()):
        assert not path.resolve().is_relative_to(public)
    assert list(CaseMaterial.objects.filter(case=case).order_by("pk")) == saved


def test_default_private_dir_is_var_private(settings: Any) -> None:
    del settings.HAOBAN_PRIVATE_DIR

    assert materials.private_dir() == (Path(settings.VAR_DIR) / "private").resolve()


def test_bad_file_writes_nothing(case: Case, private_dir: Path) -> None:
    uploads = [
        MaterialUpload(licence(case), upload("执照.pdf", PDF_BYTES)),
        MaterialUpload(form(case), upload("申请书.pdf", EXE_BYTES)),
    ]

    with pytest.raises(ValidationError) as exc:
        save_case_materials(case=case, uploads=uploads, actor=case.submitted_by)

    assert exc.value.message_dict == {f"materials[{form(case).pk}]": [UNSUPPORTED]}
    assert CaseMaterial.objects.count() == 0
    assert not private_dir.exists() or not any(private_dir.rglob("*"))


def test_reference_for_applicant_material_is_refused(case: Case, private_dir: Path) -> None:
    uploads = [
        MaterialUpload(licence(case), upload("执照.pdf", PDF_BYTES)),
        MaterialUpload(form(case), None, reference="abc"),
    ]

    with pytest.raises(ValidationError) as exc:
        save_case_materials(case=case, uploads=uploads, actor=case.submitted_by)

    assert exc.value.message_dict == {
        f"materials[{form(case).pk}]": ["材料“食品经营许可申请书”须上传文件，不能以证照或共享数据代替"]
    }
    assert CaseMaterial.objects.count() == 0
    assert not private_dir.exists() or not any(private_dir.rglob("*"))


def test_failure_while_storing_removes_written_files(
    case: Case, private_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real = materials._store

    def flaky(*args: Any, **kwargs: Any) -> CaseMaterial:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(materials, "_store", flaky)
    uploads = [
        MaterialUpload(form(case), upload("a.pdf", PDF_BYTES)),
        MaterialUpload(licence(case), upload("b.pdf", PDF_BYTES)),
    ]

    with pytest.raises(RuntimeError):
        save_case_materials(case=case, uploads=uploads, actor=case.submitted_by)

    assert CaseMaterial.objects.count() == 0
    assert [p for p in private_dir.rglob("*") if p.is_file()] == []


def test_resolver_records_free_material_by_reference(case: Case) -> None:
    register_material_resolver("e_license", lambda subject, req: f"LIC-{subject.number}")

    saved = save_case_materials(
        case=case, uploads=[MaterialUpload(form(case), upload("a.pdf", PDF_BYTES))], actor=None
    )

    assert [(m.requirement.name, m.source, m.reference) for m in saved] == [
        ("食品经营许可申请书", "applicant", ""),
        ("营业执照", "e_license", f"LIC-{case.number}"),
    ]


def test_later_uploads_do_not_resolve_a_held_reference_again(case: Case) -> None:
    calls: list[str] = []

    def resolver(subject: Case, req: MaterialRequirement) -> str:
        calls.append(req.name)
        return "LIC-1"

    register_material_resolver("e_license", resolver)
    save_case_materials(
        case=case, uploads=[MaterialUpload(form(case), upload("a.pdf", PDF_BYTES))], actor=None
    )

    # when the applicant supplements the form later
    save_case_materials(
        case=case, uploads=[MaterialUpload(form(case), upload("b.pdf", PDF_BYTES))], actor=None
    )

    assert calls == ["营业执照"]
    current = CaseMaterial.objects.filter(case=case, superseded_by__isnull=True)
    assert sorted(m.requirement.name for m in current) == ["营业执照", "食品经营许可申请书"]


def test_new_upload_supersedes_the_previous_one(case: Case) -> None:
    (first,) = save_case_materials(
        case=case, uploads=[MaterialUpload(form(case), upload("a.pdf", PDF_BYTES))], actor=None
    )

    (second,) = save_case_materials(
        case=case, uploads=[MaterialUpload(form(case), upload("b.png", PNG_BYTES))], actor=None
    )

    first.refresh_from_db()
    assert first.superseded_by == second
    assert CaseMaterial.objects.get(pk=second.pk).superseded_by is None


# --- download ------------------------------------------------------------------------------------------------


def test_download_returns_the_stored_bytes(case: Case) -> None:
    (material,) = save_case_materials(
        case=case, uploads=[MaterialUpload(form(case), upload("申请书.pdf", PDF_BYTES))], actor=None
    )

    response = materials.material_file_response(material)

    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


def test_download_of_reference_or_escaping_path_is_404(case: Case) -> None:
    by_reference = CaseMaterial(case=case, requirement=licence(case), source="e_license", reference="x")
    escaping = CaseMaterial(case=case, requirement=form(case), storage_path="../../secret_key")

    for material in (by_reference, escaping):
        with pytest.raises(Http404):
            materials.material_file_response(material)
