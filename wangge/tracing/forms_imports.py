"""Forms of the contact-list imports: the upload (several files, the source picked or typed new,
the kind and the day), the mapping of a sheet's headers, and the batch filters."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.imports import ALLOWED_SUFFIXES, header_key
from wangge.core.scope import IMPORT, VIEW
from wangge.places.models import Area

from .imports import FIELDS
from .models import ListKind, Source

MAX_UPLOAD_BYTES = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
MAX_FILES = 20
SUFFIXES = (".xlsx", ".xls", ".csv")
SELECT = {"class": "form-select"}
INPUT = {"class": "form-control"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={**INPUT, "accept": ",".join(SUFFIXES)})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else single(data, initial)


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


def receiving_areas(user):
    """Areas that receive lists: where the user may import, down to communities."""
    qs = Area.objects.for_user(user, IMPORT).filter(level__lte=Area.Level.COMMUNITY)
    return qs.order_by("path")


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("名单文件"),
        help_text=gettext_lazy(
            "可一次选择多个 Excel（.xlsx/.xls）或 CSV 文件，每个工作表导入为一批"
        ),
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(),
        required=False,
        label=gettext_lazy("名单来源"),
        empty_label=gettext_lazy("— 新来源，在下面填写名称 —"),
        widget=forms.Select(attrs=SELECT),
    )
    new_source = forms.CharField(
        label=gettext_lazy("新来源名称"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("如：市疾控、公安分局、某镇、某隔离点"),
        widget=forms.TextInput(attrs=INPUT),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("名单类型"), choices=ListKind.choices, widget=forms.Select(attrs=SELECT)
    )
    day = forms.DateField(
        label=gettext_lazy("名单日期"),
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.for_user(user, IMPORT).select_related(
            "area"
        )
        areas = receiving_areas(user)
        self.fields["area"] = AreaChoice(
            queryset=areas,
            required=False,
            label=gettext_lazy("新来源的接收区域"),
            initial=areas.first(),
            widget=forms.Select(attrs=SELECT),
        )
        self.fields["day"].initial = timezone.localdate()
        self.order_fields(["files", "source", "new_source", "area", "kind", "day"])

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传%(n)d个文件") % {"n": MAX_FILES})
        for f in files:
            if Path(f.name).suffix.lower() not in ALLOWED_SUFFIXES:
                raise forms.ValidationError(
                    _("%(name)s：只支持 .xlsx、.xls 或 .csv 文件") % {"name": f.name}
                )
            if f.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("%(name)s：文件太大（最大 %(mb)d MB）")
                    % {"name": f.name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
                )
        return files

    def clean(self):
        data = super().clean()
        if data.get("source") is None:
            if not (data.get("new_source") or "").strip():
                self.add_error("new_source", _("请选择名单来源，或填写新来源名称"))
            elif data.get("area") is None:
                self.add_error("area", _("请选择新来源的接收区域"))
        return data


def field_choices():
    return [("", _("（不导入此列）")), *((k, str(label)) for k, label, _s in FIELDS)]


class MappingForm(forms.Form):
    """One select per header: which field the column is (or none)."""

    def __init__(self, *args, headers: list[str], guess: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = []
        for i, text in enumerate(headers):
            name = f"h{i}"
            self.fields[name] = forms.ChoiceField(
                label=text,
                choices=field_choices(),
                required=False,
                initial=guess.get(text, ""),
                widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}),
            )
            self.headers.append((name, text))

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for name, _t in self.headers]
        if "name" not in chosen:
            raise forms.ValidationError(_("请指定哪一列是姓名"))
        if "id_number" not in chosen and "phone" not in chosen:
            raise forms.ValidationError(_("请至少指定身份证号或联系电话中的一列"))
        doubled = {c for c in chosen if c and chosen.count(c) > 1}
        if doubled:
            labels = dict(field_choices())
            raise forms.ValidationError(
                _("每个字段只能对应一列：%(f)s") % {"f": "、".join(labels[c] for c in doubled)}
            )
        return data

    def mapping(self) -> dict[str, str]:
        """{header_key: field or ""}."""
        return {header_key(text): self.cleaned_data.get(name) or "" for name, text in self.headers}


class SourceMappingForm(forms.Form):
    """A source's remembered mapping, one select per header it has seen."""

    def __init__(self, *args, mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = []
        for i, (key, value) in enumerate(sorted(mapping.items())):
            name = f"m{i}"
            self.fields[name] = forms.ChoiceField(
                label=key,
                choices=field_choices(),
                required=False,
                initial=value,
                widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}),
            )
            self.keys.append((name, key))

    def mapping(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.keys}


class BatchFilterForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("名单日期"),
        required=False,
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(),
        required=False,
        label=gettext_lazy("来源"),
        empty_label=gettext_lazy("全部来源"),
        widget=forms.Select(attrs=SELECT),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("名单类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *ListKind.choices],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.for_user(user, VIEW)

    @property
    def filtered(self) -> bool:
        return any(self.data.get(k) for k in ("day", "source", "kind"))
