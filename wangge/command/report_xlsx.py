"""A frozen report of one area as a workbook: its figures, its children's figures and the units
that had not reported by the cut-off (with the person to call)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .report_doc import AreaReport


def title(doc: AreaReport) -> str:
    return _("%(area)s %(day)s 每日报告") % {
        "area": doc.area.name,
        "day": doc.report.day.isoformat(),
    }


def write_report(path, doc: AreaReport) -> int:
    """Write the workbook to `path` (a file name or a binary file); returns the number of units
    not reported."""
    import xlsxwriter

    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    if not isinstance(path, str):
        options["in_memory"] = True
    book = xlsxwriter.Workbook(path, options)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bold = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    sheet = book.add_worksheet(_("本级数据"))
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 2, 10)
    sheet.write_string(0, 0, title(doc), bold)
    sheet.write_string(1, 0, _("数据时点 %(time)s") % {"time": doc.as_of})
    sheet.merge_range(2, 0, 2, 2, doc.text, wrap)
    sheet.set_row(2, 15 * max(2, len(doc.text) // 40 + 1))
    r = 3
    for i, label in enumerate((_("类别"), _("指标"), _("数值"))):
        sheet.write_string(r, i, label, head)
    for _section, heading, items in doc.sections:
        for _f, label, n in items:
            r += 1
            sheet.write_string(r, 0, heading)
            sheet.write_string(r, 1, label)
            sheet.write_number(r, 2, n)

    sheet = book.add_worksheet(_("下级数据"))
    keys, labels = [], []
    for _section, heading, items in doc.sections:
        for f, label, _n in items:
            keys.append(f.key if f else label)
            labels.append(f"{heading}-{label}")
    columns = [_("区域"), *labels, _("未报送单位")]
    for i, label in enumerate(columns):
        sheet.set_column(i, i, 16 if i == 0 else 12)
        sheet.write_string(0, i, label, head)
    sheet.freeze_panes(1, 1)
    for r, child in enumerate(doc.children, start=1):
        sheet.write_string(r, 0, child.area.name)
        for i, key in enumerate(keys, start=1):
            sheet.write_number(r, i, int(child.figures.get(key, 0) or 0))
        sheet.write_number(r, len(keys) + 1, len(child.missing))

    sheet = book.add_worksheet(_("未报送单位"))
    columns = [_("类别"), _("名称"), _("所属"), _("负责人"), _("联系电话")]
    for i, label in enumerate(columns):
        sheet.set_column(i, i, 14)
        sheet.write_string(0, i, label, head)
    units = doc.missing
    for r, unit in enumerate(units, start=1):
        values = (unit["kind_label"], unit["name"], unit.get("parent", ""), unit["leader"])
        for i, value in enumerate((*values, unit["phone"])):
            if value:
                sheet.write_string(r, i, str(value))
    book.close()
    return len(units)
