"""Index terms for Chinese and English text, identical on SQLite and PostgreSQL.

Chinese has no spaces, so every run of CJK characters is indexed as its overlapping bigrams
(采购副总 → 采购 购副 副总) followed by the run's last character. A query is turned into terms
the same way and matched as a phrase (consecutive terms), which is an exact substring match for
any query of two or more characters; a one-character query becomes a prefix match. Latin words
and numbers are lowercased whole words, matched by prefix for the last one.
"""

import re

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _is_cjk(token: str) -> bool:
    return bool(_CJK.match(token))


def text_terms(text: str) -> list[str]:
    """The index terms of `text`, in reading order."""
    terms: list[str] = []
    for match in _TOKEN.finditer(text or ""):
        token = match.group(0)
        if _is_cjk(token):
            terms.extend(token[i : i + 2] for i in range(len(token) - 1))
            terms.append(token[-1])
        else:
            terms.append(token.lower())
    return terms


def query_phrases(query: str) -> list[list[str]]:
    """Each whitespace-separated part of the query as a phrase of terms (all must match).

    Unlike indexing, a CJK run in a query contributes only its bigrams (the trailing single
    character is an indexing device), and a one-character run stays as itself.
    """
    phrases: list[list[str]] = []
    for part in (query or "").split():
        phrase: list[str] = []
        for match in _TOKEN.finditer(part):
            token = match.group(0)
            if _is_cjk(token) and len(token) > 1:
                phrase.extend(token[i : i + 2] for i in range(len(token) - 1))
            else:
                phrase.append(token.lower())
        if phrase:
            phrases.append(phrase)
    return phrases
