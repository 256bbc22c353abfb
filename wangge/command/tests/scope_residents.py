"""Scope-test entries of the command app, part residents: notices (list, create, one, its
print, one building's print, PDF), letters (list, draft, one, edit, print), call lists for a
grid and a building; the API's notices and calls. extra() makes, in world.street, a street
notice, a letter of grid1, an open support request of h101 and an active round, and marks
李娜 as without a smartphone."""

OBJECT_ARGS: dict = {
    "command:notice_detail": lambda w, x: {"pk": x["residents_notice"].pk},
    "command:notice_print": lambda w, x: {"pk": x["residents_notice"].pk},
    "command:letter_detail": lambda w, x: {"pk": x["residents_letter"].pk},
    "command:letter_edit": lambda w, x: {"pk": x["residents_letter"].pk},
    "command:letter_print": lambda w, x: {"pk": x["residents_letter"].pk},
}
LIST_QUERIES: dict = {
    "command:notice_list": ["", "?q=核酸"],
    "command:notice_create": [""],
    "command:letter_list": ["", "?q=居民"],
    "command:letter_create": ["", "?area={grid1}", "?area={street}"],
    "command:calls": [
        "",
        "?area={grid1}",
        "?area={grid1}&what=support",
        "?area={grid1}&what=canvass",
        "?area={grid1}&what=no_smartphone",
        "?building={b1}",
        "?area={street}&what=testing",
    ],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    from wangge.people.models import SpecialGroup

    from .fixtures_residents import make_letter, make_notice, make_request, make_round

    SpecialGroup.objects.create(person=world.li, kind=SpecialGroup.Kind.NO_SMARTPHONE)
    return {
        "residents_notice": make_notice(world),
        "residents_letter": make_letter(world),
        "residents_request": make_request(world.h101),
        "residents_round": make_round(world),
    }
