"""Which earlier roll calls are most like a draft: TF-IDF over titles and descriptions.

Most General Assembly resolutions come back every year under the same or a close title, so the
nearest earlier texts are the best single guide to a draft's vote. Words (unigrams and bigrams
of letters only, English stop words removed) are weighted by sublinear TF-IDF, and drafts are
compared with roll calls by cosine similarity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from cyberdiplomacy.knowledge.votes import VoteTable

MIN_SIMILARITY = 0.1  # below this, a shared word or two: not worth showing as "similar"


@dataclass(frozen=True)
class SimilarResolution:
    """An earlier roll call like the draft."""

    symbol: str | None
    title: str
    session: int
    similarity: float


class TitleIndex:
    """TF-IDF vectors of every roll call of a table, to rank them against a draft's text."""

    def __init__(self, table: VoteTable) -> None:
        self.table = table
        self.vectorizer = TfidfVectorizer(
            stop_words="english",
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        )
        texts = [f"{t} {d or ''}" for t, d in zip(table.titles, table.descriptions, strict=True)]
        self.matrix = self.vectorizer.fit_transform(texts)

    def similarity(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Cosine similarity of each text (rows) to every roll call (columns)."""
        return np.asarray((self.vectorizer.transform(texts) @ self.matrix.T).toarray())

    def similar(self, text: str, session: int, k: int = 5) -> list[SimilarResolution]:
        """The `k` roll calls before `session` most like `text` (the latest first among equals)."""
        sim = self.similarity([text])[0]
        sim[self.table.sessions >= session] = 0.0
        order = np.lexsort((-self.table.sessions, -np.round(sim, 6)))
        return [
            SimilarResolution(
                symbol=self.table.symbols[i],
                title=self.table.titles[i],
                session=int(self.table.sessions[i]),
                similarity=round(float(sim[i]), 4),
            )
            for i in order[:k]
            if sim[i] >= MIN_SIMILARITY
        ]
