"""Every write through the services leaves a change-log row; no-op updates leave none."""

from wangge.core.audit import channel_var, record_access
from wangge.core.models import AccessLog, ChangeLog
from wangge.people.services import create_person, set_special_groups, update_person


def test_create_and_update_are_logged_with_before_and_after(world):
    actor = world.users.commander
    p = create_person(actor=actor, name="赵 六", phone="139 0000 1234", home_area=world.grid1)
    log = ChangeLog.objects.get(model="people.person", object_id=str(p.pk))
    assert log.action == "create" and log.actor == actor
    assert log.after["name"] == "赵六" and log.after["phone"] == "13900001234"
    assert log.scope_path == world.grid1.path

    assert update_person(p, {"phone": "13900005678"}, actor=actor)
    upd = ChangeLog.objects.filter(model="people.person", action="update").get()
    assert upd.before == {"phone": "13900001234", "phone_tail": "1234"}
    assert upd.after == {"phone": "13900005678", "phone_tail": "5678"}


def test_update_that_changes_nothing_is_not_logged(world):
    before = ChangeLog.objects.count()
    assert not update_person(world.zhang, {"name": "张伟"}, actor=world.users.commander)
    assert ChangeLog.objects.count() == before


def test_special_groups_are_logged(world):
    set_special_groups(world.zhang, {"immobile", "chronic"}, actor=world.users.commander)
    assert ChangeLog.objects.filter(model="people.specialgroup", action="create").count() == 2
    set_special_groups(world.zhang, {"chronic"}, actor=world.users.commander)
    assert ChangeLog.objects.filter(model="people.specialgroup", action="delete").count() == 1


def test_channel_is_recorded(world):
    token = channel_var.set("cli")
    try:
        p = create_person(actor=None, name="钱七", home_area=world.grid1)
    finally:
        channel_var.reset(token)
    assert ChangeLog.objects.get(object_id=str(p.pk), model="people.person").channel == "cli"


def test_access_log_row(world):
    record_access(world.users.commander, "view", world.zhang, fields="id_number,phone")
    row = AccessLog.objects.get()
    assert row.object_id == str(world.zhang.pk) and row.scope_path == world.zhang.scope_path
