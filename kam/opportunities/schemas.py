from ninja import Schema


class StageOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    order: int
    default_probability: int
    kind: str
    key_milestone_zh: str
    active: bool


class SalesProcessOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    description: str
    is_default: bool
    active: bool
    version: int
    stages: list[StageOut]


class SalesProcessListOut(Schema):
    items: list[SalesProcessOut]
    next_offset: int | None
