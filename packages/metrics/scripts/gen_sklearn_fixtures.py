#!/usr/bin/python3
"""Golden fixtures for @instr/metrics from scikit-learn (Debian's python3-sklearn) and numpy.

Run from the repository root with Debian's interpreter (it has scikit-learn):

    /usr/bin/python3 packages/metrics/scripts/gen_sklearn_fixtures.py

Writes packages/metrics/test/fixtures/sklearn_<case>.json and lwlrap_handmade.json. Non-finite numbers are
encoded as the strings "nan", "inf" and "-inf" (JSON has no literal for them).

Notes on versions: the values come from the installed scikit-learn (1.2 on Debian bookworm). Two
documented differences from newer scikit-learn are applied here so the fixtures describe the behaviour
@instr/metrics implements:
  * roc_curve's first threshold is +inf (scikit-learn >= 1.3) instead of max(score) + 1 (1.2);
  * roc_auc_score raises for a class with one label value; the fixture stores NaN for that class and
    averages over defined classes only is checked in the TypeScript tests, not here.
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.calibration import calibration_curve

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")


def enc(x):
    """JSON-safe conversion with non-finite numbers as strings."""
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
    if isinstance(x, (np.floating, float)):
        x = float(x)
        if np.isnan(x):
            return "nan"
        if np.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


# ---------------------------------------------------------------- Freesound lwlrap (reference formula)
def _one_sample_positive_class_precisions(scores, truth):
    """Dan Ellis's DCASE 2019 / Kaggle Freesound implementation, with a stable argsort so that tied
    scores are ordered deterministically (numpy's default sort is stable for <= 16 items anyway):
    among equal scores, the higher class index is ranked first."""
    num_classes = scores.shape[0]
    pos_class_indices = np.flatnonzero(truth > 0)
    if not len(pos_class_indices):
        return pos_class_indices, np.zeros(0)
    retrieved_classes = np.argsort(scores, kind="stable")[::-1]
    class_rankings = np.zeros(num_classes, dtype=int)
    class_rankings[retrieved_classes] = range(num_classes)
    retrieved_class_true = np.zeros(num_classes, dtype=bool)
    retrieved_class_true[class_rankings[pos_class_indices]] = True
    retrieved_cumulative_hits = np.cumsum(retrieved_class_true)
    precision_at_hits = retrieved_cumulative_hits[class_rankings[pos_class_indices]] / (
        1 + class_rankings[pos_class_indices].astype(float)
    )
    return pos_class_indices, precision_at_hits


def calculate_per_class_lwlrap(truth, scores):
    num_samples, num_classes = scores.shape
    precisions = np.zeros((num_samples, num_classes))
    for s in range(num_samples):
        idx, prec = _one_sample_positive_class_precisions(scores[s, :], truth[s, :])
        precisions[s, idx] = prec
    labels_per_class = np.sum(truth > 0, axis=0)
    weight_per_class = labels_per_class / float(max(1, np.sum(labels_per_class)))
    per_class = np.sum(precisions, axis=0) / np.maximum(1, labels_per_class)
    return per_class, weight_per_class


def lwlrap_reference(truth, scores):
    per_class, weights = calculate_per_class_lwlrap(truth, scores)
    return per_class, weights, float(np.sum(per_class * weights))


# ---------------------------------------------------------------- helpers
def maybe(fn):
    try:
        return fn()
    except ValueError:
        return None


def roc_binary(yt, ys, drop):
    fpr, tpr, thr = M.roc_curve(yt, ys, drop_intermediate=drop)
    thr = thr.astype(float)
    thr[0] = np.inf  # scikit-learn >= 1.3 convention
    return {"fpr": fpr, "tpr": tpr, "thresholds": thr}


def case(name, y_true, y_score, threshold=0.5, extra=None):
    y_true = np.asarray(y_true, dtype=float)
    y_score = np.asarray(y_score, dtype=float)
    n, k = y_true.shape
    y_pred = (y_score >= threshold).astype(float)
    out = {"name": name, "threshold": threshold, "yTrue": y_true, "yScore": y_score, "yPred": y_pred}
    out["hammingLoss"] = M.hamming_loss(y_true, y_pred)
    out["subsetAccuracy"] = M.accuracy_score(y_true, y_pred)
    # A one-column matrix is "binary" to scikit-learn, which then also scores label 0; labels=[1] keeps
    # the multi-label meaning (one class, the positives).
    lab = None if k > 1 else [1]
    out["mcm"] = M.multilabel_confusion_matrix(y_true, y_pred, labels=lab)
    prf = {}
    for zd in ["warn", 0, 1]:
        for avg in [None, "micro", "macro", "weighted", "samples"]:
            for beta in [1.0, 0.5, 2.0]:
                res = maybe(lambda avg=avg, beta=beta, zd=zd: M.precision_recall_fscore_support(
                    y_true, y_pred, beta=beta, average=avg, zero_division=zd, labels=lab
                ))
                if res is not None:
                    prf[f"{zd}|{avg or 'none'}|{beta}"] = {"precision": res[0], "recall": res[1], "f": res[2]}
    out["prf"] = prf
    # per-example values: the reference transposes y so each example acts as a label
    for zd in [0, 1]:
        p, r, f, _ = M.precision_recall_fscore_support(
            y_true.T, y_pred.T, average=None, zero_division=zd, labels=None if n > 1 else [1]
        )
        out[f"perExample|{zd}"] = {"precision": p, "recall": r, "f1": f}
    # ranking curves and scores
    out["roc"] = [roc_binary(y_true[:, c], y_score[:, c], True) for c in range(k)]
    out["rocFull"] = [roc_binary(y_true[:, c], y_score[:, c], False) for c in range(k)]
    out["rocAucPerClass"] = [
        (maybe(lambda c=c: M.roc_auc_score(y_true[:, c], y_score[:, c])) or float("nan")) for c in range(k)
    ]
    out["rocAuc"] = {
        avg: maybe(lambda avg=avg: M.roc_auc_score(y_true, y_score, average=avg))
        for avg in ["macro", "micro", "weighted", "samples"]
    }
    pr = []
    for c in range(k):
        p, r, t = M.precision_recall_curve(y_true[:, c], y_score[:, c])
        pr.append({"precision": p, "recall": r, "thresholds": t})
    out["pr"] = pr
    out["apPerClass"] = M.average_precision_score(y_true, y_score, average=None) if k > 1 else [
        M.average_precision_score(y_true[:, 0], y_score[:, 0])
    ]
    out["ap"] = {
        avg: maybe(lambda avg=avg: M.average_precision_score(y_true, y_score, average=avg))
        for avg in ["macro", "micro", "weighted", "samples"]
    }
    out["lrap"] = maybe(lambda: M.label_ranking_average_precision_score(y_true, y_score))
    out["coverageError"] = maybe(lambda: M.coverage_error(y_true, y_score))
    out["labelRankingLoss"] = maybe(lambda: M.label_ranking_loss(y_true, y_score))
    per_class, weights, overall = lwlrap_reference(y_true, y_score)
    out["lwlrap"] = {"perClass": per_class, "weights": weights, "overall": overall}
    pos = y_true.sum(axis=1)
    if pos.sum() > 0:
        out["lrapWeightedByPositives"] = maybe(lambda: M.label_ranking_average_precision_score(
            y_true, y_score, sample_weight=pos
        ))
    # calibration over all (example, class) pairs, 10 equal-width bins
    flat_t, flat_p = y_true.ravel(), y_score.ravel()
    if 0 < flat_t.sum() < flat_t.size and flat_p.min() >= 0 and flat_p.max() <= 1:
        prob_true, prob_pred = calibration_curve(flat_t, flat_p, n_bins=10, strategy="uniform")
        bins = np.linspace(0.0, 1.0, 11)
        binids = np.searchsorted(bins[1:-1], flat_p)
        counts = np.bincount(binids, minlength=10)
        nz = counts > 0
        ece = float(np.sum(counts[nz] / flat_p.size * np.abs(prob_true - prob_pred)))
        out["calibration"] = {"probTrue": prob_true, "probPred": prob_pred, "counts": counts, "ece": ece}
    pairs = np.zeros((k, k, 2, 2), dtype=int)
    for a in range(k):
        for b in range(k):
            pairs[a, b] = M.confusion_matrix(y_true[:, a], y_pred[:, b], labels=[0, 1])
    out["pairConfusion2x2"] = pairs
    if extra:
        out.update(extra(y_true, y_score))
    return out


def reference_threshold_search(y_true, y_score):
    """The reference's global search (coarse 1000 in [0,1], then 1000 in [t-0.1, t+0.1] clipped to
    [0,1]), scored by macro F1 (zero_division 0) of y_score >= t; best over both grids, first maximum."""
    def f1(t):
        return M.f1_score(y_true, (y_score >= t).astype(float), average="macro", zero_division=0)

    coarse = np.linspace(0.0, 1.0, 1000)
    cs = np.array([f1(t) for t in coarse])
    t0 = coarse[int(np.argmax(cs))]
    fine = np.linspace(max(0.0, t0 - 0.1), min(1.0, t0 + 0.1), 1000)
    fs = np.array([f1(t) for t in fine])
    best = float(cs.max())
    thr = float(t0)
    if fs.max() > best:
        best = float(fs.max())
        thr = float(fine[int(np.argmax(fs))])
    per_class = []
    for c in range(y_true.shape[1]):
        def f1c(t, c=c):
            return M.f1_score(y_true[:, c], (y_score[:, c] >= t).astype(float), zero_division=0)

        cc = np.array([f1c(t) for t in coarse])
        tc = coarse[int(np.argmax(cc))]
        fc_grid = np.linspace(max(0.0, tc - 0.1), min(1.0, tc + 0.1), 1000)
        fc = np.array([f1c(t) for t in fc_grid])
        if fc.max() > cc.max():
            per_class.append({"threshold": float(fc_grid[int(np.argmax(fc))]), "score": float(fc.max())})
        else:
            per_class.append({"threshold": float(tc), "score": float(cc.max())})
    return {"thresholdSearch": {"global": {"threshold": thr, "score": best}, "perClass": per_class}}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240601)
    cases = []

    def rand_case(n, k, p=0.3, noise=0.35):
        y = (rng.random((n, k)) < p).astype(float)
        s = np.clip(0.5 * y + 0.5 * rng.random((n, k)) + noise * (rng.random((n, k)) - 0.5), 0, 1)
        return y, s

    y, s = rand_case(6, 4)
    y[:, 1] = 0  # a class with no positives
    y[:, 2] = 1  # a class with no negatives
    cases.append(case("no_pos_no_neg", y, s))

    y, s = rand_case(12, 5)
    cases.append(case("all_zero_pred", y, s * 0.4))  # every score < 0.5 -> no predictions

    y, s = rand_case(30, 4, p=0.4)
    s = np.round(s * 4) / 4  # heavy ties (5 distinct values)
    cases.append(case("ties", y, s))

    cases.append(case("single_example", [[1, 0, 1, 0, 0]], [[0.9, 0.2, 0.4, 0.6, 0.1]]))

    y = np.zeros((8, 3))
    s = rng.random((8, 3))
    cases.append(case("all_negative", y, s))

    y, s = rand_case(40, 1, p=0.5)
    cases.append(case("one_class", y, s))

    y, s = rand_case(25, 3)
    cases.append(case("random_25x3", y, s))
    y, s = rand_case(120, 11, p=0.2)
    y[0] = 0  # an example with no labels
    cases.append(case("random_120x11", y, s, extra=reference_threshold_search))
    y, s = rand_case(400, 6, p=0.35, noise=0.6)
    cases.append(case("random_400x6", y, s, threshold=0.3))

    for c in cases:
        with open(os.path.join(OUT, f"sklearn_{c['name']}.json"), "w") as f:
            json.dump(enc(c), f, separators=(",", ":"))

    # Hand-made lwlrap cases (including ties); the reference formula only.
    hand = []
    for truth, scores in [
        ([[1, 0, 0], [0, 1, 1]], [[0.9, 0.5, 0.1], [0.9, 0.5, 0.1]]),
        ([[1, 0, 1, 0]], [[0.1, 0.2, 0.3, 0.4]]),
        ([[0, 0, 0], [1, 1, 1]], [[0.3, 0.2, 0.1], [0.3, 0.2, 0.1]]),
        ([[1, 0], [1, 0], [0, 1]], [[0.5, 0.5], [0.2, 0.8], [0.6, 0.4]]),
        ([[1, 1, 0, 0], [0, 0, 1, 1]], [[0.5, 0.5, 0.5, 0.5], [0.25, 0.5, 0.5, 0.75]]),
        ([[0, 1, 0, 0, 1, 0]], [[0.6, 0.6, 0.1, 0.6, 0.2, 0.3]]),
    ]:
        t = np.asarray(truth, dtype=float)
        sc = np.asarray(scores, dtype=float)
        pc, w, ov = lwlrap_reference(t, sc)
        hand.append({"yTrue": t, "yScore": sc, "perClass": pc, "weights": w, "overall": ov})
    with open(os.path.join(OUT, "lwlrap_handmade.json"), "w") as f:
        json.dump(enc({"sklearn": sklearn.__version__, "cases": hand}), f, separators=(",", ":"))
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}: wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    sys.exit(main())
