"""Pure tests of the term scheme: a query's phrase is found in any text containing the query."""

import string

from hypothesis import given
from hypothesis import strategies as st

from kam.search.terms import Phrase, query_phrases, query_plan, text_terms

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)


def contains_phrase(terms: list[str], phrase: Phrase) -> bool:
    n = len(phrase.terms)
    for start in range(len(terms) - n + 1):
        window = terms[start : start + n]
        head_ok = window[:-1] == list(phrase.terms[:-1])
        last = window[-1]
        last_ok = (
            last.startswith(phrase.terms[-1]) if phrase.prefix_last else last == phrase.terms[-1]
        )
        if head_ok and last_ok:
            return True
    return False


def test_text_terms_splits_chinese_into_bigrams_plus_last_char():
    assert text_terms("采购副总") == ["采购", "购副", "副总", "总"]
    assert text_terms("见了Huawei的5G专网") == ["见了", "了", "huawei", "的", "5g", "专网", "网"]
    assert text_terms("") == []


def test_query_plan_marks_prefixes():
    assert query_plan("采购副总") == [Phrase(("采购", "购副", "副总"), prefix_last=False)]
    assert query_plan("副") == [Phrase(("副",), prefix_last=True)]
    assert query_plan("Cloud") == [Phrase(("cloud",), prefix_last=True)]
    assert query_plan("5G 专网") == [
        Phrase(("5g",), prefix_last=True),
        Phrase(("专网",), prefix_last=False),
    ]
    # A CJK run followed by more terms keeps its last character, as the index does.
    assert query_phrases("专网5G") == [["专网", "网", "5g"]]
    assert query_plan("  ,，。 ") == []


def test_order_matters_for_bigrams():
    terms = text_terms("今天见了采购副总")
    assert not any(contains_phrase(terms, p) for p in query_plan("副采"))
    assert not any(contains_phrase(terms, p) for p in query_plan("总副"))
    assert all(contains_phrase(terms, p) for p in query_plan("采购副总"))


@given(st.text(alphabet=CJK, min_size=2, max_size=40), st.data())
def test_every_cjk_substring_is_found(s, data):
    start = data.draw(st.integers(0, len(s) - 2))
    end = data.draw(st.integers(start + 2, len(s)))
    t = s[start:end]
    phrases = query_plan(t)
    assert len(phrases) == 1
    assert contains_phrase(text_terms(s), phrases[0])
    # The plain form too: the terms of the substring appear consecutively in the text's terms.
    words = query_phrases(t)[0]
    terms = text_terms(s)
    assert any(terms[i : i + len(words)] == words for i in range(len(terms)))


MIXED = st.text(alphabet="采购副总张伟专网" + "abcXYZ" + "0159" + " ,-", min_size=1, max_size=40)


@given(MIXED, st.data())
def test_every_word_aligned_substring_of_mixed_text_is_found(s, data):
    start = data.draw(st.integers(0, len(s) - 1))
    end = data.draw(st.integers(start + 1, len(s)))
    alnum = set(string.ascii_letters + string.digits)
    # A search matches Latin words from their start: don't cut a word on the left.
    if start > 0 and s[start - 1] in alnum and s[start] in alnum:
        return
    t = s[start:end]
    terms = text_terms(s)
    for phrase in query_plan(t):
        assert contains_phrase(terms, phrase), (s, t, phrase)
