"""Control pages, orders part: the list of people under measures and its export, placing one
person, a household or many, one order with extend, release and cancel, and the release list."""

from django.urls import path

from . import views_orders as views
from . import views_orders_place as place

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/export/", views.order_export, name="order_export"),
    path("orders/new/", place.order_create, name="order_create"),
    path("orders/bulk/", place.order_bulk, name="order_bulk"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/extend/", views.order_extend, name="order_extend"),
    path("orders/<int:pk>/release/", views.order_release, name="order_release"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("release/", views.release_list, name="release_list"),
]
