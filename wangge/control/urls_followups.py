"""Follow-up pages: my follow-ups today, recording one, the overdue list per grid and its
export, one order's follow-up history, the alert list and handling an alert."""

from django.urls import path

from . import views_alerts as alerts
from . import views_followups as views
from . import views_followups_overdue as overdue

urlpatterns = [
    path("followups/", views.my_followups, name="my_followups"),
    path("followups/<int:pk>/record/", views.followup_record, name="followup_record"),
    path("followups/overdue/", overdue.followups_overdue, name="followups_overdue"),
    path(
        "followups/overdue/export/",
        overdue.followups_overdue_export,
        name="followups_overdue_export",
    ),
    path("followups/order/<int:pk>/", views.order_followups, name="order_followups"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/handle/", alerts.alert_handle, name="alert_handle"),
]
