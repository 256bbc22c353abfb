"""Orders on the web (管控人员): the list of people under measures in the user's scope (search,
filters, masked ID and phone, a selection for the paperwork) and its .xlsx export (logged), one
order in full (ID and phone revealed on request, logged), extending, releasing (early only with
a note) and cancelling, and the release list of a day per grid.

Orders outside the user's scope are 404; a user who sees an order but may not change it (a
volunteer) gets 403 on extend, release and cancel. Placing is in views_orders_place."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.scope import CHANGE, EXPORT, RECORD, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import services, services_documents, services_orders
from .forms_orders import CancelForm, ExtendForm, OrderFilterForm, ReleaseForm
from .models import ControlOrder, OrderDocument
from .services_orders import PAPERS, order_rows, served_kinds, visible_orders

ACTIVE = ControlOrder.Status.ACTIVE


def _filtered(form: OrderFilterForm, user, action: str = VIEW):
    qs = visible_orders(user, action)
    if not form.is_valid():
        return qs.none()
    return services_orders.filter_orders(qs, **form.filters())


def _with_papers(rows) -> None:
    """Mark each row with the paperwork served and missing (one query)."""
    docs = served_kinds([r.order for r in rows])
    for row in rows:
        served = docs.get(row.order.pk, {})
        row.missing_papers = [OrderDocument.Kind(k).label for k in PAPERS if k not in served]


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = OrderFilterForm(request.GET, user=user)
    qs = _filtered(form, user).order_by("scope_path", "ends_on", "pk")
    page = paginate(request, qs)
    rows = order_rows(page.object_list)
    _with_papers(rows)
    return render(
        request,
        "control/orders/order_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_export": bool(scope_paths(user, EXPORT)),
            "can_place": bool(scope_paths(user, CHANGE)),
            "can_record": bool(scope_paths(user, RECORD)),
            "serve_kinds": OrderDocument.Kind.choices,
        },
    )


EXPORT_COLUMNS = (
    (gettext_lazy("网格"), 14, False),
    (gettext_lazy("住址"), 28, False),
    (gettext_lazy("姓名"), 8, False),
    (gettext_lazy("身份证号"), 20, True),
    (gettext_lazy("联系电话"), 14, True),
    (gettext_lazy("措施"), 12, False),
    (gettext_lazy("开始日期"), 11, True),
    (gettext_lazy("结束日期"), 11, True),
    (gettext_lazy("剩余天数"), 8, False),
    (gettext_lazy("状态"), 8, False),
    (gettext_lazy("来源"), 12, False),
    (gettext_lazy("来源说明"), 20, False),
    (gettext_lazy("原因"), 30, False),
    (gettext_lazy("责任人"), 10, False),
    (gettext_lazy("责任人电话"), 14, True),
    (gettext_lazy("未送达文书"), 18, False),
    (gettext_lazy("网格长"), 10, False),
    (gettext_lazy("网格长电话"), 14, True),
)


def _export_line(row) -> list:
    order = row.order
    return [
        row.grid_name,
        row.address,
        order.person.name,
        row.masked_id,
        row.masked_phone,
        order.order_type.name,
        order.starts_on.strftime("%Y-%m-%d"),
        order.ends_on.strftime("%Y-%m-%d"),
        row.days_remaining if order.status == ACTIVE else "",
        str(order.get_status_display()),
        str(order.get_source_display()),
        order.source_ref,
        order.reason,
        row.worker,
        order.worker_phone,
        "、".join(str(k) for k in row.missing_papers) if order.status == ACTIVE else "",
        row.leader[0],
        row.leader[1],
    ]


@login_required
def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx (EXPORT scope): ID numbers and phones masked; logged."""
    user = request.user
    if not scope_paths(user, EXPORT):
        raise PermissionDenied(_("您没有导出名单的权限"))
    form = OrderFilterForm(request.GET, user=user)
    orders = _filtered(form, user, EXPORT).order_by("scope_path", "ends_on", "pk")
    rows = order_rows(orders)
    _with_papers(rows)
    title = _("管控人员 %(date)s") % {"date": timezone.localdate().strftime("%Y-%m-%d")}
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=[XlsxColumn(str(label), width, text) for label, width, text in EXPORT_COLUMNS],
        rows=(_export_line(row) for row in rows),
        title=title,
        sheet_name=_("管控人员"),
    )
    grid = form.cleaned_data.get("grid") if form.is_valid() else None
    record_access(
        user,
        "export",
        title,
        fields="name,id_number_masked,phone_masked,address,measure",
        rows=count,
        scope_path=grid.path if grid else scope_paths(user, EXPORT)[0],
    )
    return response


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/control/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return default


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One order in full. POST reveals the person's ID number and phone (logged)."""
    user = request.user
    order = get_object_or_404(visible_orders(user), pk=pk)
    revealed = request.method == "POST"
    if revealed:
        record_access(user, "view", order.person, fields="id_number,phone")
        if request.htmx:
            response = render(
                request, "control/orders/_identity.html", {"order": order, "revealed": True}
            )
            patch_vary_headers(response, ["HX-Request"])
            return response
    (row,) = order_rows([order])
    today = timezone.localdate()
    active = order.status == ACTIVE
    return render(
        request,
        "control/orders/order_detail.html",
        {
            "order": order,
            "row": row,
            "revealed": revealed,
            "documents": list(order.documents.select_related("served_by", "removed_by")),
            "extensions": services_orders.extensions(order),
            "active": active,
            "early": active and today < order.ends_on,
            "can_change": active and covers(user, order.scope_path, CHANGE),
        },
    )


