import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kam.accounts.validators import credit_code_check_char, validate_credit_code
from tests.accounts.helpers import credit_code

# Real-format prefixes: registration authority, organisation kind, region code, organisation code.
PREFIXES = [
    "91610000220530187",  # 9 1 = enterprise; 610000 = 陕西
    "91110000100017643",  # 北京
    "12100000400010398",  # 1 2 = public institution
    "51440300MJL157093",  # social organisation with letters in the body
    "9231000MA1FL0JPXD",
]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_validate_credit_code_accepts_computed_codes(prefix):
    code = credit_code(prefix)
    assert len(code) == 18
    assert validate_credit_code(code) == code


def test_validate_credit_code_upper_cases_and_strips_input():
    code = credit_code("91440300MA5DCBW1K")
    assert validate_credit_code(f" {code.lower()} ") == code


def test_check_char_of_a_published_code():
    # 91350100M000100Y43 is the canonical example used in GB 32100 explanations.
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("9161000022053018", "credit_code_length", "18 位"),
        ("916100002205301877X", "credit_code_length", "19"),
        ("91610000I2053018OX", "credit_code_character", "I、O"),
        ("91610000-20530187X", "credit_code_character", "-"),
        ("91610000S2053018V1", "credit_code_character", "S、V"),
    ],
)
def test_validate_credit_code_rejects_bad_shape(value, code, fragment):
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(value)
    assert raised.value.code == code
    assert fragment in raised.value.messages[0]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_validate_credit_code_rejects_wrong_check_character(prefix):
    good = credit_code(prefix)
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    wrong = next(c for c in charset if c != good[-1])
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(prefix + wrong)
    assert raised.value.code == "credit_code_checksum"
    assert "校验位" in raised.value.messages[0]


def test_validate_credit_code_rejects_a_single_typo():
    good = credit_code("91610000220530187")
    typo = good[:5] + ("3" if good[5] != "3" else "4") + good[6:]
    with pytest.raises(ValidationError):
        validate_credit_code(typo)


CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
prefixes = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@given(prefix=prefixes)
def test_every_computed_code_validates(prefix):
    assert validate_credit_code(credit_code(prefix)) == credit_code(prefix)


@given(prefix=prefixes, position=st.integers(0, 17), shift=st.integers(1, 30))
def test_any_single_character_substitution_is_caught(prefix, position, shift):
    code = credit_code(prefix)
    replaced = CHARSET[(CHARSET.index(code[position]) + shift) % 31]
    typo = code[:position] + replaced + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(typo)
