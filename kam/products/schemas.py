from ninja import Schema
from pydantic import Field


class ProductIn(Schema):
    line_id: int
    code: str
    name: str
    name_en: str = ""
    unit: str
    list_price: str = Field(description='Decimal as a string, e.g. "1234.50"; never a float.')
    tax_rate: str = Field("0.13", description="One of 0.00, 0.06, 0.09, 0.13.")
    description: str = ""


class ProductPatch(Schema):
    """Only the fields sent are changed; `version` is the one the change is based on."""

    version: int
    line_id: int | None = None
    code: str | None = None
    name: str | None = None
    name_en: str | None = None
    unit: str | None = None
    list_price: str | None = None
    tax_rate: str | None = None
    description: str | None = None
    reason: str = ""


class ProductOut(Schema):
    id: int
    line_id: int
    line_name: str
    code: str
    name: str
    name_en: str
    unit: str
    list_price: str = Field(description="Decimal as a string with two places.")
    tax_rate: str
    description: str
    active: bool
    version: int


class ProductListOut(Schema):
    items: list[ProductOut]
    next_offset: int | None


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str
