from django import template

from wangge.core import mask

register = template.Library()

register.filter("mask_id", mask.mask_id)
register.filter("mask_phone", mask.mask_phone)
register.filter("mask_name", mask.mask_name)
