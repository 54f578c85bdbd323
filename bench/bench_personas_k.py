"""What `k=auto` gives, from 500 to 100,000 viewers: is every persona one a creator can act on?

For the real dev datasets (`bench/realdata.py`), the bundled sample and generated samples of
500, 5,000 and 100,000 viewers: viewers, the k chosen, the smallest persona's share, the
silhouette and `k_note` (the trade-off as the card states it), and each persona's label and
first words. Goals (issue 14): k >= 5 from 500 viewers, no persona under 3% of viewers,
labels and words free of function words (checked here against `FUNCTION_WORDS` and the
stop-word lists).

Usage: python bench/bench_personas_k.py [--skip-large]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realdata

from kptui.engine import personas as P
from kptui.engine import text as tx
from kptui.engine.sample import generate


def report(name: str, dataset) -> bool:
    t0 = time.perf_counter()
    model = P.fit_personas(dataset, k="auto")
    secs = time.perf_counter() - t0
    smallest = min(c["share"] for c in model.cards)
    bad = set()
    for card in model.cards:
        for w in card["top_terms"] + card["top_tags"] + card["label"].split(" · "):
            if w.lower() in P.FUNCTION_WORDS or w.lower() in tx.STOP_WORDS:
                bad.add(w)
    ok = (len(model.user_ids) < 500 or model.k >= 5) and smallest >= P.MIN_SHARE and not bad
    print(
        f"\n== {name}: {len(model.user_ids):,} viewers, k={model.k}, smallest persona "
        f"{smallest:.1%}, fit {secs:.1f} s, {'OK' if ok else 'NOT OK'}"
        + (f"; function words: {sorted(bad)}" if bad else "")
    )
    print(f"   {model.k_note}")
    for card in model.cards:
        words = ", ".join(card["top_terms"][:6])
        print(f"   #{card['id']} {card['share']:.1%} {card['label']} | {words}")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-large", action="store_true", help="no 100,000-viewer sample")
    args = ap.parse_args()
    cases = [(name, lambda n=name: realdata.load(n)) for name in realdata.NAMES]
    sizes = [500, 5000] + ([] if args.skip_large else [100_000])
    for users in sizes:
        cases.append(
            (
                f"generated {users:,}",
                lambda u=users: generate(users=u, videos=max(120, u // 20), seed=1).dataset(),
            )
        )
    results = [report(name, make()) for name, make in cases]
    print(f"\n{sum(results)}/{len(results)} cases OK")


if __name__ == "__main__":
    main()
