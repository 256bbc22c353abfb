from django import template

from wangge.core import mask

register = template.Library()

register.filter("mask_id", mask.mask_id)
register.filter("mask_phone", mask.mask_phone)
register.filter("mask_name", mask.mask_name)


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The current query string with `param` set to `number`: the link of one page of one of
    several paginated lists on a page (each with its own parameter)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
