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
_ROLE = r"(?:申请执行人|被执行人|当事人|申请人|债务人|债权人|案外人|第三人)"
# A name runs until a particle, punctuation or the end (lazy, at least two characters).
_PARTY_AFTER_ROLE = re.compile(
    _ROLE + r"([：:]\s*)?([\u4e00-\u9fff·]{2,30}?)(?=[已于的向被在到将与和及]|名下|拒不|报告|申报|存款|账户|房产|车辆|[^\u4e00-\u9fff·]|$)"
)
_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_CREDIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


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


def _mask_match(match: re.Match[str]) -> str:
    role = match.group(0)[: match.start(2) - match.start(0)]
    return role + mask_name(match.group(2))


def mask_text(text: str | None) -> str:
    """Mask identity numbers, phone numbers and names that follow a party role in free text."""
    out = _ID_NUMBER.sub("******************", text or "")
    out = _CREDIT_CODE.sub("******************", out)
    out = _PHONE.sub(lambda m: m.group(0)[:3] + "********", out)
    return _PARTY_AFTER_ROLE.sub(_mask_match, out)
