"""Parse and build case numbers: （2022）内0221执123号."""
from __future__ import annotations

import re
from dataclasses import dataclass

from db.cases.vocab import CASE_TYPES
from db.errors import ValidationError

_TYPES = "|".join(sorted(CASE_TYPES, key=len, reverse=True))
_PATTERN = re.compile(rf"^[（(](\d{{4}})[）)](.+?)({_TYPES})(\d+)号$")


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court_code: str
    type_code: str
    serial: int

    @property
    def category(self) -> str:
        return CASE_TYPES[self.type_code].category

    def __str__(self) -> str:
        return f"（{self.year}）{self.court_code}{self.type_code}{self.serial}号"


def parse_case_number(text: str) -> CaseNumber:
    """Parse a case number or raise ValidationError with a Chinese message."""
    raw = (text or "").strip()
    match = _PATTERN.match(raw)
    if not match:
        raise ValidationError(
            f"案号“{raw}”格式不正确，应为“（年度）法院代字类型代字序号号”，如“（2022）内0221执123号”",
            field="case_number",
        )
    year, court_code, type_code, serial = match.groups()
    if not 1990 <= int(year) <= 2100:
        raise ValidationError(f"案号“{raw}”的年度 {year} 不合理", field="case_number")
    if int(serial) <= 0:
        raise ValidationError(f"案号“{raw}”的序号必须大于 0", field="case_number")
    return CaseNumber(int(year), court_code, type_code, int(serial))


def format_case_number(year: int, court_code: str, type_code: str, serial: int) -> str:
    return str(CaseNumber(year, court_code, type_code, serial))