def _changeable(request: HttpRequest, pk: int) -> ControlOrder:
    """The order if the user may change it: 404 when not visible, 403 when only visible."""
    order = get_object_or_404(visible_orders(request.user), pk=pk)
    if not covers(request.user, order.scope_path, CHANGE):
        raise PermissionDenied(_("您没有变更该管控措施的权限"))
    return order


@login_required
def order_extend(request: HttpRequest, pk: int) -> HttpResponse:
    order = _changeable(request, pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["days"]
        try:
            services.extend(order, days, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已将 %(name)s 的%(type)s延长 %(days)d 天，至 %(end)s")
                % {
                    "name": order.person.name,
                    "type": order.order_type.name,
                    "days": days,
                    "end": order.ends_on.strftime("%Y-%m-%d"),
                },
            )
            return redirect("control:order_detail", pk=order.pk)
    return render(
        request,
        "control/orders/order_extend.html",
        {"order": order, "form": form, "active": order.status == ACTIVE},
    )


@login_required
def order_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Release on or after the end date; before it, an early release with its note. The door
    sign and the seal are recorded removed."""
    order = _changeable(request, pk)
    today = timezone.localdate()
    early = today < order.ends_on
    form = ReleaseForm(request.POST or None, early=early)
    to_remove = list(order.documents.filter(kind__in=services_documents.REMOVED_ON_RELEASE))
    if request.method == "POST" and form.is_valid():
        try:
            services.release(order, actor=request.user, note=form.cleaned_data["note"], early=early)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if to_remove:
                text = _("已解除 %(name)s 的%(type)s；隔离牌、封条已记录撤除")
            else:
                text = _("已解除 %(name)s 的%(type)s")
            messages.success(request, text % {"name": order.person.name, "type": order.order_type})
            return redirect(_next_url(request, reverse("control:order_detail", args=[order.pk])))
    return render(
        request,
        "control/orders/order_release.html",
        {
            "order": order,
            "form": form,
            "early": early,
            "active": order.status == ACTIVE,
            "to_remove": [d for d in to_remove if d.removed_at is None],
            "next": _next_url(request, ""),
            "days_remaining": order.days_remaining(today),
        },
    )


@login_required
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _changeable(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_orders.cancel(order, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已撤销 %(name)s 的%(type)s")
                % {"name": order.person.name, "type": order.order_type},
            )
            return redirect("control:order_detail", pk=order.pk)
    return render(
        request,
        "control/orders/order_cancel.html",
        {"order": order, "form": form, "active": order.status == ACTIVE},
    )


# --- the release list -------------------------------------------------------------------------


def _day(request: HttpRequest) -> dt.date:
    value = request.GET.get("day", "")
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


def _grid(request: HttpRequest) -> Area | None:
    value = request.GET.get("grid", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    grids = Area.objects.for_user(request.user, VIEW).filter(level=Area.Level.GRID)
    return get_object_or_404(grids, pk=int(value))


def _release_selected(request: HttpRequest) -> None:
    user = request.user
    ids = [request.POST["one"]] if request.POST.get("one") else request.POST.getlist("order")
    ids = [i for i in ids if i.isdigit()]
    if not ids:
        messages.warning(request, _("请先勾选要解除的人员"))
        return
    orders = visible_orders(user, CHANGE).filter(pk__in=ids).order_by("scope_path", "pk")
    released, refused = services_orders.release_many(
        orders, actor=user, note=request.POST.get("note", "").strip()[:200]
    )
    if released:
        messages.success(
            request,
            _("已解除 %(n)d 人的管控；隔离牌、封条已记录撤除") % {"n": len(released)},
        )
    for order, reason in refused:
        messages.error(request, f"{order.person.name}：{reason}")
    missing = len(set(ids)) - len(released) - len(refused)
    if missing > 0:
        messages.error(request, _("%(n)d 人未找到或不在您可解除的范围内") % {"n": missing})


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    """Orders whose end date is the day (today by default, ?day=) or past, per grid with the
    responsible worker; release one or a selection (those already due today)."""
    user = request.user
    day = _day(request)
    grid = _grid(request)
    if request.method == "POST":
        if not scope_paths(user, CHANGE):
            raise PermissionDenied(_("您没有解除管控的权限"))
        _release_selected(request)
        return redirect(request.get_full_path())
    qs = services.due_for_release(day).for_user(user, VIEW).select_related(*services_orders.RELATED)
    if grid is not None:
        qs = qs.within(grid.path)
    page = paginate(request, qs.order_by("scope_path", "ends_on", "pk"), per_page=100)
    today = timezone.localdate()
    rows = order_rows(page.object_list, today)
    for row in rows:
        row.can_release = row.order.ends_on <= today and covers(user, row.order.scope_path, CHANGE)
        row.late_days = (today - row.order.ends_on).days
    return render(
        request,
        "control/orders/release_list.html",
        {
            "page": page,
            "rows": rows,
            "day": day,
            "today": today,
            "is_today": day == today,
            "grid": grid,
            "grids": Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID),
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "can_release": any(r.can_release for r in rows),
        },
    )
