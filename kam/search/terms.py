"""Index terms for Chinese and English text, identical on SQLite and PostgreSQL.

Chinese has no spaces, so every run of CJK characters is indexed as its overlapping bigrams
(采购副总 → 采购 购副 副总) followed by the run's last character. A query is turned into terms
the same way and matched as a phrase (consecutive terms), which is an exact substring match for
any query of two or more characters; a one-character query becomes a prefix match. Latin words
and numbers are lowercased whole words, matched by prefix for the last one.
"""

import re
from dataclasses import dataclass

_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK_RANGES}]+|[0-9a-z]+", re.IGNORECASE)
_CJK = re.compile(rf"[{_CJK_RANGES}]")


def _is_cjk(token: str) -> bool:
    return bool(_CJK.match(token))


def tokens(text: str) -> list[str]:
    """The CJK runs and Latin words/numbers of `text` (original case), in reading order."""
    return [match.group(0) for match in _TOKEN.finditer(text or "")]


def text_terms(text: str) -> list[str]:
    """The index terms of `text`, in reading order."""
    terms: list[str] = []
    for token in tokens(text):
        if _is_cjk(token):
            terms.extend(token[i : i + 2] for i in range(len(token) - 1))
            terms.append(token[-1])
        else:
            terms.append(token.lower())
    return terms


@dataclass(frozen=True)
class Phrase:
    """Terms that must appear consecutively; the last one may be a prefix."""

    terms: tuple[str, ...]
    prefix_last: bool


def query_plan(query: str) -> list[Phrase]:
    """Each whitespace-separated part of the query as a phrase (all phrases must match).

    A CJK run contributes its bigrams; when another token follows it inside the same part, the
    run's last character too (that is how the index separates a run from what follows it). A
    one-character run stays as itself. The final term is a prefix when it is a Latin word or a
    lone CJK character, so "clo" finds "cloud" and "副" finds "副总".
    """
    phrases: list[Phrase] = []
    for part in (query or "").split():
        part_tokens = tokens(part)
        terms: list[str] = []
        for position, token in enumerate(part_tokens):
            last = position == len(part_tokens) - 1
            if _is_cjk(token) and len(token) > 1:
                terms.extend(token[i : i + 2] for i in range(len(token) - 1))
                if not last:
                    terms.append(token[-1])
            else:
                terms.append(token.lower())
        if terms:
            final = part_tokens[-1]
            prefix_last = not _is_cjk(final) or len(final) == 1
            phrases.append(Phrase(terms=tuple(terms), prefix_last=prefix_last))
    return phrases


def query_phrases(query: str) -> list[list[str]]:
    """The terms of each phrase of `query_plan` (prefix flags left out)."""
    return [list(phrase.terms) for phrase in query_plan(query)]


def highlight_needles(query: str) -> list[str]:
    """The query's tokens, longest first: what a snippet marks as matched."""
    found = {token.lower() for token in tokens(query)}
    return sorted(found, key=lambda t: (-len(t), t))
