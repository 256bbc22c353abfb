"""User administration: only administrators, only within their own scope, always audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import PASSWORD
from wangge.accounts import services
from wangge.accounts.models import RoleAssignment, User
from wangge.core.models import ChangeLog

NEW_PASSWORD = "Grid-worker-2022!"


def test_only_admins_reach_user_pages(world, client_for):
    for user in (world.users.commander, world.users.volunteer, world.users.nobody):
        client = client_for(user)
        assert client.get(reverse("accounts:user_list")).status_code == 403
        assert client.get(reverse("accounts:user_create")).status_code == 403
        assert (
            client.get(reverse("accounts:user_detail", args=[world.users.volunteer.pk])).status_code
            == 403
        )
    assert client_for(world.users.admin).get(reverse("accounts:user_list")).status_code == 200
    assert client_for(world.users.superuser).get(reverse("accounts:user_list")).status_code == 200


def test_user_list_is_scoped(world, client_for):
    html = client_for(world.users.admin).get(reverse("accounts:user_list")).content.decode()
    for name in ("commander_a", "grid1_leader", "b1_leader", "volunteer_a"):
        assert name in html
    assert "outsider" not in html and "nobody" not in html and "root" not in html
    html = (
        client_for(world.users.admin)
        .get(reverse("accounts:user_list"), {"q": "grid1"})
        .content.decode()
    )
    assert "grid1_leader" in html and "volunteer_a" not in html


def test_user_detail_outside_scope_is_404(world, client_for):
    client = client_for(world.users.admin)
    for user in (world.users.outsider, world.users.nobody, world.users.superuser):
        assert client.get(reverse("accounts:user_detail", args=[user.pk])).status_code == 404
        assert client.get(reverse("accounts:user_edit", args=[user.pk])).status_code == 404


def test_create_user_with_role(world, client_for):
    client = client_for(world.users.admin)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "grid2_leader",
            "display_name": "王网格",
            "phone": "１３６００００１１１１",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": "grid_leader",
            "place": f"a:{world.grid2.pk}",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="grid2_leader")
    assert user.phone == "13600001111"
    assert user.password != NEW_PASSWORD and user.check_password(NEW_PASSWORD)
    assignment = user.role_assignments.get()
    assert assignment.role == "grid_leader" and assignment.scope_path == world.grid2.path
    rows = ChangeLog.objects.filter(model="accounts.user", object_id=str(user.pk))
    assert rows.count() == 1
    assert "password" not in rows[0].after
    assert NEW_PASSWORD not in str(rows[0].after) and user.password not in str(rows[0].after)
    assert rows[0].actor == world.users.admin
    # The new user signs in and sees their grid.
    assert client.logout() is None
    response = client.post(
        reverse("accounts:login"), {"username": "grid2_leader", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_create_user_without_role_visible_to_creator_only(world, client_for):
    client = client_for(world.users.admin)
    client.post(
        reverse("accounts:user_create"),
        {"username": "fresh", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    fresh = User.objects.get(username="fresh")
    assert "fresh" in client.get(reverse("accounts:user_list")).content.decode()
    other_admin = User.objects.create_user("admin_b", password=PASSWORD)
    RoleAssignment.objects.create(user=other_admin, role="admin", area=world.other_street)
    other = client_for(other_admin)
    assert "fresh" not in other.get(reverse("accounts:user_list")).content.decode()
    assert other.get(reverse("accounts:user_detail", args=[fresh.pk])).status_code == 404


def test_create_user_errors(world, client_for):
    client = client_for(world.users.admin)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "commander_a", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "该用户名已被使用" in response.content.decode()
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "weak", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "mismatch", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert "两次输入的密码不一致" in response.content.decode()


def test_admin_cannot_grant_outside_scope(world, client_for):
    client = client_for(world.users.admin)
    target = world.users.volunteer
    url = reverse("accounts:assignment_add", args=[target.pk])
    html = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert f"a:{world.grid2.pk}" in html
    assert f"a:{world.other_street.pk}" not in html and f"a:{world.district.pk}" not in html
    for place in (
        f"a:{world.other_street.pk}",
        f"a:{world.district.pk}",
        f"b:{world.other_building.pk}",
    ):
        response = client.post(url, {"role": "admin", "place": place})
        assert response.status_code == 400
    assert target.role_assignments.count() == 1
    # Within scope it works, also the admin role at or below the admin's own path.
    assert client.post(url, {"role": "admin", "place": f"a:{world.grid1.pk}"}).status_code == 302
    assert target.role_assignments.filter(role="admin").exists()


def test_grant_role_service_refuses_above_own_path(world):
    with pytest.raises(PermissionDenied):
        services.grant_role(
            world.users.volunteer, role="admin", actor=world.users.admin, area=world.district
        )
    with pytest.raises(PermissionDenied):
        services.grant_role(
            world.users.volunteer, role="admin", actor=world.users.commander, area=world.grid1
        )


def test_revoke_role(world, client_for):
    client = client_for(world.users.admin)
    assignment = world.users.volunteer.role_assignments.get()
    response = client.post(reverse("accounts:assignment_remove", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert ChangeLog.objects.filter(
        model="accounts.roleassignment", action="delete", object_id=str(assignment.pk)
    ).exists()
    foreign = world.users.outsider.role_assignments.get()
    assert client.post(reverse("accounts:assignment_remove", args=[foreign.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=foreign.pk).exists()


def test_edit_user_and_reset_password(world, client_for):
    client = client_for(world.users.admin)
    target = world.users.volunteer
    url = reverse("accounts:user_edit", args=[target.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"form": "profile", "display_name": "小志", "phone": "13500000000"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.display_name == "小志" and target.is_active is False
    response = client.post(
        url, {"form": "password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    for row in ChangeLog.objects.filter(model="accounts.user", object_id=str(target.pk)):
        assert target.password not in str(row.before) + str(row.after)


def test_cannot_edit_user_with_roles_elsewhere(world, client_for):
    target = world.users.grid_leader
    RoleAssignment.objects.create(user=target, role="volunteer", area=world.other_street)
    client = client_for(world.users.admin)
    assert client.get(reverse("accounts:user_detail", args=[target.pk])).status_code == 200
    url = reverse("accounts:user_edit", args=[target.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"form": "password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_superuser_manages_everyone(world, client_for):
    client = client_for(world.users.superuser)
    html = client.get(reverse("accounts:user_list")).content.decode()
    assert "outsider" in html and "nobody" in html
    url = reverse("accounts:assignment_add", args=[world.users.nobody.pk])
    response = client.post(url, {"role": "volunteer", "place": f"a:{world.other_grid.pk}"})
    assert response.status_code == 302
    assert world.users.nobody.role_assignments.get().scope_path == world.other_grid.path
