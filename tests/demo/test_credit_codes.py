import pytest

from kam.demo.credit_codes import (
    GOVERNMENT,
    credit_code_check_char,
    credit_code_is_valid,
    credit_code_make,
    organization_code,
)


def test_credit_code_is_valid_when_published_example():
    # the example printed in GB 32100-2015 material
    assert credit_code_is_valid("91350100M000100Y43")


def test_credit_code_is_invalid_when_check_char_or_charset_wrong():
    assert not credit_code_is_valid("91350100M000100Y44")
    assert not credit_code_is_valid("91350100M000100YI3")  # I is not in the charset
    assert not credit_code_is_valid("91350100M000100Y4")


def test_credit_code_check_char_when_body_has_wrong_length():
    with pytest.raises(ValueError):
        credit_code_check_char("9135")


def test_credit_code_make_when_serials_differ():
    codes = {credit_code_make(serial=n) for n in range(2000)}
    assert len(codes) == 2000
    assert all(credit_code_is_valid(code) for code in codes)
    government = credit_code_make(serial=7, region="610100", kind=GOVERNMENT)
    assert government.startswith("11610100")
    assert credit_code_is_valid(government)


def test_organization_code_when_gb11714_check_digit():
    # 12345678 → weights 3,7,9,10,5,8,4,2 → sum 201 → 11 - 201 % 11 = 8
    assert organization_code(12345678) == "123456788"
