"""Fake but realistic Chinese names, ID numbers, company names and causes (案由)."""
from __future__ import annotations

import operator
import random

from db.demo.fastrand import pick, ri

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭"
    "吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱"
    "秦江史顾侯邵孟万段雷钱汤尹黎易常武乔贺赖龚文云包乌"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅飞鑫宇浩凯"
    "婷雪琳晶斌波宁海燕志俊峰岩慧颖鹤龙春亮林瑞博文彬晓东振利春花永福德胜凤莲"
)
# Mongolian given names are common in 土默特右旗.
MONGOLIAN = (
    "巴特尔", "乌云", "其其格", "额尔敦", "苏和", "那仁", "格日勒", "阿拉坦", "萨仁",
    "宝音", "朝鲁", "图雅", "斯琴", "布和", "哈斯",
)
PLACES = ("包头市", "土默特右旗", "萨拉齐镇", "包头市九原区", "包头市昆都仑区", "呼和浩特市")
TRADES = ("商贸", "建筑工程", "农牧业", "运输", "物流", "建材", "汽车销售", "餐饮管理", "房地产开发",
          "煤炭销售", "机械设备", "劳务服务", "装饰工程", "农机", "乳业")
FORMS = ("有限公司", "有限责任公司", "股份有限公司")
REGIONS = ("150221", "150221", "150221", "150203", "150204", "150207", "150105", "152601")

# Causes with weights; 民间借贷 and contracts dominate a basic court's enforcement docket.
CAUSES: tuple[tuple[str, int], ...] = (
    ("民间借贷纠纷", 30), ("买卖合同纠纷", 16), ("金融借款合同纠纷", 10), ("劳务合同纠纷", 7),
    ("追索劳动报酬纠纷", 5), ("租赁合同纠纷", 5), ("建设工程施工合同纠纷", 5),
    ("机动车交通事故责任纠纷", 6), ("离婚纠纷", 3), ("抚养费纠纷", 2), ("赡养费纠纷", 1),
    ("信用卡纠纷", 4), ("物业服务合同纠纷", 3), ("承揽合同纠纷", 2), ("生命权、身体权、健康权纠纷", 1),
)
NON_LITIGATION_CAUSES = ("行政处罚决定执行", "土地行政非诉执行", "社会保险费征缴非诉执行")
CAUSE_NAMES = tuple(c for c, _ in CAUSES)
CAUSE_WEIGHTS = tuple(w for _, w in CAUSES)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PREFIX = "91150221"  # 工商 + 企业 + 土默特右旗
_USCC_PREFIX_SUM = sum(_USCC_CHARS.index(c) * w for c, w in zip(_USCC_PREFIX, _USCC_WEIGHTS, strict=False))


def person_name(rng: random.Random) -> str:
    """Return a two- or three-character Chinese name, sometimes Mongolian."""
    if rng.random() < 0.08:
        return pick(rng, MONGOLIAN)
    given = pick(rng, GIVEN) + (pick(rng, GIVEN) if rng.random() < 0.7 else "")
    return pick(rng, SURNAMES) + given


def id_number(rng: random.Random, *, born_from: int = 1955, born_to: int = 2000) -> str:
    """Return an 18-digit resident ID with a valid ISO 7064 check digit."""
    body = "%s%04d%02d%02d%03d" % (  # noqa: UP031 - hot loop: %-formatting is the cheapest
        pick(rng, REGIONS), ri(rng, born_from, born_to), ri(rng, 1, 12), ri(rng, 1, 28),
        ri(rng, 1, 999))
    total = sum(map(operator.mul, map(int, body), _ID_WEIGHTS))
    return body + _ID_CHECK[total % 11]


def company_name(rng: random.Random) -> str:
    """Return a plausible local company name."""
    word = pick(rng, GIVEN) + pick(rng, GIVEN)
    return f"{pick(rng, PLACES[:3])}{word}{pick(rng, TRADES)}{pick(rng, FORMS)}"


def credit_code(rng: random.Random) -> str:
    """Return an 18-character 统一社会信用代码 with a valid GB 32100 check character."""
    digits = [int(rng.random() * 31) for _ in range(9)]
    total = _USCC_PREFIX_SUM + sum(map(operator.mul, digits, _USCC_WEIGHTS[8:]))
    body = _USCC_PREFIX + "".join(_USCC_CHARS[d] for d in digits)
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def cause(rng: random.Random, non_litigation: bool = False) -> str:
    """Return a weighted random 案由."""
    if non_litigation:
        return pick(rng, NON_LITIGATION_CAUSES)
    return rng.choices(CAUSE_NAMES, CAUSE_WEIGHTS)[0]


def party(rng: random.Random, role: str, legal_share: float) -> dict[str, str]:
    """Return one case_parties row (without case_id)."""
    if rng.random() < legal_share:
        return {"role": role, "kind": "legal", "name": company_name(rng), "id_number": credit_code(rng)}
    return {"role": role, "kind": "natural", "name": person_name(rng), "id_number": id_number(rng)}
