"""Search and filters for people and households: name, pinyin initials, phone tail, ID tail."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from wangge.core.normalize import normalize_name, to_halfwidth

from .models import Person

_LETTERS = re.compile(r"^[a-z]+$")
_TAIL = re.compile(r"^[0-9]{3,4}[xX]?$|^[0-9]{3}[xX]$")


def person_search_q(raw: str, prefix: str = "") -> Q:
    """A Q for a search box: full or partial name, pinyin initials (zs), 4-digit phone or ID tail,
    or a full phone / ID number."""
    q = to_halfwidth(raw or "").strip()
    if not q:
        return Q()
    p = prefix
    if q.isdigit() and len(q) in (11, 15) or (len(q) == 18 and q[:17].isdigit()):
        return Q(**{f"{p}phone": q}) | Q(**{f"{p}id_number": q.upper()})
    if _TAIL.match(q):
        tail = q.upper()[-4:]
        return Q(**{f"{p}phone_tail": tail}) | Q(**{f"{p}id_tail": tail})
    lowered = q.lower()
    if _LETTERS.match(lowered):
        return Q(**{f"{p}name_initials__startswith": lowered}) | Q(**{f"{p}name__icontains": q})
    return Q(**{f"{p}name__contains": normalize_name(q)})


def search_persons(qs: QuerySet, raw: str) -> QuerySet:
    return qs.filter(person_search_q(raw))


def search_households(qs: QuerySet, raw: str) -> QuerySet:
    """Households by householder name/initials, phone tail, room, or a resident's name/ID/phone."""
    q = to_halfwidth(raw or "").strip()
    if not q:
        return qs
    cond = Q(householder_name__contains=normalize_name(q)) | Q(room=q)
    if q.isdigit() and len(q) >= 4:
        cond |= Q(phone__endswith=q)
    cond |= Q(residences__person__in=search_persons(Person.objects.all(), q).values("pk"))
    return qs.filter(cond).distinct()
