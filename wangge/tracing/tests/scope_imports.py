"""Scope-test entries of the tracing app, part imports: the upload page, the batches (filters),
one batch's report and rows, its rejected rows, the sources and one source's mapping; the API's
batches. extra() imports the CDC's workbook of fixtures_imports (张伟 with his ID and phone, a
rejected row) into world.street as source 区疾控（导入）."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "tracing:batch_detail": lambda w, x: {"pk": x["imports_batch"].pk},
    "tracing:batch_rejects": lambda w, x: {"pk": x["imports_batch"].pk},
    "tracing:source_detail": lambda w, x: {"pk": x["imports_source"].pk},
}
LIST_QUERIES: dict = {
    "tracing:upload": [""],
    "tracing:batch_list": ["", "?day=2022-04-03", "?kind=close", "?day=2022-04-03&kind=close"],
    "tracing:source_list": ["", "?q=疾控"],
}
API_OBJECTS: dict = {"batch_id": lambda w, x: x["imports_batch"].pk}
API_FILTERS: dict = {}  # "day" is shared (review sets it)


def extra(world) -> dict:
    import datetime as dt

    from wangge.tracing.services_imports import get_or_create_source, import_file

    from .fixtures_imports import cdc_workbook

    source = get_or_create_source(world.street, "区疾控（导入）", actor=None)
    batches = import_file(
        cdc_workbook(),
        "疾控.xlsx",
        source=source,
        kind="close",
        day=dt.date(2022, 4, 3),
        actor=None,
    )
    return {"imports_source": source, "imports_batch": batches[0]}
