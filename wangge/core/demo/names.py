"""Word lists for the demo street: surnames, given names by generation, places, organisations.

All of it is data: the generator in `people.py` and `layout.py` draws from these lists with a
seeded random.Random, so the same seed gives the same street.
"""

from __future__ import annotations

import random

# Common surnames with rough weights (per mille of the population; the north-east's 于, 孙,
# 姜, 关, 佟 are a little more frequent than the national figures).
SURNAMES: dict[str, float] = {
    "王": 71,
    "李": 70,
    "张": 68,
    "刘": 54,
    "陈": 45,
    "杨": 31,
    "赵": 26,
    "黄": 22,
    "吴": 20,
    "周": 19,
    "孙": 18,
    "徐": 14,
    "马": 12,
    "朱": 12,
    "胡": 11,
    "郭": 11,
    "高": 11,
    "于": 10,
    "何": 10,
    "林": 9,
    "罗": 9,
    "郑": 8,
    "梁": 8,
    "谢": 7,
    "宋": 7,
    "韩": 7,
    "姜": 7,
    "唐": 6,
    "许": 6,
    "冯": 6,
    "董": 6,
    "曹": 5,
    "邓": 5,
    "彭": 5,
    "崔": 5,
    "魏": 5,
    "曾": 4,
    "肖": 4,
    "田": 4,
    "袁": 4,
    "蒋": 4,
    "杜": 4,
    "吕": 4,
    "丁": 4,
    "任": 4,
    "沈": 3,
    "姚": 3,
    "卢": 3,
    "潘": 3,
    "蔡": 3,
    "余": 3,
    "叶": 3,
    "程": 3,
    "苏": 3,
    "范": 3,
    "金": 3,
    "石": 3,
    "贾": 3,
    "付": 3,
    "白": 3,
    "孟": 3,
    "侯": 3,
    "关": 3,
    "郝": 2,
    "邵": 2,
    "武": 2,
    "常": 2,
    "秦": 2,
    "尹": 2,
    "薛": 2,
    "闫": 2,
    "段": 2,
    "史": 2,
    "夏": 2,
    "方": 2,
    "邹": 2,
    "江": 2,
    "佟": 2,
    "钟": 2,
    "谭": 2,
    "陆": 2,
    "汪": 2,
    "尚": 1,
    "齐": 1,
    "安": 1,
    "邢": 1,
    "葛": 1,
    "樊": 1,
    "牛": 1,
    "康": 1,
    "温": 1,
    "汤": 1,
    "孔": 1,
    "戴": 1,
    "钱": 1,
    "严": 1,
    "毛": 1,
    "顾": 1,
    "贺": 1,
    "龚": 1,
    "万": 1,
    "雷": 1,
    "隋": 1,
    "宫": 1,
    "车": 1,
    "鲍": 1,
    "庞": 1,
    "欧阳": 0.3,
    "司马": 0.1,
    "上官": 0.1,
}

# Given-name characters by generation and sex: names follow the fashion of the birth years.
GIVEN_CHARS: dict[tuple[str, str], str] = {
    ("old", "M"): "国建志德福玉明华军庆海春忠文树振长永宝贵广连成林山金学立平民荣祥和喜发江东仁义",
    ("old", "F"): "淑秀桂玉凤兰英珍芝华琴霞荣艳梅云芳莲娟萍丽敏春香杰清素凤菊翠琳荣",
    ("mid", "M"): "伟强磊军勇涛斌超明刚鹏辉健峰波杰龙亮宁飞东海洋鑫宇博帅凯晓永志新冬雷浩",
    ("mid", "F"): "丽娜静敏艳丹婷霞燕莉琳颖晶雪红岩楠倩爽宁慧璐佳欣薇洁媛微悦婧晓月",
    ("young", "M"): "子宇浩轩梓涵博睿泽铭俊航辰宸昊然一诺奕晨皓锦瑞嘉豪烁天逸恒朗",
    ("young", "F"): "梓涵欣怡萱雨诗语可馨彤琪梦佳思若依妍汐一瑶晴悦婉静紫玥舒菲沐",
}

# Share of two-character given names per generation.
DOUBLE_GIVEN = {"old": 0.55, "mid": 0.55, "young": 0.85}

