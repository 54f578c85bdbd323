"""Relevance of scoring on candidates against the dense blend, same fitted model, same split.

    python bench/bench_candidates.py [--only movielens,beer,sample,1m,heldout-1m]
                                     [--root /tmp/kptui-scale] [--viewers 5000]

Above `recommend.EXACT_BUDGET` (viewers x videos) each viewer is scored on candidates only
(engine/candidates.py); below it every video is scored. This fits one recommender per data
set on a leave-last-out split (`realdata.leave_last_out`: each viewer's latest video held
out) and measures HR@10 and NDCG@10 of both paths on the same viewers (at most --viewers of
them), with the seconds each took. Data: MovieLens small, Stack Exchange beer and the
bundled sample (bench/realdata.py), and 1M interactions from `kptui data sample` and from
bench_scale.py's held-out generator (written under --root once). The candidate path must
find the held-out video at least as often as the dense one (issue 17: relevance unchanged
or better).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_recommend_real as br
import bench_scale
import realdata

from kptui.engine import io, profiles
from kptui.engine.personas import fit_personas
from kptui.engine.recommend import fit_recommender

NAMES = ("movielens", "beer", "sample", "1m", "heldout-1m")


def dataset(name: str, root: Path):
    if name in realdata.NAMES:
        return realdata.load(name)
    if name.startswith("heldout-"):
        return io.load_dataset(bench_scale.heldout_data(root, name.removeprefix("heldout-")))
    return io.load_dataset(bench_scale.sample_data(root, name))


def run(name: str, root: Path, viewers: int) -> list[tuple[str, float, float, float]]:
    train, test = realdata.leave_last_out(dataset(name, root))
    if test.height > viewers:
        test = test.sample(n=viewers, seed=0).sort("user_id")
    case = br.Case(train, test)
    cont = profiles.content(case.train.videos)
    rec = fit_recommender(
        case.train, fit_personas(case.train, eng=case.eng, cont=cont), eng=case.eng, cont=cont
    )
    out = []
    for label, exact in (("dense (every video)", True), ("candidates", False)):
        rec.exact = exact
        starts = iter(range(0, len(case.rows), 1024))

        def score(rows, starts=starts):
            start = next(starts)
            return rec.viewer_scores(case.rows[start : start + rows.shape[0]])

        t0 = time.perf_counter()
        hr, ndcg, _ = br.metrics(score, case.x, case.target)
        out.append((label, hr, ndcg, time.perf_counter() - t0))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(NAMES))
    ap.add_argument("--root", default="/tmp/kptui-scale")
    ap.add_argument("--viewers", type=int, default=5000)
    args = ap.parse_args()
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'data':<12}{'scoring':<22}{'HR@10':>8}{'NDCG@10':>9}{'secs':>7}")
    verdicts = []
    for name in [n for n in args.only.split(",") if n]:
        rows = run(name, root, args.viewers)
        for label, hr, ndcg, secs in rows:
            print(f"{name:<12}{label:<22}{hr:>8.4f}{ndcg:>9.4f}{secs:>7.1f}")
        (_, hr_d, nd_d, _), (_, hr_c, nd_c, _) = rows
        verdicts.append(f"{name}: HR@10 {hr_c / hr_d:.3f}x, NDCG@10 {nd_c / nd_d:.3f}x dense")
    print("\n" + "\n".join(verdicts) if verdicts else "")


if __name__ == "__main__":
    main()
