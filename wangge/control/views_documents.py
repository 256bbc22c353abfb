"""The paperwork of orders on the web (文书送达): one PDF of notices, commitment forms and door
signs for a selection of orders (or every order whose paperwork is pending), one order's
documents with their served and removed times, recording a document served for a selection,
and the list of orders whose notice or door sign is not yet served, per grid with the worker
(.xlsx export).

Only orders the user may view are ever printed or listed: others named in a selection are left
out as if they did not exist (one order alone is a 404). Recording needs RECORD on the order.
Every PDF and every export is written to the access log.
"""

from __future__ import annotations

import datetime as dt
from os.path import commonprefix

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, content_disposition, xlsx_response
from wangge.core.scope import EXPORT, RECORD, VIEW, covers, scope_paths, split_path
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import services_documents
from .documents import PRINTABLE, RELATED, render_pdf
from .forms_documents import DocumentActionForm, ServeSelectionForm, document_rows
from .models import ControlOrder, OrderDocument

Kind = OrderDocument.Kind
# A PDF is drawn while the user waits (about 25 ms a page): a larger batch is split by grid.
MAX_PDF_ORDERS = 200
MAX_SELECTION = 2000


# --- helpers --------------------------------------------------------------------------------


def _ids(values) -> list[int]:
    """Order ids from the request, in the order given, each once; anything else is ignored."""
    out: list[int] = []
    for value in values[:MAX_SELECTION]:
        value = value.strip()
        if value.isascii() and value.isdigit() and int(value) not in out:
            out.append(int(value))
    return out


