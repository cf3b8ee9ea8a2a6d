"""Template form schemas and validation of a document's form data against them.

A schema is `{"fields": [{"key", "label": {"ko", "en"}, "type", "required", ...}]}` with types text,
textarea, number (min, max), date, select (options), checkbox. Unknown keys in the data are refused.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from portal.common.errors import ValidationFailed

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
FieldKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ko: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    en: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


class FormField(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: FieldKey
    label: Label
    type: Literal["text", "textarea", "number", "date", "select", "checkbox"]
    required: bool = False
    max_length: int | None = Field(default=None, ge=1, le=20_000)
    min: float | None = None
    max: float | None = None
    options: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] | None = None


class FormSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: list[FormField] = Field(default_factory=list, max_length=50)


def parse_schema(raw: dict[str, Any]) -> FormSchema:
    try:
        schema = FormSchema.model_validate(raw)
    except ValidationError as exc:
        errors = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        raise ValidationFailed("the form schema is not valid", code="INVALID_FORM_SCHEMA",
                               details={"errors": errors}) from exc
    keys = [f.key for f in schema.fields]
    if len(keys) != len(set(keys)):
        raise ValidationFailed("form field keys must be unique", code="INVALID_FORM_SCHEMA")
    for f in schema.fields:
        if f.type == "select" and not f.options:
            raise ValidationFailed(f"select field '{f.key}' needs options", code="INVALID_FORM_SCHEMA")
    return schema


def check_new_schema(raw: dict[str, Any]) -> FormSchema:
    """`parse_schema` plus the checks a template gets when it is created or changed: a number field's `min` not
    above its `max` (no value could be entered) and a select field's options each listed once. Stored schemas are
    read with `parse_schema` only, so that a template saved before these checks still opens its drafts."""
    schema = parse_schema(raw)
    errors: list[dict[str, Any]] = []
    for index, f in enumerate(schema.fields):
        if f.min is not None and f.max is not None and f.min > f.max:
            errors.append({"loc": ["fields", str(index), "min"], "msg": f"field '{f.key}': min is greater than max"})
        if f.options is not None and len(set(f.options)) != len(f.options):
            twice = sorted({o for o in f.options if f.options.count(o) > 1})
            errors.append({"loc": ["fields", str(index), "options"],
                           "msg": f"field '{f.key}': options listed more than once: {', '.join(twice)}"})
    if errors:
        raise ValidationFailed("the form schema is not valid", code="INVALID_FORM_SCHEMA", details={"errors": errors})
    return schema


def _check(field: FormField, value: Any) -> str | None:
    """None if the value fits the field, else why not."""
    if field.type in ("text", "textarea"):
        if not isinstance(value, str):
            return "must be text"
        limit = field.max_length or (200 if field.type == "text" else 10_000)
        return f"at most {limit} characters" if len(value) > limit else None
    if field.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if field.min is not None and value < field.min:
            return f"must be at least {field.min:g}"
        if field.max is not None and value > field.max:
            return f"must be at most {field.max:g}"
        return None
    if field.type == "date":
        # `date.fromisoformat` also takes "20261120" and ISO weeks ("2026-W01"): stored as sent, no date input
        # or report could read them back, so the one form the schema documents is required.
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            return "must be a date (YYYY-MM-DD)"
        try:
            date.fromisoformat(value)
        except ValueError:
            return "must be a date (YYYY-MM-DD)"
        return None
    if field.type == "select":
        return None if value in (field.options or []) else "must be one of the options"
    if field.type == "checkbox":
        return None if isinstance(value, bool) else "must be true or false"
    return "unknown field type"


def validate_data(schema_raw: dict[str, Any], data: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """Check form data; `complete=False` (drafts) allows required fields to be missing."""
    schema = parse_schema(schema_raw)
    fields = {f.key: f for f in schema.fields}
    problems: dict[str, str] = {}
    for key in data:
        if key not in fields:
            problems[key] = "unknown field"
    for key, field in fields.items():
        value = data.get(key)
        if value is None or value == "":
            if complete and field.required:
                problems[key] = "required"
            continue
        reason = _check(field, value)
        if reason:
            problems[key] = reason
    if problems:
        raise ValidationFailed("form data does not match the template", code="INVALID_FORM_DATA",
                               details={"fields": problems})
    return {k: v for k, v in data.items() if v is not None}
