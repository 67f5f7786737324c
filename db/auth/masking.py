"""The one masking module: party names, identity numbers, credit codes and phone numbers.

Every list, grid, export and wall screen shows parties through these functions (张三 → 张*,
包头市鑫源建材有限公司 → 包头***有限公司, 18-digit numbers → 18 asterisks). Full names appear only on
the case page, for a principal whose scope includes the case (callbacks/authz.py checks that).
"""
from __future__ import annotations

import re

# Kept visible at the end of an organisation's name so the wall still says what it is.
_ORG_SUFFIXES = (
    "有限责任公司", "股份有限公司", "有限公司", "公司", "合作社", "集团", "工厂", "厂",
    "商行", "商店", "店", "中心", "医院", "学校", "银行", "支行", "分行", "事务所", "协会",
)
# Party roles that introduce a name in free text (longest first, so 申请执行人 wins over 申请人).
_ROLES = ("申请执行人", "被申请执行人", "被执行人", "法定代表人", "实际控制人", "被申请人", "当事人",
          "申请人", "债务人", "债权人", "案外人", "第三人", "担保人", "保证人", "被告", "原告", "联系人")
_ROLE = "(?:" + "|".join(sorted(_ROLES, key=len, reverse=True)) + ")"
_NAME_CHARS = r"[\u4e00-\u9fff·•]"
_NAME_END = r"(?=[已于的向被在到将与和及系为是因未拒等均现]|名下|拒不|报告|申报|存款|账户|房产|车辆|[^\u4e00-\u9fff·•]|$)"
# role, then optional "：", spaces (also full-width), brackets or 为/是, then one name or a list 张三、李四
_PARTY_AFTER_ROLE = re.compile(
    "(" + _ROLE + r"(?:[\s\u3000]*[：:（(「『“\"'][\s\u3000]*|[\s\u3000]+|[为是](?=" + _NAME_CHARS + "))?)"
    "(" + _NAME_CHARS + "{2,30}?" + _NAME_END + r"(?:、" + _NAME_CHARS + "{2,4}?" + _NAME_END + ")*)"
)
_SEP = r"[\s\u3000\-–—.]?"  # one optional separator between digits: 138-1234-5678, 1101 0119…
_NOT_ALNUM_BEFORE, _NOT_ALNUM_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
# order matters: the first alternative that matches at a position wins
_TOKENS = re.compile("|".join((
    # mobile phone, with or without +86 / 0086 / (+86) and separators
    r"(?P<phone>" + _NOT_ALNUM_BEFORE + r"(?:(?:\+|00)86|[（(]\+?86[）)]|86(?=[\s\u3000\-]))?[\s\u3000\-]?"
    r"1[3-9](?:" + _SEP + r"[0-9]){9}" + _NOT_ALNUM_AFTER + ")",
    # identity number (18 characters, last may be X or x), separators anywhere between groups
    r"(?P<id>" + _NOT_ALNUM_BEFORE + r"[0-9](?:" + _SEP + r"[0-9]){16}" + _SEP + r"[0-9Xx]" + _NOT_ALNUM_AFTER + ")",
    # unified social credit code (统一社会信用代码), either case
    r"(?P<credit>" + _NOT_ALNUM_BEFORE + r"[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}"
    r"[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10}" + _NOT_ALNUM_AFTER + ")",
    # old 15-digit identity numbers, bank accounts and cards (12+ digits, or 4-digit groups)
    r"(?P<digits>" + _NOT_ALNUM_BEFORE + r"(?:[0-9]{12,}|[0-9]{4}(?:[\s\-][0-9]{4}){3,4}(?:[\s\-][0-9]{1,3})?)"
    + _NOT_ALNUM_AFTER + ")",
    # landline: area code 0xx(x) then 7–8 digits
    r"(?P<landline>" + _NOT_ALNUM_BEFORE + r"[（(]?0[1-9][0-9]{1,2}[）)]?[\s\-]?[0-9]{7,8}" + _NOT_ALNUM_AFTER + ")",
)))
# a value after a label that names personal data is masked whatever its shape
_LABELS = ("公民身份号码", "身份证号码", "身份证号", "身份证", "证件号码", "证件号", "统一社会信用代码",
           "社会信用代码", "信用代码", "组织机构代码", "营业执照号", "手机号码", "手机号", "手机", "联系电话",
           "电话", "联系方式", "银行账号", "银行卡号", "账号", "卡号")
_LABELLED = re.compile(
    "((?:" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")(?:[\s\u3000]*[为是：:][\s\u3000]*|[\s\u3000]*))"
    r"([0-9A-Za-z][0-9A-Za-z\s\u3000\-+()（）]{4,40}[0-9A-Za-z])"
)


def mask_name(name: str | None, kind: str | None = None) -> str:
    """Mask a party's name. A person (kind "natural") keeps the first character; an organisation
    keeps two leading characters and its legal-form suffix (有限公司, 合作社 …), or its first and
    last two characters when it has no known suffix. Without a kind, a known suffix decides."""
    text = (name or "").strip()
    if not text:
        return ""
    if kind != "natural":
        for suffix in _ORG_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                head = text[: min(2, len(text) - len(suffix))]
                return head + "*" * 3 + suffix
        if kind is not None and len(text) > 4:
            return text[:2] + "*" * (len(text) - 4) + text[-2:]
    return text[0] + "*" * max(1, len(text) - 1)


def mask_id_number(number: str | None) -> str:
    """An identity number or credit code: only its length shows (a missing one stays empty)."""
    text = (number or "").strip()
    return "*" * len(text)


def _stars(value: str) -> str:
    return "*" * sum(ch.isalnum() for ch in value)


def _mask_token(match: re.Match[str]) -> str:
    kind, value = match.lastgroup, match.group(0)
    if kind == "phone":
        digits = re.sub(r"[^0-9]", "", value)[-11:]
        return value[: len(value) - len(value.lstrip())] + digits[:3] + "*" * 8
    return _stars(value)


def _mask_party(match: re.Match[str]) -> str:
    return match.group(1) + "、".join(mask_name(part) for part in match.group(2).split("、"))


def mask_text(text: str | None, names: list[str] | tuple[str, ...] = ()) -> str:
    """Mask personal data in free text (event details, 督办 text, feed items): the known party
    `names` of the record (masked wherever they appear: the structured source, preferred), values
    after labels such as 身份证号/电话/信用代码, mobile numbers (+86, 0086, separators), identity
    numbers (separators, lower-case x), credit codes, long account numbers, landlines, and names
    that follow a party role (被执行人 张三丰, 被执行人：张三、李四)."""
    out = text or ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, mask_name(name))
    out = _TOKENS.sub(_mask_token, out)
    out = _LABELLED.sub(lambda m: m.group(1) + _stars(m.group(2)), out)
    return _PARTY_AFTER_ROLE.sub(_mask_party, out)
