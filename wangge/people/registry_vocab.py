"""The registry sheet's vocabulary: its columns and the words workers write in them.

These are data, not interface text: an exported sheet must re-import whatever the interface
language, so the column headers and the relation / special-group labels written to files are
fixed Chinese words (the importer also accepts traditional characters and the synonyms below).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext as _

from wangge.core.normalize import clean_text

from .models import Residence, SpecialGroup

# (key, header written on export, other headers accepted on import)
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("street", "街道", ("街道办事处", "街道名称", "乡镇", "街道/乡镇", "所属街道")),
    ("community", "社区", ("社区名称", "村", "社区/村", "所属社区", "村委会", "居委会")),
    ("grid", "网格", ("网格名称", "所属网格", "网格号", "网格编号")),
    ("estate", "小区", ("小区名称", "所属小区", "院落", "小区/院落")),
    ("address", "地址", ("住址", "家庭住址", "现住址", "居住地址", "详细地址", "门牌地址")),
    ("building", "楼号", ("楼栋", "楼栋号", "楼", "栋", "栋号", "幢", "楼号栋", "号楼")),
    ("unit", "单元", ("单元号", "门", "单元门")),
    ("floor", "楼层", ("层", "所在楼层", "层号")),
    ("room", "户号", ("房号", "门牌号", "室", "房间号", "房间", "门牌", "户室号", "室号")),
    ("householder", "户主姓名", ("户名", "户主", "户主名", "户主名字")),
    (
        "people_count",
        "现居人数",
        ("居住人数", "人数", "现住人数", "实际居住人数", "常住人数", "在家人数", "实住人数"),
    ),
    (
        "household_phone",
        "户联系电话",
        ("户主电话", "户主联系电话", "住户电话", "户电话", "家庭电话"),
    ),
    ("name", "姓名", ("名字", "人员姓名", "居民姓名", "成员姓名")),
    (
        "id_number",
        "身份证号",
        ("身份证", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证件号码"),
    ),
    (
        "phone",
        "联系电话",
        ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "本人电话", "联系手机"),
    ),
    ("relation", "与户主关系", ("关系", "家庭关系", "与户主的关系", "成员关系")),
    (
        "special",
        "特殊人群",
        ("特殊群体", "人员类别", "特殊人员", "重点人群", "人群类别", "特殊人群类别"),
    ),
]
HEADERS = {key: label for key, label, _syn in COLUMNS}

RELATION_LABELS = {
    Residence.Relation.HOUSEHOLDER: "户主",
    Residence.Relation.MEMBER: "家庭成员",
    Residence.Relation.TENANT: "租户",
    Residence.Relation.TEMPORARY: "临时居住",
}
_RELATION_WORDS = {
    Residence.Relation.HOUSEHOLDER: "户主 本人 户主本人 自己",
    Residence.Relation.MEMBER: (
        "家庭成员 成员 家属 配偶 妻 妻子 夫 丈夫 夫妻 子 女 儿子 女儿 子女 长子 次子 长女 次女 "
        "父 母 父亲 母亲 父母 祖父 祖母 祖父母 外祖父 外祖母 外祖父母 爷爷 奶奶 姥爷 姥姥 孙 孙子 "
        "孙女 孙子女 外孙 外孙子女 儿女 兄弟姐妹 "
        "外孙子 外孙女 兄 弟 姐 妹 兄弟 姐妹 哥哥 弟弟 姐姐 妹妹 儿媳 女婿 公公 婆婆 岳父 岳母 "
        "侄子 侄女 外甥 外甥女 亲属 其他亲属 亲戚 保姆 其他"
    ),
    Residence.Relation.TENANT: "租户 租客 租房 承租人 租住 租赁",
    Residence.Relation.TEMPORARY: "临时居住 暂住 借住 临时 返乡 返乡人员 返来人员 探亲 寄住",
}
RELATIONS: dict[str, str] = {
    word: rel for rel, words in _RELATION_WORDS.items() for word in words.split()
} | {rel.value: rel for rel in Residence.Relation}

K = SpecialGroup.Kind
SPECIAL_LABELS = {
    K.ELDERLY_ALONE: "独居老人",
    K.IMMOBILE: "行动不便",
    K.PREGNANT: "孕产妇",
    K.DIALYSIS: "透析",
    K.CHRONIC: "慢性病",
    K.DISABLED: "残疾",
    K.ONLINE_SCHOOL: "网课学生",
    K.NO_SMARTPHONE: "无智能手机",
    K.NO_ID: "无身份证",
    K.INFANT: "婴幼儿",
}
_SPECIAL_WORDS = {
    K.ELDERLY_ALONE: "独居老人 独居 空巢老人 空巢 孤寡老人",
    K.IMMOBILE: "行动不便 卧床 失能 瘫痪 不能下楼 行动困难",
    K.PREGNANT: "孕产妇 孕妇 产妇 孕期",
    K.DIALYSIS: "透析 透析患者 血透 血液透析 腹透",
    K.CHRONIC: "慢性病 慢性病患者 慢病 基础病",
    K.DISABLED: "残疾 残疾人 残障",
    K.ONLINE_SCHOOL: "网课学生 网课 上网课",
    K.NO_SMARTPHONE: "无智能手机 老年机 没有智能手机 无手机",
    K.NO_ID: "无身份证 没有身份证",
    K.INFANT: "婴幼儿 婴儿 幼儿",
}
SPECIAL: dict[str, str] = {
    word: kind for kind, words in _SPECIAL_WORDS.items() for word in words.split()
} | {kind.value: kind for kind in K}
NONE_WORDS = {"无", "否", "没有", "-", "—", "/", "0", "none"}
_SPLIT_RE = re.compile(r"[、,，;；/|\s]+")


def _key(text: str) -> str:
    return clean_text(text).replace(" ", "").lower()


@lru_cache(maxsize=256)
def parse_relation(raw: str) -> str:
    word = _key(raw)
    if word in RELATIONS:
        return RELATIONS[word]
    for suffix in ("之子", "之女", "之妻", "之夫", "之父", "之母"):
        if word.endswith(suffix):
            return Residence.Relation.MEMBER
    raise ValueError(
        _(
            "未知的与户主关系“%(value)s”，可填写：户主、家庭成员（配偶、子女、父母等）、"
            "租户、临时居住"
        )
        % {"value": raw}
    )


@lru_cache(maxsize=1024)
def parse_special(raw: str) -> frozenset[str]:
    """A list such as "独居老人、行动不便" → kinds; "无" → the empty set."""
    words = [w for w in _SPLIT_RE.split(_key(raw)) if w]
    kinds: set[str] = set()
    unknown = []
    for word in words:
        if word in NONE_WORDS:
            continue
        if word in SPECIAL:
            kinds.add(SPECIAL[word])
        else:
            unknown.append(word)
    if unknown:
        raise ValueError(
            _("未知的特殊人群“%(value)s”，可填写：%(allowed)s")
            % {"value": "、".join(unknown), "allowed": "、".join(SPECIAL_LABELS.values())}
        )
    return frozenset(kinds)


def special_label(kinds) -> str:
    return "、".join(SPECIAL_LABELS[k] for k in SPECIAL_LABELS if k in set(kinds))
