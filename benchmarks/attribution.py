"""Benchmark: technical attribution, the engine against Jaccard and TF-IDF cosine.

1. Quality: `evaluate.run` on the shared ATT&CK bundle for every protocol (held-out items as
   specified, with noise, held-out reports, with noise), seed 0, calibrated on seed 1.
2. Speed: the same generated queries, in one process, ranked by
     engine  `Engine.scores` on the resolved query, then the top 10 by score,
     tfidf   `TfidfCosine.scores` on the resolved query, then the top 10 by score,
   which is the same work; `Engine.attribute` (probabilities, sponsor states and evidence for
   the top 10, which the baseline does not produce) is timed and shown besides.
   Queries are drawn from a seeded generator: a random group, a random 30-100% of its items
   and 0-5 popular items it lacks, as techniques and software.

The last line is `qps_ratio=<engine ranking queries per second / tfidf queries per second>`.

Run: .venv/bin/python benchmarks/attribution.py [--bundle PATH] [--queries N] [--seed N]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cyberdiplomacy.attribution import Engine, GroupProfiles, Observation, evaluate, from_bundle
from cyberdiplomacy.attribution.baselines import TfidfCosine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = ROOT.parent / "shared/data/attack/enterprise-attack-18.1-no-campaigns.json.gz"


def generate(profiles: GroupProfiles, count: int, seed: int) -> list[Observation]:
    """Campaign-like observations: part of one group's items plus popular noise."""
    rng = np.random.default_rng(seed)
    popular = Counter(k for g in profiles.groups for k in g.items)
    keys = sorted(popular)
    weights = np.array([popular[k] for k in keys], dtype=np.float64)
    groups = [g for g in profiles.groups if g.items]
    observations = []
    for _ in range(count):
        items = sorted(groups[rng.integers(len(groups))].items)
        size = max(1, round(rng.uniform(0.3, 1.0) * len(items)))
        chosen = {items[i] for i in rng.choice(len(items), size=size, replace=False)}
        chosen |= {
            keys[i] for i in rng.choice(len(keys), size=rng.integers(6), p=weights / weights.sum())
        }
        kinds = {k: profiles.items[k].kind for k in sorted(chosen)}
        observations.append(
            Observation(
                techniques=tuple(k for k, kind in kinds.items() if kind == "technique"),
                software=tuple(k for k, kind in kinds.items() if kind == "software"),
            )
        )
    return observations


def per_second(answer: Callable[[Observation], object], observations: list[Observation]) -> float:
    start = time.perf_counter()
    for observation in observations:
        answer(observation)
    return len(observations) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start = time.perf_counter()
    profiles = from_bundle(args.bundle)
    print(
        f"profiles: {len(profiles.groups)} groups, {len(profiles.items)} items, "
        f"{time.perf_counter() - start:.2f} s"
    )
    for protocol in evaluate.PROTOCOLS:
        result = evaluate.run(profiles, seed=args.seed, protocol=protocol)
        print(
            f"\n{protocol.name}: {result.queries} queries + {result.unknown_queries} unknown actor"
        )
        for row in result.rows():
            print("  ".join(f"{cell:>8}" for cell in row))

    observations = generate(profiles, args.queries, args.seed)
    start = time.perf_counter()
    engine = Engine(profiles)
    tfidf = TfidfCosine(profiles)
    print(f"\nbuild engine + tfidf: {time.perf_counter() - start:.3f} s")

    def top10(ranker: Engine | TfidfCosine) -> Callable[[Observation], object]:
        def rank(observation: Observation) -> object:
            scores = ranker.scores(profiles.resolve(observation))
            return np.argsort(-scores, kind="stable")[:10]

        return rank

    engine_qps = per_second(top10(engine), observations)
    tfidf_qps = per_second(top10(tfidf), observations)
    attribute_qps = per_second(engine.attribute, observations)
    print(f"{len(observations)} queries: engine ranking {engine_qps:,.0f}/s, ", end="")
    print(
        f"tfidf ranking {tfidf_qps:,.0f}/s, engine.attribute with evidence {attribute_qps:,.0f}/s"
    )
    print(f"qps_ratio={engine_qps / tfidf_qps:.3f}")


if __name__ == "__main__":
    main()
