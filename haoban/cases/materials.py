"""A case's materials (申报材料): what is missing, what an upload really is, where it is kept.

Called by ``haoban.cases.services`` (``case_submit``, ``case_supplement``); it writes files and
``CaseMaterial`` rows but never changes a case's status.

- :func:`missing_required_materials`: Chinese errors keyed ``materials[<requirement id>]`` for every
  required material of an item version that the uploads do not provide.
- :func:`validate_upload`: the size limit (``settings.HAOBAN_MAX_UPLOAD_MB``, default 20) and the file type
  **sniffed from the content** (magic bytes, the entries of a zip), never from the name or the
  client's ``Content-Type``. Accepted: PDF, OFD (GB/T 33190), JPEG, PNG, DOCX, XLSX.
- :func:`save_case_materials`: validates every upload first (nothing is written on bad input), then stores
  each file outside the web root under ``<private dir>/materials/<case number>/<uuid><ext>`` and records its
  SM3 digest, size, sniffed type, sanitised original name and source. The private directory is
  ``settings.HAOBAN_PRIVATE_DIR`` (default ``VAR_DIR / "private"``): never under ``MEDIA_ROOT`` or
  ``STATIC_ROOT``, never served statically; files leave it only through :func:`material_file_response`,
  after the caller's access check.

免提交 (certificate-free, seed "无证明城市"): a requirement whose ``source`` is ``e_license`` or
``shared_data`` is satisfied without a file by a *reference* (a licence identifier, GB/T 36904, or a
shared-data record identifier). References come from the upload itself (``MaterialUpload.reference``) or
from a resolver registered for the source::

    from haoban.cases.materials import register_material_resolver

    def licence_lookup(subject, requirement):  # subject: a Case or an ApplicantProfile
        licence = find_licence(holder=..., licence_type=requirement.source_reference)
        return licence.license_identifier if licence else None

    register_material_resolver("e_license", licence_lookup)  # e.g. in the licences app's ready()

A resolver returns the reference, or ``None`` when it has nothing; then the applicant has to upload the
material or give the reference. With no resolver registered (today), only an upload's reference or file
satisfies a 免提交 requirement. A resolver must not raise for "not found"; an exception propagates (the
caller's transaction rolls back), because silently treating a broken licence service as "missing" would
ask applicants for papers the law says they need not bring.

Files written before a later failure in the *caller's* transaction stay on disk without a row (there is
no rollback hook for the file system); they are unreachable and can be swept by comparing the directory
with ``CaseMaterial.storage_path``. Failures inside :func:`save_case_materials` remove what it wrote.
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404

from haoban.cases.models import Case, CaseMaterial
from haoban.catalog.models import MaterialRequirement, ServiceItemVersion
from haoban.core.crypto import sm3_file
from haoban.core.db import insert_rows

DEFAULT_MAX_UPLOAD_MB = 20
FREE_SOURCES = (MaterialRequirement.Source.E_LICENSE, MaterialRequirement.Source.SHARED_DATA)

# Sniffed content type -> stored extension. The names of the accepted kinds, in the order shown to people.
PDF = "application/pdf"
OFD = "application/ofd"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS: dict[str, str] = {
    PDF: ".pdf",
    OFD: ".ofd",
    JPEG: ".jpg",
    PNG: ".png",
    DOCX: ".docx",
    XLSX: ".xlsx",
}
ACCEPTED_LABEL = "PDF、OFD、JPG、PNG、DOCX、XLSX"

MaterialResolver = Callable[[Any, MaterialRequirement], "str | None"]
_resolvers: dict[str, MaterialResolver] = {}


@dataclasses.dataclass(frozen=True)
class MaterialUpload:
    """One material given with an application: a file, or a 免提交 reference (or both)."""

    requirement: MaterialRequirement
    file: UploadedFile | None = None
    reference: str = ""


# --- 免提交 resolvers ----------------------------------------------------------------------------------------


def register_material_resolver(source: str, fn: MaterialResolver) -> MaterialResolver:
    """Make ``fn(case_or_applicant, requirement) -> reference | None`` resolve requirements of ``source``
    (``e_license`` or ``shared_data``). Registering again replaces the previous resolver."""
    if source not in FREE_SOURCES:
        raise ValueError(f"免提交来源只能是 {', '.join(FREE_SOURCES)}，不能是“{source}”")
    _resolvers[source] = fn
    return fn


def unregister_material_resolver(source: str) -> None:
    _resolvers.pop(source, None)


def resolve_material(subject: Any, requirement: MaterialRequirement) -> str | None:
    """The reference that satisfies ``requirement`` for ``subject`` (a case or an applicant), if any."""
    resolver = _resolvers.get(requirement.source)
    if resolver is None or subject is None:
        return None
    reference = resolver(subject, requirement)
    return reference.strip() if reference and reference.strip() else None


# --- completeness --------------------------------------------------------------------------------------------


def material_key(requirement: MaterialRequirement) -> str:
    return f"materials[{requirement.pk}]"


def requirements_of(version: ServiceItemVersion) -> list[MaterialRequirement]:
    """The material requirements of ``version`` in their order; uses a prefetch of ``materials`` when the
    version carries one (``catalog.selectors.current_version(..., with_materials=True)``)."""
    return sorted(version.materials.all(), key=lambda r: (r.order, r.pk))


def missing_required_materials(
    version: ServiceItemVersion, uploads: Iterable[MaterialUpload], *, subject: Any = None
) -> dict[str, list[str]]:
    """Errors for the required materials of ``version`` that ``uploads`` leave unprovided, and for uploads
    that belong to another item version. Empty when the application is complete.

    An ``applicant`` material needs a file. An ``e_license`` / ``shared_data`` material is satisfied by a
    file, by the upload's ``reference``, or by the resolver registered for its source when ``subject`` (the
    applicant or the case) is given. Files are not inspected here: see :func:`validate_upload`.
    """
    uploads = list(uploads)
    errors: dict[str, list[str]] = {}
    for upload in uploads:
        if upload.requirement.version_id != version.pk:
            errors.setdefault(material_key(upload.requirement), []).append(
                f"材料“{upload.requirement.name}”不属于本事项的申报材料"
            )
    for requirement in requirements_of(version):
        if not requirement.required:
            continue
        given = [u for u in uploads if u.requirement.pk == requirement.pk]
        if any(u.file is not None for u in given):
            continue
        if requirement.source in FREE_SOURCES and (
            any(u.reference.strip() for u in given) or resolve_material(subject, requirement)
        ):
            continue
        errors.setdefault(material_key(requirement), []).append(f"缺少必要材料：{requirement.name}")
    return errors


# --- one file ------------------------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(getattr(settings, "HAOBAN_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def sniff_content_type(fh: IO[bytes]) -> str | None:
    """The content type of a file from its bytes, or ``None`` when it is not an accepted kind.

    PDF ``%PDF-``; JPEG ``FF D8 FF``; PNG ``89 50 4E 47 0D 0A 1A 0A``; zip containers by their entries:
    OFD has ``OFD.xml`` at the root (GB/T 33190), DOCX/XLSX have ``[Content_Types].xml`` with
    ``word/document.xml`` / ``xl/workbook.xml`` and no macros (``vbaProject.bin``). Only the zip directory is
    read, nothing is decompressed.
    """
    fh.seek(0)
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fh) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        finally:
            fh.seek(0)
        if "OFD.xml" in names:
            return OFD
        if "[Content_Types].xml" in names and not any(n.lower().endswith("vbaproject.bin") for n in names):
            # Macro-enabled documents (.docm/.xlsm carry vbaProject.bin) are refused: a reviewer opens them.
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def validate_upload(requirement: MaterialRequirement, file: UploadedFile) -> tuple[str, int]:
    """``(content_type, size)`` of an acceptable file; ``ValidationError`` (Chinese, naming the material)
    when it is empty, too large, or not an accepted kind by its content."""
    size = file.size or 0
    limit_mb = max_upload_bytes() // (1024 * 1024)
    if size <= 0:
        raise ValidationError(f"材料“{requirement.name}”是空文件，请重新上传", code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            f"材料“{requirement.name}”超过 {limit_mb} MB 的大小限制，请压缩或分拆后重新上传", code="too_large"
        )
    content_type = sniff_content_type(file)
    if content_type is None:
        raise ValidationError(
            f"材料“{requirement.name}”的文件类型不受支持，请上传 {ACCEPTED_LABEL} 格式的文件",
            code="file_type",
        )
    return content_type, size


def upload_errors(uploads: Iterable[MaterialUpload]) -> dict[str, list[str]]:
    """:func:`validate_upload` over every upload with a file, as errors keyed ``materials[<id>]``."""
    errors: dict[str, list[str]] = {}
    for upload in uploads:
        if upload.file is None:
            continue
        try:
            validate_upload(upload.requirement, upload.file)
        except ValidationError as exc:
            errors.setdefault(material_key(upload.requirement), []).extend(exc.messages)
    return errors


def sanitize_filename(name: str) -> str:
    """The client's file name made safe to show and to put in a ``Content-Disposition``: the last path
    component, NFC, without control characters, quotes or separators, at most 200 characters."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"<>:|?*').strip(
        " ."
    )
    if len(cleaned) > 200:
        stem, ext = os.path.splitext(cleaned)
        cleaned = stem[: 200 - len(ext[:20])] + ext[:20]
    return cleaned or "未命名文件"


