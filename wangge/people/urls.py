from django.urls import path

from . import views, views_leaders, views_person

app_name = "people"
urlpatterns = [
    path("", views_person.person_list, name="person_list"),
    path("new/", views_person.person_create, name="person_create"),
    path("<int:pk>/", views_person.person_detail, name="person_detail"),
    path("<int:pk>/reveal/", views_person.person_reveal, name="person_reveal"),
    path("<int:pk>/edit/", views_person.person_edit, name="person_edit"),
    path("<int:pk>/residences/add/", views.residence_add, name="residence_add"),
    path("residences/<int:pk>/end/", views.residence_end, name="residence_end"),
    path("leaders/", views_leaders.leader_list, name="leader_list"),
    path("leaders/new/", views_leaders.leader_create, name="leader_create"),
    path("leaders/<int:pk>/edit/", views_leaders.leader_edit, name="leader_edit"),
]
