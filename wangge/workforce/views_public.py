"""The public volunteer sign-up page (志愿者报名), reached without login from a recruitment
poster's QR code: /workforce/join/<signed recruitment id>/.

It shows the recruitment's title, description, posts, times and how many people are still
needed, never anyone's sign-up. After a sign-up it shows only what the person typed, masked;
a second sign-up with the same phone answers the same way (it neither creates a second row nor
says whether the phone was known). A closed or ended recruitment says so. A code that is not a
valid signature is a 404. Submissions are rate-limited per IP address and per recruitment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from wangge.core import ratelimit
from wangge.core.mask import mask_name, mask_phone
from wangge.core.normalize import normalize_name
from wangge.core.ratelimit import client_ip, public_channel, too_many
from wangge.people.forms import add_service_errors

from . import services_recruitment as svc
from .forms import SignUpForm
from .models import Recruitment
from .views_workers import skill_labels

PER_IP = 20  # submissions per hour
PER_RECRUITMENT = 600


def recruitment_from_token(token: str) -> Recruitment:
    pk = svc.recruitment_id_from_token(token)
    if pk is None:
        raise Http404
    try:
        return Recruitment.objects.select_related("area").get(pk=pk)
    except Recruitment.DoesNotExist:
        raise Http404 from None


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def public_signup(request, token: str):
    rec = recruitment_from_token(token)
    accepting = svc.accepting(rec)
    context = {
        "token": token,
        "rec": rec,
        "posts": list(rec.posts.filter(active=True).only("name", "place")),
        "skills": skill_labels(rec.skills),
        "still_needed": svc.still_needed(rec),
        "accepting": accepting,
    }
    form = SignUpForm(request.POST if request.method == "POST" and accepting else None)
    if request.method == "POST" and accepting:
        for key, limit in (
            (f"ip:{client_ip(request)}", PER_IP),
            (f"rec:{rec.pk}", PER_RECRUITMENT),
        ):
            retry_after = ratelimit.hit(f"workforce-join:{key}", limit=limit)
            if retry_after:
                return too_many(retry_after)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with public_channel():
                    signup, _created = svc.sign_up(
                        rec,
                        name=data["name"],
                        phone=data["phone"],
                        healthy=data["healthy"],
                        skills=data["skills"],
                        availability=data["availability"],
                        note=data["note"],
                        client_uuid=data["client_uuid"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                context["typed"] = {
                    "name": mask_name(normalize_name(data["name"])),
                    "phone": mask_phone(signup.phone),
                }
                return render(request, "workforce/registry/public_thanks.html", context)
    context["form"] = form
    return render(request, "workforce/registry/public_signup.html", context)
