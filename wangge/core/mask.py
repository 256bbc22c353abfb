"""Masking of personal data in lists: ID numbers and phones."""


def mask_id(value: str | None) -> str:
    """2201**********1234 — first 4 and last 4 kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678 for mobiles; landlines keep the area code and last 2 digits."""
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    if "-" in value:
        area, _, number = value.partition("-")
        return area + "-" + "*" * max(len(number) - 2, 0) + number[-2:]
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_name(value: str | None) -> str:
    """张*三 / 张* — for door signs and public notices."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
