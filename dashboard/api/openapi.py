"""The OpenAPI 3.1 description of the event API, built from the intake's field table."""
from __future__ import annotations

from typing import Any

from db.events.intake import API_KINDS, FIELDS


def _event_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, (kind, _required, size, label, text) in FIELDS.items():
        prop: dict[str, Any] = {"type": kind, "title": label, "description": text}
        if size:
            prop["maxLength"] = size
        if name == "kind":
            prop["enum"] = [*API_KINDS, *(w for words in API_KINDS.values() for w in words)]
        if name == "occurred_at":
            prop["format"] = "date-time"
        if name == "expires_on":
            prop["format"] = "date"
        properties[name] = prop
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": [name for name, spec in FIELDS.items() if spec[1]]}


def _error() -> dict[str, Any]:
    item = {"type": "object", "properties": {
        "index": {"type": ["integer", "null"], "description": "批量中的位置（从 0 起）"},
        "external_id": {"type": "string"}, "field": {"type": "string"},
        "message": {"type": "string", "description": "中文说明"}}}
    return {"type": "object", "properties": {"error": {"type": "string"},
                                             "errors": {"type": "array", "items": item}}}


def _answer(text: str, ref: str = "#/components/schemas/Error") -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": {"$ref": ref}}}}


def document(*, max_batch: int, max_body_kb: int, rate_per_min: int) -> dict[str, Any]:
    example = {"external_id": "110-20261203-0001", "case_number": "（2026）内0221执123号",
               "kind": "arrival_110", "occurred_at": "2026-12-03T09:30:00+08:00",
               "detail": "执行干警到达现场"}
    batch = {"type": "object", "additionalProperties": False, "required": ["events"],
             "properties": {"events": {"type": "array", "minItems": 1, "maxItems": max_batch,
                                       "items": {"$ref": "#/components/schemas/Event"}}}}
    result = {"type": "object", "properties": {
        "created": {"type": "integer"}, "duplicates": {"type": "integer"},
        "results": {"type": "array", "items": {"type": "object", "properties": {
            "external_id": {"type": "string"}, "status": {"enum": ["created", "duplicate"]},
            "event_id": {"type": "integer"}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "执行指挥中心质效看板 · 现场事件接口", "version": "1",
                 "description": ("执行110 与执法 APP 等系统上报现场事件（接警、出警、到场、处置完毕、拘留、查封、现场照片/视频）。"
                                 "每个来源一个令牌（管理员签发），只能写事件。以（来源, external_id）去重：重发同一事件不会重复记录。"
                                 "一批事件要么全部记录，要么（有任何错误时）全部不记录。事件在下一次数据刷新后出现在大屏“实时动态”，"
                                 f"当事人信息脱敏。限制：请求体不超过 {max_body_kb} KB，每批不超过 {max_batch} 个事件，"
                                 f"每个来源每分钟不超过 {rate_per_min} 次调用（0 表示不限）。")},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "python -m dashboard event-source issue --name 执行110 签发"}},
            "schemas": {"Event": _event_schema(), "Batch": batch, "Result": result, "Error": _error()},
        },
        "security": [{"bearer": []}],
        "paths": {"/api/v1/events": {"post": {
            "summary": "上报一个或一批现场事件",
            "operationId": "postEvents",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"oneOf": [{"$ref": "#/components/schemas/Event"},
                                     {"$ref": "#/components/schemas/Batch"},
                                     {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}]},
                "example": {"events": [example]}}}},
            "responses": {
                "201": _answer("至少记录了一个新事件", "#/components/schemas/Result"),
                "200": _answer("全部为重复上报，未新增", "#/components/schemas/Result"),
                "400": _answer("字段有误或案号不存在（逐项中文说明），未记录任何事件"),
                "401": _answer("未提供令牌，或令牌无效、已吊销"),
                "409": _answer("同一 external_id 以前上报过内容不同的事件"),
                "413": _answer("请求体过大或一批事件过多"),
                "415": _answer("请求体不是 JSON"),
                "429": _answer("调用过于频繁（见 Retry-After）"),
                "503": _answer("数据库暂时不可用（见 Retry-After）"),
            }}}},
    }
