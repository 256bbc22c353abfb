"""Helpers of the residents tests: a notice, an open recruitment, a support request, an active
round, and reading QR codes back from the inline SVGs of a page."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from wangge.command.models import Letter, Notice


def make_notice(world, area=None, **fields) -> Notice:
    values = {"title": "关于开展第三轮全员核酸检测的通告", "body": "请按楼栋通知有序下楼。"}
    values.update(fields)
    return Notice.objects.create(area=area or world.street, signed="北京路街道指挥部", **values)


def make_letter(world, area=None) -> Letter:
    return Letter.objects.create(
        area=area or world.grid1,
        day=timezone.localdate(),
        title="致第一网格居民的一封信",
        body="各位居民朋友：\n今天感谢大家。",
    )


def make_recruitment(world, area=None, **fields):
    from wangge.workforce.models import Recruitment

    now = timezone.now()
    values = {
        "title": "核酸采样志愿者",
        "area": area or world.community,
        "starts_at": now - dt.timedelta(hours=1),
        "ends_at": now + dt.timedelta(days=1),
        "needed": 5,
    }
    values.update(fields)
    return Recruitment.objects.create(**values)


def make_request(household, code="groceries", text="米面油"):
    from wangge.support.models import SupportKind
    from wangge.support.services import file_request

    req, _ = file_request(
        household,
        kind=SupportKind.objects.get(code=code),
        actor=None,
        source="household",
        text=text,
    )
    return req


def make_round(world, area=None):
    from wangge.testing.models import Round

    return Round.objects.create(
        number=3,
        area=area or world.street,
        date=timezone.localdate(),
        status=Round.Status.ACTIVE,
    )


_SVG = re.compile(r"<svg[^>]*viewBox=\"0 0 (\d+) (\d+)\"[^>]*>.*?</svg>", re.S)
_PATH = re.compile(r'transform="scale\((\d+)\)"[^>]*d="([^"]+)"')
_OP = re.compile(r"([MmHhVv])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?")


def svg_to_image(svg: str):
    """A PIL image of a segno inline SVG (horizontal strokes of width 1 module)."""
    from PIL import Image, ImageDraw

    width = int(_SVG.search(svg).group(1))
    scale_s, d = _PATH.search(svg).groups()
    scale = int(scale_s)
    size = width // scale
    img = Image.new("L", (size * 8, size * 8), 255)
    draw = ImageDraw.Draw(img)
    x = y = 0.0
    for op, a, b in _OP.findall(d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        elif op == "h":
            x2 = x + float(a)
            top = int((y - 0.5) * 8)
            draw.rectangle([int(min(x, x2) * 8), top, int(max(x, x2) * 8) - 1, top + 7], fill=0)
            x = x2
    return img


def decode_qr_svgs(html: str) -> list[str]:
    """The texts of every QR code drawn as an inline SVG in `html`, in page order."""
    import zxingcpp

    out = []
    for match in _SVG.finditer(html):
        found = zxingcpp.read_barcodes(svg_to_image(match.group(0)))
        out.append(found[0].text if found else "")
    return out
