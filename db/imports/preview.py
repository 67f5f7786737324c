"""Preview a file without writing: which header became which field, and the first rows."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.auth.masking import mask_id_number, mask_name
from db.imports.engine import ImportFailed, _sheet_of, check_mapping, columns_of
from db.imports.source import ImportSource, Limits, SourceError, open_sheets
from db.imports.values import is_blank, parse_value, text


def preview(source: Any, mapping: Mapping[str, Any] | None = None, *, rows: int = 5,
            sheet: str | None = None, name: str | None = None,
            limits: Limits | None = None) -> list[dict[str, Any]]:
    """[{sheet, file_sheet, columns: [{header, field, label}], ignored_columns: [header],
    missing: [label], rows: [{row, cells: {label: {value, error}}}]}] plus, for a sheet
    that is not recognised, {file_sheet, sheet: None}."""
    src = ImportSource.of(source, name)
    if mapping is not None:
        check_mapping(mapping)
    out: list[dict[str, Any]] = []
    try:
        with open_sheets(src, limits or Limits(), sheet) as raws:
            for raw in raws:
                spec = _sheet_of(raw, mapping, sheet if raw.kind == "csv" else None)
                if spec is None:
                    out.append({"file_sheet": raw.name, "sheet": None, "columns": [],
                                "ignored_columns": [text(h) for h in raw.headers if not is_blank(h)],
                                "missing": [], "rows": []})
                    continue
                columns, ignored = columns_of(spec, raw.headers, mapping)
                keys = {c.field.key for c in columns}
                item: dict[str, Any] = {"file_sheet": raw.name, "sheet": spec.name,
                        "columns": [{"header": c.header, "field": c.field.key, "label": c.field.label}
                                    for c in columns],
                        "ignored_columns": ignored,
                        "missing": [f.label for f in spec.fields if f.required and f.key not in keys],
                        "rows": []}
                for number, values, formula_bad in raw.rows:
                    if len(item["rows"]) >= rows:
                        break
                    if all(is_blank(v) for v in values):
                        continue
                    cells = {}
                    for c in columns:
                        value = values[c.index] if c.index < len(values) else None
                        cell: dict[str, Any] = {"value": None, "error": ""}
                        if c.index in formula_bad:
                            cell["error"] = "公式没有计算结果"
                        else:
                            try:
                                parsed = parse_value(c.field, value, c.unit)
                                cell["value"] = _shown(spec.name, c.field.key, parsed)
                            except ValueError as exc:
                                cell["error"] = str(exc)
                        cells[c.field.label] = cell
                    item["rows"].append({"row": number, "cells": cells})
                out.append(item)
    except SourceError as exc:
        raise ImportFailed(str(exc)) from None
    return out


def _shown(sheet: str, key: str, value: Any) -> str | None:
    """A recognised value as the preview shows it: parties' names and ID numbers masked."""
    if value is None:
        return None
    if sheet == "当事人" and key == "id_number":
        return mask_id_number(str(value))
    if sheet == "当事人" and key == "name":
        return mask_name(str(value))
    return str(value)
