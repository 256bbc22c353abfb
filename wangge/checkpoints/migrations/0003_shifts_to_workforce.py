"""Move the checkpoints app's own shifts to the workforce roster before their models go.

For each checkpoint with shifts: one workforce Post (kind checkpoint, that checkpoint, its area,
"<name>值守", headcount the largest `needed`); each shift becomes a published workforce Shift
(same times and needed; published now — the old shifts kept no creation time); each member an
Assignment of a Worker: the one linked to the member's account (created for it if none), else
one found by phone within the checkpoint's area, else a new volunteer. Check-in and check-out
times are copied. Bulk writes set scope_path themselves, as ScopedModel.save would.
"""

from django.db import migrations
from django.utils import timezone


def _worker(Worker, member, area, cache):
    user = member.user
    if user is not None:
        worker = Worker.objects.filter(user=user).first()
        if worker is None:
            worker = Worker.objects.create(
                name=(member.name or user.display_name or user.username)[:50],
                phone=member.phone or user.phone,
                kind="volunteer",
                area=area,
                user=user,
                scope_path=area.path,
            )
        return worker
    key = (area.pk, member.phone, member.name)
    if key in cache:
        return cache[key]
    worker = None
    if member.phone:
        worker = (
            Worker.objects.filter(phone=member.phone, scope_path__startswith=area.path)
            .order_by("pk")
            .first()
        )
    if worker is None:
        worker = Worker.objects.create(
            name=member.name[:50],
            phone=member.phone,
            kind="volunteer",
            area=area,
            scope_path=area.path,
        )
    cache[key] = worker
    return worker


def move_shifts(apps, schema_editor):
    Checkpoint = apps.get_model("checkpoints", "Checkpoint")
    OldShift = apps.get_model("checkpoints", "Shift")
    Member = apps.get_model("checkpoints", "ShiftMember")
    Post = apps.get_model("workforce", "Post")
    Shift = apps.get_model("workforce", "Shift")
    Assignment = apps.get_model("workforce", "Assignment")
    Worker = apps.get_model("workforce", "Worker")
    now = timezone.now()
    cache: dict = {}
    ids = OldShift.objects.values_list("checkpoint_id", flat=True).distinct()
    for cp in Checkpoint.objects.filter(pk__in=list(ids)).select_related("area").order_by("pk"):
        area = cp.area
        old_shifts = list(OldShift.objects.filter(checkpoint=cp).order_by("starts_at", "pk"))
        post = Post.objects.create(
            name=f"{cp.name}值守"[:100],
            kind="checkpoint",
            area=area,
            place=cp.address,
            checkpoint=cp,
            headcount=max(s.needed for s in old_shifts),
            skills=["checkpoint"],
            scope_path=area.path,
        )
        for old in old_shifts:
            shift = Shift.objects.create(
                post=post,
                starts_at=old.starts_at,
                ends_at=old.ends_at,
                needed=old.needed,
                published_at=now,
                scope_path=post.scope_path,
            )
            members = Member.objects.filter(shift=old).select_related("user").order_by("pk")
            seen = set()
            for member in members:
                worker = _worker(Worker, member, area, cache)
                if worker.pk in seen:
                    continue
                seen.add(worker.pk)
                came = member.checked_in_at
                Assignment.objects.create(
                    shift=shift,
                    worker=worker,
                    checked_in_at=came,
                    checked_out_at=member.checked_out_at if came is not None else None,
                    scope_path=shift.scope_path,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0002_passage_lean_indexes"),
        ("workforce", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_shifts, migrations.RunPython.noop)]
