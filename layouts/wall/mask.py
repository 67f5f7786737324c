"""Masking of party names and identity numbers for public screens (张三 → 张*)."""
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


def mask_name(name: str | None) -> str:
    """Mask a party's name: a person keeps the first character, an organisation its suffix."""
    text = (name or "").strip()
    if not text:
        return ""
    for suffix in _ORG_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            head = text[: min(2, len(text) - len(suffix))]
            return head + "*" * 3 + suffix
    return text[0] + "*" * max(1, len(text) - 1)


def _mask_match(match: re.Match[str]) -> str:
    role = match.group(0)[: match.start(2) - match.start(0)]
    return role + mask_name(match.group(2))


def mask_text(text: str | None) -> str:
    """Mask identity numbers, phone numbers and names that follow a party role in free text."""
    out = _ID_NUMBER.sub("******************", text or "")
    out = _CREDIT_CODE.sub("******************", out)
    out = _PHONE.sub(lambda m: m.group(0)[:3] + "********", out)
    return _PARTY_AFTER_ROLE.sub(_mask_match, out)