COMMUNITY_NAMES = [
    "祥和",
    "鹿鸣",
    "春华",
    "德胜",
    "临江",
    "北华",
    "兴业",
    "松涛",
    "青松",
    "文庙",
    "致和",
    "东升",
    "长春路",
    "越山",
    "新地",
    "华丹",
]

ROAD_NAMES = [
    "祥鹿路",
    "鹿鸣街",
    "松江东路",
    "德胜路",
    "致和街",
    "越山路",
    "临江门路",
    "北华街",
    "青年路",
    "文庙胡同",
]

ESTATE_PREFIXES = [
    "阳光",
    "锦绣",
    "紫荆",
    "御景",
    "江南",
    "松江",
    "北山",
    "世纪",
    "龙潭",
    "翰林",
    "福源",
    "鸿博",
    "金域",
    "泰和",
    "滨江",
    "丽景",
    "温德",
    "祥鹿",
    "鹿鸣",
    "春江",
    "雾凇",
    "松花",
    "东方",
    "新华",
    "铁路",
    "电力",
    "化工",
    "邮电",
    "交通",
    "育才",
    "书香",
    "和平",
    "康乐",
    "嘉禾",
    "瑞祥",
    "馨苑",
    "欧亚",
    "丰泽",
    "长白",
    "朝阳",
]
ESTATE_SUFFIXES = [
    "花园",
    "家园",
    "小区",
    "雅居",
    "新城",
    "嘉园",
    "名苑",
    "佳苑",
    "华庭",
    "公寓",
    "家属楼",
]

PROPERTY_COMPANIES = [
    "鹿城物业服务有限公司",
    "祥泰物业管理有限公司",
    "吉祥物业服务有限公司",
    "松江物业管理有限公司",
    "万家物业服务有限公司",
    "安居物业管理有限公司",
    "恒信物业服务有限公司",
    "北山物业管理有限公司",
]

# Government units that send cadres down to command zones (包保单位).
ORGANISATIONS = [
    "船营区人民政府办公室",
    "区发展和改革局",
    "区教育局",
    "区财政局",
    "区住房和城乡建设局",
    "区卫生健康局",
    "区市场监督管理局",
    "区人力资源和社会保障局",
    "区民政局",
    "区城市管理行政执法局",
    "区司法局",
    "区审计局",
    "区统计局",
    "区应急管理局",
    "区农业农村局",
    "区文化广播电视和旅游局",
    "区退役军人事务局",
    "区医疗保障局",
    "区商务局",
    "区自然资源分局",
    "区生态环境分局",
    "区税务局",
    "区总工会",
    "团区委",
]

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一 (for 1..99; larger numbers stay in digits)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


def generation(age: int) -> str:
    """The naming fashion of someone this age in 2022."""
    if age >= 55:
        return "old"
    if age >= 25:
        return "mid"
    return "young"


class NamePicker:
    """Draws surnames by weight and given names by generation and sex."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = list(SURNAMES)
        self._cum: list[float] = []
        total = 0.0
        for s in self._surnames:
            total += SURNAMES[s]
            self._cum.append(total)

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._cum)[0]

    def given(self, sex: str, age: int) -> str:
        gen = generation(age)
        chars = GIVEN_CHARS[(gen, sex)]
        first = self.rng.choice(chars)
        if self.rng.random() >= DOUBLE_GIVEN[gen]:
            return first
        second = self.rng.choice(chars)
        while second == first:
            second = self.rng.choice(chars)
        return first + second

    def full(self, sex: str, age: int, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(sex, age)


def unique_names(
    base: list[str], suffix_pool: list[str], count: int, rng: random.Random
) -> list[str]:
    """`count` distinct names, each a prefix from `base` plus a suffix from `suffix_pool`."""
    combos = [p + s for p in base for s in suffix_pool]
    rng.shuffle(combos)
    if count <= len(combos):
        return combos[:count]
    extra = [
        f"{combos[i % len(combos)]}{chinese_number(i // len(combos) + 1)}期"
        for i in range(len(combos), count)
    ]
    return combos + extra


def numbered(names: list[str], count: int, suffix: str) -> list[str]:
    """The first `count` of `names` plus `suffix`; past the list, names get an ordinal."""
    out = [n + suffix for n in names[:count]]
    for i in range(len(out), count):
        out.append(f"{names[i % len(names)]}{chinese_number(i // len(names) + 1)}{suffix}")
    return out