# --- storage -------------------------------------------------------------------------------------------------


def private_dir() -> Path:
    """Root of the files that are never served statically (``HAOBAN_PRIVATE_DIR``, default ``var/private``)."""
    configured = getattr(settings, "HAOBAN_PRIVATE_DIR", None)
    return Path(configured or Path(settings.VAR_DIR) / "private").resolve()


def private_path(relative: str) -> Path:
    """Absolute path of a stored ``storage_path``; refuses anything that would leave the private dir."""
    root = private_dir()
    path = (root / relative).resolve()
    if not relative or not path.is_relative_to(root) or path == root:
        raise ValueError(f"存储路径不在私有目录内：{relative}")
    return path


def _case_directory_name(case: Case) -> str:
    # Case numbers are digits; anything else is replaced so a number can never name another directory.
    return "".join(ch if ch.isalnum() else "_" for ch in case.number) or "_"


def _write_upload(file: UploadedFile, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    partial = target.with_name(target.name + ".part")
    file.seek(0)
    with open(partial, "xb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    os.chmod(partial, 0o640)
    os.replace(partial, target)


def store_private_file(file: UploadedFile, *, case: Case, kind: str, content_type: str) -> tuple[str, Path]:
    """Write an already validated ``file`` to ``<private dir>/<kind>/<case number>/<uuid><ext>``; returns
    ``(storage_path relative to the private dir, absolute path)``. The caller deletes the file when its
    transaction fails (see the module docstring)."""
    relative = f"{kind}/{_case_directory_name(case)}/{uuid.uuid4().hex}{EXTENSIONS[content_type]}"
    target = private_path(relative)
    try:
        _write_upload(file, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return relative, target


def material_errors(version_id: int, uploads: Sequence[MaterialUpload]) -> dict[str, list[str]]:
    """Problems of ``uploads`` for a case of the item version ``version_id``, keyed ``materials[<id>]``:
    a requirement of another version, an upload with neither file nor reference, a reference where a file
    is required, a reference too long, and each file by :func:`validate_upload`. Empty when all is well."""
    errors: dict[str, list[str]] = {}
    for upload in uploads:
        requirement = upload.requirement
        if requirement.version_id != version_id:
            errors.setdefault(material_key(requirement), []).append(
                f"材料“{requirement.name}”不属于本事项的申报材料"
            )
        elif upload.file is None and not upload.reference.strip():
            errors.setdefault(material_key(requirement), []).append(f"材料“{requirement.name}”没有上传文件")
        elif upload.file is None and requirement.source not in FREE_SOURCES:
            errors.setdefault(material_key(requirement), []).append(
                f"材料“{requirement.name}”须上传文件，不能以证照或共享数据代替"
            )
        elif upload.reference.strip() and len(upload.reference.strip()) > 200:
            errors.setdefault(material_key(requirement), []).append(
                f"材料“{requirement.name}”的免提交引用过长"
            )
    for key, messages in upload_errors(u for u in uploads if u.requirement.version_id == version_id).items():
        errors.setdefault(key, []).extend(messages)
    return errors


def save_case_materials(
    *, case: Case, uploads: Sequence[MaterialUpload], actor: Any, new_case: bool = False
) -> list[CaseMaterial]:
    """Store ``uploads`` as materials of ``case`` and return the new rows, in the order of ``uploads``.

    Every upload is checked first (it must belong to the case's item version; its file by
    :func:`validate_upload`; a reference only for a 免提交 requirement); any problem raises
    ``ValidationError`` with Chinese messages keyed ``materials[<id>]`` and nothing is written.
    A 免提交 requirement without an upload, and not yet held by the case, is resolved through
    :func:`resolve_material` (``subject`` = the case) and recorded by reference when the resolver finds one. Earlier current materials of a requirement
    that receives new ones are marked ``superseded_by`` (补正 replaces them). Completeness is not checked
    here: call :func:`missing_required_materials` first.

    ``new_case=True`` (the submission, on a case created in the same transaction): the case holds nothing
    yet, so there is nothing to look up or supersede, and the rows are written with one multi-row INSERT.
    Their fields are checked here (the requirement belongs to the case's version, the reference fits,
    the uuid is new), which is what ``full_clean`` would have asked the database.
    """
    errors = material_errors(case.item_version_id, uploads)
    if errors:
        raise ValidationError(errors)

    written: list[Path] = []
    if new_case:
        try:
            return _save_new_case_materials(case, uploads, actor, written)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    try:
        with transaction.atomic():
            created = [_store(case, upload, actor, written) for upload in uploads]
            # Resolve only 免提交 materials the case does not hold yet: a 补正 must not add a second
            # reference for a licence already recorded at submission.
            held = set(
                CaseMaterial.objects.filter(case=case, superseded_by__isnull=True).values_list(
                    "requirement_id", flat=True
                )
            )
            given = {upload.requirement.pk for upload in uploads} | held
            free = case.item_version.materials.filter(source__in=FREE_SOURCES).exclude(pk__in=given)
            for requirement in free.order_by("order", "pk"):
                reference = resolve_material(case, requirement)
                if reference:
                    created.append(_record_reference(case, requirement, reference[:200], actor))
            _supersede(case, created)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return created


def _save_new_case_materials(
    case: Case, uploads: Sequence[MaterialUpload], actor: Any, written: list[Path]
) -> list[CaseMaterial]:
    created = [
        _store(case, upload, actor, written, save=False)
        if upload.file is not None
        else _reference_row(case, upload.requirement, upload.reference.strip(), actor)
        for upload in uploads
    ]
    given = {upload.requirement.pk for upload in uploads}
    for requirement in requirements_of(case.item_version):
        if requirement.source in FREE_SOURCES and requirement.pk not in given:
            reference = resolve_material(case, requirement)
            if reference:
                created.append(_reference_row(case, requirement, reference[:200], actor))
    insert_rows(created)
    return created


def _reference_row(case: Case, requirement: MaterialRequirement, reference: str, actor: Any) -> CaseMaterial:
    return CaseMaterial(
        case=case, requirement=requirement, source=requirement.source, reference=reference, uploaded_by=actor
    )


def _store(
    case: Case, upload: MaterialUpload, actor: Any, written: list[Path], *, save: bool = True
) -> CaseMaterial:
    requirement = upload.requirement
    if upload.file is None:
        return _record_reference(case, requirement, upload.reference.strip(), actor)
    content_type, size = validate_upload(requirement, upload.file)
    relative, target = store_private_file(upload.file, case=case, kind="materials", content_type=content_type)
    written.append(target)
    material = CaseMaterial(
        case=case,
        requirement=requirement,
        # The applicant brought the file even where the item allows 免提交.
        source=CaseMaterial.Source.APPLICANT,
        reference=upload.reference.strip(),
        storage_path=relative,
        original_name=sanitize_filename(upload.file.name or ""),
        content_type=content_type,
        size=target.stat().st_size,
        sm3=sm3_file(target),
        uploaded_by=actor,
    )
    if material.size != size:  # the upload changed under us; do not record a digest of something else
        raise ValidationError(
            {material_key(requirement): [f"材料“{requirement.name}”上传不完整，请重新上传"]}
        )
    if save:
        material.full_clean(exclude=["superseded_by", "uploaded_by"])
        material.save()
    return material


def _record_reference(
    case: Case, requirement: MaterialRequirement, reference: str, actor: Any
) -> CaseMaterial:
    material = _reference_row(case, requirement, reference, actor)
    material.full_clean(exclude=["superseded_by", "uploaded_by"])
    material.save()
    return material


def _supersede(case: Case, created: list[CaseMaterial]) -> None:
    first_new: dict[int, CaseMaterial] = {}
    for material in created:
        first_new.setdefault(material.requirement_id, material)
    new_ids = [m.pk for m in created]
    for requirement_id, replacement in first_new.items():
        CaseMaterial.objects.filter(
            case=case, requirement_id=requirement_id, superseded_by__isnull=True
        ).exclude(pk__in=new_ids).update(superseded_by=replacement)


# --- download ------------------------------------------------------------------------------------------------


def material_file_response(material: CaseMaterial) -> FileResponse:
    """The stored file of ``material`` as an attachment. Access is the caller's job (``access.py``); a
    material satisfied by reference, or a file missing on disk, is a 404."""
    if not material.storage_path:
        raise Http404("该材料以电子证照或共享数据提供，没有上传文件")
    ext = EXTENSIONS.get(material.content_type, "")
    return private_file_response(
        material.storage_path,
        filename=material.original_name or f"{material.requirement.name}{ext}",
        content_type=material.content_type,
    )


def private_file_response(
    storage_path: str, *, filename: str, content_type: str, as_attachment: bool = True
) -> FileResponse:
    """A file of the private directory (``storage_path`` relative to it), never cached, never sniffed by the
    browser; 404 when it is missing. Access is the caller's job."""
    try:
        path = private_path(storage_path)
    except ValueError:
        raise Http404("文件不存在") from None
    if not path.is_file():
        raise Http404("文件不存在")
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
