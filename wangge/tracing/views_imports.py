"""Upload pages of the contact lists: several files at once (every sheet of a workbook a batch),
the mapping page when a sheet's headers cannot be guessed (asked once, remembered by the
source), the batches (filters by day, source and kind), one batch's report and rows (ID numbers
and phones masked), and its rejected rows as .csv or .xlsx (unmasked, logged).

Uploading needs IMPORT in some area; batches are read through `for_user(user, VIEW)`: outside
it, a 404. Files waiting for their mapping are kept in private storage, named in the session."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, csv_response, xlsx_response
from wangge.core.imports import ImportFormatError
from wangge.core.mask import mask_id, mask_phone
from wangge.core.normalize import clean_text
from wangge.core.scope import EXPORT, IMPORT, VIEW, scope_paths
from wangge.places.paging import paginate

from . import services_imports as svc
from .forms_imports import BatchFilterForm, MappingForm, UploadForm
from .imports import FIELD_LABELS, NeedsMapping
from .models import Batch, Source

SESSION_KEY = "tracing_pending_upload"
PENDING_DIR = "tracing/pending"
REJECT_HEADERS = [
    gettext_lazy("行号"),
    gettext_lazy("列"),
    gettext_lazy("内容"),
    gettext_lazy("原因"),
]


def mask_value(text: str) -> str:
    """A rejected cell in a list: long digit runs (IDs, phones) masked."""
    digits = sum(c.isdigit() for c in text)
    if digits >= 15:
        return mask_id(text)
    return mask_phone(text) if digits >= 7 else text


# --- upload -------------------------------------------------------------------------------------


def _save_pending(request, form_data: dict, files: list[tuple[str, bytes]]) -> dict:
    state = {
        "token": uuid.uuid4().hex,
        "source": form_data["source"].pk,
        "kind": form_data["kind"],
        "day": form_data["day"].isoformat(),
        "files": [],
    }
    for name, data in files:
        path = default_storage.save(
            f"{PENDING_DIR}/{uuid.uuid4().hex}{Path(name).suffix.lower()}", ContentFile(data)
        )
        state["files"].append({"path": path, "name": Path(name).name[:200]})
    return state


def _run(request, state: dict, mapping: dict | None) -> HttpResponse:
    """Import the waiting files; the first that needs a mapping shows the mapping page."""
    source = get_object_or_404(Source.objects.for_user(request.user, IMPORT), pk=state["source"])
    day = parse_date(state["day"])
    imported: list[Batch] = []
    waiting: list[tuple[dict, NeedsMapping]] = []
    for f in state["files"]:
        try:
            with default_storage.open(f["path"], "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            messages.error(request, _("%(name)s：文件已失效，请重新上传") % {"name": f["name"]})
            continue
        try:
            batches = svc.import_file(
                data,
                f["name"],
                source=source,
                kind=state["kind"],
                day=day,
                actor=request.user,
                mapping=mapping,
            )
        except NeedsMapping as need:
            waiting.append((f, need))
            continue
        except (ImportFormatError, ValidationError) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"{f['name']}：{text}")
        else:
            imported.extend(batches)
        default_storage.delete(f["path"])
    for batch in imported:
        messages.success(
            request,
            _("%(file)s %(sheet)s：读取 %(read)d 行，导入 %(ok)d 行，拒绝 %(bad)d 行")
            % {
                "file": batch.file_name,
                "sheet": batch.sheet_name,
                "read": batch.rows_read,
                "ok": batch.rows_imported,
                "bad": batch.rows_rejected,
            },
        )
    if imported:
        summary = svc.link_summary(svc.link_after_import(source.area, actor=request.user))
        if summary:
            messages.info(request, _("比对结果：%(s)s") % {"s": summary})
    if waiting:
        f, need = waiting[0]
        state["files"] = [f for f, _need in waiting]
        state["need"] = {"headers": need.headers, "guess": need.guess, "sheet": need.sheet}
        request.session[SESSION_KEY] = state
        form = MappingForm(headers=need.headers, guess=need.guess)
        return _mapping_page(request, state, f, need, form, source)
    request.session.pop(SESSION_KEY, None)
    if len(imported) == 1:
        return redirect("tracing:batch_detail", pk=imported[0].pk)
    url = reverse("tracing:batch_list")
    return redirect(f"{url}?source={source.pk}&day={state['day']}" if imported else url)


def _mapping_page(request, state, f, need, form, source) -> HttpResponse:
    return render(
        request,
        "tracing/imports/mapping.html",
        {
            "form": form,
            "token": state["token"],
            "file_name": f["name"],
            "sheet": need.sheet,
            "source": source,
            "waiting": len(state["files"]),
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload lists; or (POST with `pending`) the mapping page's answer."""
    if not scope_paths(request.user, IMPORT):
        raise PermissionDenied
    if request.method == "POST" and "pending" in request.POST:
        state = request.session.get(SESSION_KEY)
        if not state or state.get("token") != request.POST["pending"] or not state["files"]:
            messages.error(request, _("待指定表头的文件已失效，请重新上传"))
            return redirect("tracing:upload")
        source = get_object_or_404(
            Source.objects.for_user(request.user, IMPORT), pk=state["source"]
        )
        need = NeedsMapping(**state["need"])
        form = MappingForm(request.POST, headers=need.headers, guess=need.guess)
        if not form.is_valid():
            return _mapping_page(request, state, state["files"][0], need, form, source)
        return _run(request, state, form.mapping())
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["source"] is None:
                data["source"] = svc.get_or_create_source(
                    data["area"], data["new_source"], actor=request.user, kind=data["kind"]
                )
        except ValidationError as exc:
            form.add_error("new_source", exc.messages)
        else:
            files = [(f.name, f.read()) for f in data["files"]]
            return _run(request, _save_pending(request, data, files), None)
    recent = Batch.objects.for_user(request.user, VIEW).select_related("source")[:8]
    return render(request, "tracing/imports/upload.html", {"form": form, "recent": recent})


