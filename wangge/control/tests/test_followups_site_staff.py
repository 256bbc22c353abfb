"""A nurse whose only access is her place on a quarantine site's staff records the readings of
the people staying there (and of nobody else), from the site's readings page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from wangge.control import services_followups
from wangge.control import services_stay_checkin as stay_checkin
from wangge.control import services_stays as stay_services
from wangge.control.models import FollowUp

from .test_sites_fixtures import inspector, local, nurse, room, site  # noqa: F401

pytestmark = pytest.mark.django_db


def test_linked_staff_record_readings_of_people_staying(world, client_for, site, nurse):  # noqa: F811
    commander = world.users.commander
    today = timezone.localdate()
    with mock.patch("django.utils.timezone.now", return_value=local(today, 8)):
        stay = stay_checkin.check_in(site, room(site, "202"), world.zhang, actor=commander)
    morning = FollowUp.objects.get(order=stay.order, day=today, label="早间体温")
    assert services_followups.may_record(nurse, morning)
    assert morning in services_followups.recordable(nurse)
    c = client_for(nurse)
    with mock.patch("django.utils.timezone.now", return_value=local(today, 10)):
        page = c.get(reverse("control:site_readings", args=[site.pk]))
        assert page.status_code == 200
        assert f'name="followup" value="{morning.pk}"' in page.content.decode()
        c.post(
            reverse("control:site_readings", args=[site.pk]),
            {"followup": morning.pk, "temperature": "36.6"},
        )
    morning.refresh_from_db()
    assert morning.temperature is not None and morning.recorded_by == nurse
    # Someone not staying at her site (李娜, at home) is out of her reach.
    from wangge.control.models import OrderType
    from wangge.control.services import place_order

    home = place_order(
        world.li,
        OrderType.objects.get(code="home_quarantine"),
        actor=commander,
        source="manual",
        reason="密接",
    )
    other = home.followups.first()
    assert not services_followups.may_record(nurse, other)
    with pytest.raises(PermissionDenied):
        services_followups.record(other, actor=nurse, temperature="36.5")
    # Checked out, she no longer records for him.
    with mock.patch("django.utils.timezone.now", return_value=local(today, 11)):
        stay_services.check_out(stay, actor=commander, note="转院")
    assert not services_followups.may_record(nurse, morning)