def _selected(user, ids: list[int], action: str = VIEW) -> list[ControlOrder]:
    """The orders among `ids` the user may see, in the order given."""
    found = ControlOrder.objects.for_user(user, action).filter(pk__in=ids).select_related(*RELATED)
    by_pk = {o.pk: o for o in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _grid(request: HttpRequest, data) -> Area | None:
    """The grid named by ?grid= (404 when it is not one of the user's)."""
    value = (data.get("grid") or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    grids = Area.objects.for_user(request.user, VIEW).filter(level=Area.Level.GRID)
    return get_object_or_404(grids, pk=value)


def _back(request: HttpRequest, data) -> str:
    target = data.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("control:documents_pending")


def _common_path(paths) -> str:
    """The deepest area path above every one of `paths` (for the access log)."""
    areas = [split_path(p)[0] for p in paths]
    prefix = commonprefix(areas)
    return prefix[: prefix.rfind("/") + 1] if prefix else ""


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise ValueError(value) from None


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- the PDF --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def documents_pdf(request: HttpRequest) -> HttpResponse:
    """One PDF of `kind` (repeated; all three by default) for the `order`s (repeated) the user
    may view, or with ?pending=1 for every order of the pending list (of ?grid=); days
    remaining on the door signs counted on ?day= (today by default)."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    back = _back(request, data)
    asked = [k.strip() for k in data.getlist("kind") if k.strip()]
    unknown = [k for k in asked if k not in Kind.values]
    if unknown:
        messages.error(request, _("文书类别不正确：%(kinds)s") % {"kinds": "、".join(unknown)})
        return redirect(back)
    # The seal (封条) is a valid choice on the same form, with nothing to print.
    kinds = [k for k in asked if k in PRINTABLE]
    if asked and not kinds:
        messages.error(request, _("封条无需打印，请选择告知书、承诺书或隔离牌"))
        return redirect(back)
    kinds = kinds or list(PRINTABLE)
    try:
        at_day = _day(data.get("day", "")) or timezone.localdate()
    except ValueError:
        messages.error(request, _("日期格式不正确，例如 2022-04-01"))
        return redirect(back)
    if data.get("pending"):
        grid = _grid(request, data)
        qs = services_documents.pending(
            user, timezone.localdate(), prefix=grid.path if grid else ""
        ).select_related(*RELATED)
        orders = list(qs[: MAX_PDF_ORDERS + 1])
        if not orders:
            messages.info(request, _("没有待送达文书的管控人员。"))
            return redirect(back)
    else:
        ids = _ids(data.getlist("order"))
        if not ids:
            messages.error(request, _("请先选择要打印文书的管控人员"))
            return redirect(back)
        orders = _selected(user, ids)
        if not orders:
            raise Http404
    if len(orders) > MAX_PDF_ORDERS:
        messages.error(
            request,
            _("一次最多打印 %(max)d 人的文书，请按网格分批打印") % {"max": MAX_PDF_ORDERS},
        )
        return redirect(back)
    pdf = render_pdf(orders, kinds, at_day=at_day)
    names = "、".join(str(Kind(k).label) for k in PRINTABLE if k in kinds)
    if len(orders) == 1:
        title = _("%(name)s %(kinds)s") % {"name": orders[0].person.name, "kinds": names}
    else:
        title = _("管控文书（%(kinds)s）%(count)d人") % {"kinds": names, "count": len(orders)}
    record_access(
        user,
        "print",
        orders[0] if len(orders) == 1 else title,
        fields="name,id_number_masked,address,measure,worker_phone",
        rows=len(orders),
        scope_path=_common_path(o.scope_path for o in orders),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{title} {at_day.isoformat()}.pdf".replace(" ", "-")
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- one order ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def order_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """One order's paperwork: print each document, record it served (the first record stands)
    and the door sign or seal taken off. Recording needs RECORD on the order (403 otherwise)."""
    user = request.user
    order = get_object_or_404(
        ControlOrder.objects.for_user(user, VIEW).select_related(*RELATED), pk=pk
    )
    can_record = covers(user, order.scope_path, RECORD)
    form = DocumentActionForm(request.POST or None, order=order)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(_("您没有登记文书送达的权限"))
        if form.is_valid() and _act(request, order, form):
            return redirect("control:order_documents", pk=order.pk)
    docs = services_documents.documents_of([order])[order.pk]
    rows = document_rows(order, docs, can_record)
    record_access(user, "view", order, fields="name,address")
    return render(
        request,
        "control/documents/order_documents.html",
        {
            "order": order,
            "form": form,
            "rows": rows,
            "can_record": can_record,
            # The form for a time and a note, while there is something left to record.
            "can_backfill": any(r["can_serve"] or r["can_remove"] for r in rows),
            "today": timezone.localdate(),
            "remaining": order.days_remaining(timezone.localdate()),
        },
    )


def _act(request: HttpRequest, order: ControlOrder, form: DocumentActionForm) -> bool:
    """Carry out the form; False (with the error on the form) when nothing could be done."""
    data = form.cleaned_data
    kind, at = data["kind"], data["at"]
    label = Kind(kind).label
    existing = OrderDocument.objects.filter(order=order, kind=kind).first()
    if data["action"] == form.SERVE:
        if existing is not None:
            messages.info(
                request,
                _("%(doc)s已于 %(at)s 登记，保留首次记录")
                % {"doc": label, "at": _when(existing.served_at)},
            )
            return True
        if order.status != ControlOrder.Status.ACTIVE:
            form.add_error(None, _("该措施已不在管控中，不能登记送达"))
            return False
        services_documents.serve([order], kind, actor=request.user, at=at, note=data["note"])
        messages.success(request, _("已登记%(doc)s") % {"doc": label})
        return True
    if existing is None:
        form.add_error("kind", _("%(doc)s尚未登记张贴，无需撤除") % {"doc": label})
        return False
    if existing.removed_at is not None:
        messages.info(
            request,
            _("%(doc)s已于 %(at)s 登记撤除") % {"doc": label, "at": _when(existing.removed_at)},
        )
        return True
    if at is not None and at < existing.served_at:
        form.add_error(
            "at", _("撤除时间不能早于张贴时间 %(at)s") % {"at": _when(existing.served_at)}
        )
        return False
    services_documents.remove(order, [kind], actor=request.user, at=at)
    messages.success(request, _("已登记%(doc)s撤除") % {"doc": label})
    return True


# --- a selection ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def documents_serve(request: HttpRequest) -> HttpResponse:
    """Record `kind` (repeated) served for each `order` (repeated) the user may record; orders
    already served keep their first time. GET goes back to the pending list."""
    user = request.user
    if request.method == "GET":
        return redirect("control:documents_pending")
    back = _back(request, request.POST)
    if not scope_paths(user, RECORD):
        raise PermissionDenied(_("您没有登记文书送达的权限"))
    form = ServeSelectionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    orders = _selected(user, _ids(request.POST.getlist("order")))
    if not orders:
        messages.error(request, _("请先选择要登记的管控人员"))
        return redirect(back)
    writable = [o for o in orders if covers(user, o.scope_path, RECORD)]
    active = [o for o in writable if o.status == ControlOrder.Status.ACTIVE]
    parts = []
    for kind in form.cleaned_data["kind"]:
        done = services_documents.serve(active, kind, actor=user, note=form.cleaned_data["note"])
        parts.append(
            _("%(doc)s新登记 %(done)d 人，此前已登记 %(before)d 人")
            % {"doc": Kind(kind).label, "done": done, "before": len(active) - done}
        )
    if len(active) < len(writable):
        parts.append(_("%(n)d 人已不在管控中，未登记") % {"n": len(writable) - len(active)})
    if len(writable) < len(orders):
        parts.append(_("%(n)d 人不在您可登记的范围内") % {"n": len(orders) - len(writable)})
    messages.success(request, "；".join(parts))
    return redirect(back)


# --- the pending list -----------------------------------------------------------------------

EXPORT_COLUMNS = (
    (gettext_lazy("网格"), 14),
    (gettext_lazy("住址"), 28),
    (gettext_lazy("姓名"), 8),
    (gettext_lazy("措施"), 12),
    (gettext_lazy("开始日期"), 11),
    (gettext_lazy("结束日期"), 11),
    (gettext_lazy("剩余天数"), 8),
    (gettext_lazy("告知书"), 16),
    (gettext_lazy("承诺书"), 16),
    (gettext_lazy("隔离牌"), 16),
    (gettext_lazy("封条"), 16),
    (gettext_lazy("责任人"), 10),
)


@login_required
def documents_pending(request: HttpRequest) -> HttpResponse:
    """Active orders whose notice is not served or (at home) whose door sign is not up, per
    grid with the grid leader and the order's worker; names masked. ?export=xlsx exports it
    (EXPORT scope, logged)."""
    user = request.user
    grid = _grid(request, request.GET)
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return _export(request, grid, today)
    qs = services_documents.pending(user, today, prefix=grid.path if grid else "")
    page = paginate(request, qs)
    rows = services_documents.pending_rows(list(page.object_list), today)
    return render(
        request,
        "control/documents/pending.html",
        {
            "page": page,
            "rows": rows,
            "grid": grid,
            "grids": services_documents.pending_per_grid(qs),
            "grid_choices": Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID),
            "kinds": Kind.choices,
            "printable": [(k, Kind(k).label) for k in PRINTABLE],
            "can_record": bool(scope_paths(user, RECORD)),
            "can_export": bool(scope_paths(user, EXPORT)),
            "max_pdf": MAX_PDF_ORDERS,
        },
    )


def _export(request: HttpRequest, grid: Area | None, today: dt.date) -> HttpResponse:
    user = request.user
    if not scope_paths(user, EXPORT):
        raise PermissionDenied(_("您没有导出名单的权限"))
    prefix = grid.path if grid else ""
    qs = services_documents.pending(user, today, prefix=prefix, action=EXPORT)
    rows = services_documents.pending_rows(list(qs), today)

    def served(doc: OrderDocument | None) -> str:
        if doc is None:
            return _("未送达")
        if doc.removed_at:
            return _("%(at)s（%(off)s 撤除）") % {
                "at": _when(doc.served_at),
                "off": _when(doc.removed_at),
            }
        return _when(doc.served_at)

    def line(row: services_documents.PendingRow) -> list:
        order = row.order
        docs = [served(doc) for _kind, _label, doc in row.cells]
        worker = " ".join(filter(None, [order.worker_name, order.worker_phone]))
        return [
            row.grid_name,
            row.address,
            row.name,
            order.order_type.name,
            order.starts_on.isoformat(),
            order.ends_on.isoformat(),
            row.remaining,
            *docs,
            worker,
        ]

    title = _("文书未送达人员 %(date)s") % {"date": today.isoformat()}
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=[XlsxColumn(str(label), width) for label, width in EXPORT_COLUMNS],
        rows=(line(r) for r in rows),
        title=title,
        sheet_name=_("文书未送达"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name_masked,address,measure,documents,worker_phone",
        rows=count,
        scope_path=grid.path if grid else scope_paths(user, EXPORT)[0],
    )
    return response