# --- batches ------------------------------------------------------------------------------------


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    form = BatchFilterForm(request.GET, user=request.user)
    qs = Batch.objects.for_user(request.user, VIEW).select_related("source", "uploaded_by")
    if form.is_valid():
        data = form.cleaned_data
        if data["day"]:
            qs = qs.filter(day=data["day"])
        if data["source"]:
            qs = qs.filter(source=data["source"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
    else:
        qs = qs.none()
    page = paginate(request, qs)
    return render(
        request,
        "tracing/imports/batch_list.html",
        {"form": form, "page": page, "can_upload": bool(scope_paths(request.user, IMPORT))},
    )


def _batch(request, pk: int, action: str = VIEW) -> Batch:
    qs = Batch.objects.for_user(request.user, action).select_related("source", "area")
    return get_object_or_404(qs, pk=pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's report (read / imported / rejected with row, column, reason) and its rows."""
    batch = _batch(request, pk)
    rows = batch.rows.select_related("entity")
    q = clean_text(request.GET.get("q", ""))
    if q:
        match = Q(name__contains=q)
        if q.isascii() and q.isdigit() and len(q) >= 4:
            match |= Q(phone__endswith=q) | Q(id_number__endswith=q)
        rows = rows.filter(match)
    page = paginate(request, rows)
    for r in page.object_list:
        r.masked_id, r.masked_phone = mask_id(r.id_number), mask_phone(r.phone)
    rejects = [{**e, "masked": mask_value(str(e.get("value", "")))} for e in batch.rejects]
    return render(
        request,
        "tracing/imports/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "q": q,
            "rejects": rejects,
            "mapping": [(h, FIELD_LABELS.get(k, k)) for h, k in batch.mapping.items()],
            "can_export": bool(scope_paths(request.user, EXPORT)),
        },
    )


@login_required
def batch_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    """?format=csv|xlsx: the rejected rows (row, column, value, reason), unmasked and logged."""
    batch = _batch(request, pk, EXPORT)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = [[e["row"], e["column"], e.get("value", ""), e["reason"]] for e in batch.rejects]
    record_access(
        request.user,
        "export",
        batch,
        fields="rejects",
        rows=len(rows),
    )
    stem = _("%(name)s-拒绝行") % {"name": Path(batch.file_name).stem + (batch.sheet_name or "")}
    heads = [str(h) for h in REJECT_HEADERS]
    if fmt == "csv":
        return csv_response(f"{stem}.csv", columns=heads, rows=rows)
    columns = [
        XlsxColumn(h, w, text=i == 2)
        for i, (h, w) in enumerate(zip(heads, (8, 16, 24, 50), strict=True))
    ]
    response, _count = xlsx_response(
        f"{stem}.xlsx", columns=columns, rows=rows, title=str(batch), sheet_name=_("拒绝行")
    )
    return response
