"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check
character computed from the first 17. It is the natural dedupe key for Chinese organisations."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def credit_code_check_char(prefix: str) -> str:
    """The check character for a 17-character prefix (already upper-case, legal characters)."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(prefix, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_normalize(value: str) -> str:
    return "".join(value.split()).upper()


def validate_credit_code(value: str) -> str:
    """Return the code upper-cased, or raise ValidationError saying exactly what is wrong."""
    code = credit_code_normalize(value)
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(length)d 位。"),
            code="credit_code_length",
            params={"length": len(code)},
        )
    illegal = sorted({char for char in code if char not in CREDIT_CODE_CHARSET})
    if illegal:
        raise ValidationError(
            _("统一社会信用代码含有非法字符：%(chars)s（不能使用 I、O、Z、S、V 及符号）。"),
            code="credit_code_character",
            params={"chars": "、".join(illegal)},
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对营业执照。"), code="credit_code_checksum"
        )
    return code
