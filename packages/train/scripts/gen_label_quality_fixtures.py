"""Golden values for @instr/train's label quality (confident learning), from an independent NumPy reference.

cleanlab cannot be installed here (no pip), so this file re-implements, with numpy and scikit-learn only, the
published confident-learning algorithm for multi-label data as cleanlab 2.x documents it:

- `cleanlab.multilabel_classification.filter.find_label_issues` -> `find_multilabel_issues_per_class`: each class
  is a binary problem with `pred_probs = [1 - p, p]` (`stack_complement`) solved by `cleanlab.filter.find_label_issues`;
- `cleanlab.count.get_confident_thresholds`: per given label the mean self-confidence, a label nobody has -> 2,
  clipped below at 2e-6; `compute_confident_joint`: `pred_probs >= thresholds - 1e-6`, two confident sides -> argmax,
  `confusion_matrix(...).T`, diagonal at least 1, `calibrate_confident_joint` + `round_preserving_row_totals`;
- `filter_by`: `prune_by_noise_rate` (default; `_keep_at_least_n_per_class` then the largest margins), `prune_by_class`,
  `both`, `confident_learning`; then "given label == argmax" is never an issue;
- ranking (`return_indices_ranked_by='self_confidence'`) and `multilabel_classification.rank.get_label_quality_scores`:
  per-class self-confidence or normalized margin (optionally `adjust_pred_probs`), EMA with alpha 0.8 over the
  class scores sorted in descending order.

Run with Debian's Python: /usr/bin/python3 packages/train/scripts/gen_label_quality_fixtures.py
Writes packages/train/test/fixtures/label_quality.json. Probabilities are continuous random numbers, so no two
margins tie (numpy's argsort is not stable; the TypeScript side breaks ties by index).
"""
import json
import os

import numpy as np
from sklearn.metrics import confusion_matrix

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")
os.makedirs(OUT, exist_ok=True)

FLOATING_POINT_COMPARISON = 1e-6
CONFIDENT_THRESHOLDS_LOWER_BOUND = 2 * FLOATING_POINT_COMPARISON
TINY_VALUE = 1e-100


def confident_thresholds(labels, pred_probs):
    K = pred_probs.shape[1]
    present = set(labels.tolist())
    t = [np.mean(pred_probs[:, k][labels == k]) if k in present else 2.0 for k in range(K)]
    return np.clip(t, CONFIDENT_THRESHOLDS_LOWER_BOUND, None)


def round_preserving_sum(iterable):
    floats = np.asarray(iterable, dtype=float)
    ints = floats.round()
    orig_sum = np.sum(floats).round()
    int_sum = np.sum(ints).round()
    while abs(int_sum - orig_sum) > FLOATING_POINT_COMPARISON:
        diff = np.round(orig_sum - int_sum)
        increment = -1 if int(diff < 0.0) else 1
        changes = min(int(abs(diff)), len(iterable))
        indices = np.argsort(floats - ints, kind="stable")[::-increment][:changes]
        for i in indices:
            ints[i] = ints[i] + increment
        int_sum = np.sum(ints).round()
    return ints.astype(int)


def calibrate(cj, labels):
    K = len(cj)
    label_counts = np.bincount(labels, minlength=K)
    cal = (cj.T / np.clip(cj.sum(axis=1), TINY_VALUE, None) * label_counts).T
    cal = cal / np.clip(np.sum(cal), TINY_VALUE, None) * sum(label_counts)
    return np.apply_along_axis(round_preserving_sum, 1, cal).astype(int)


def compute_confident_joint(labels, pred_probs, do_calibrate=True):
    K = pred_probs.shape[1]
    thresholds = confident_thresholds(labels, pred_probs)
    pred_probs_bool = pred_probs >= thresholds - 1e-6
    num_confident = pred_probs_bool.sum(axis=1)
    at_least_one = num_confident > 0
    more_than_one = num_confident > 1
    guess = np.where(more_than_one, pred_probs.argmax(axis=1), pred_probs_bool.argmax(axis=1))
    true_conf = guess[at_least_one]
    labels_conf = labels[at_least_one]
    cj = confusion_matrix(y_true=true_conf, y_pred=labels_conf, labels=range(K)).T
    np.fill_diagonal(cj, cj.diagonal().clip(min=1))
    if do_calibrate:
        cj = calibrate(cj, labels)
    off = np.arange(len(labels))[at_least_one][true_conf != labels_conf]
    return cj, off


def keep_at_least_n_per_class(pcm, n):
    diag = np.diagonal(pcm)
    new_diag = np.maximum(diag, n)
    diff = new_diag - diag
    num_noise = np.maximum(np.count_nonzero(pcm, axis=0) - 1.0, 1.0)
    new = pcm - diff / num_noise
    new[new < 0] = 0
    np.fill_diagonal(new, new_diag)
    new = new.astype(int)  # _reduce_prune_counts with frac_noise = 1 keeps values and truncates
    return np.apply_along_axis(round_preserving_sum, 1, new).astype(int)


def binary_issues(labels, pred_probs, filter_by, min_examples=1):
    N, K = pred_probs.shape
    cj, off = compute_confident_joint(labels, pred_probs)
    if filter_by == "confident_learning":
        mask = np.zeros(N, dtype=bool)
        mask[off] = True
    else:
        pcm = keep_at_least_n_per_class(cj.T, min_examples)
        noise = np.zeros(N, dtype=bool)
        byclass = np.zeros(N, dtype=bool)
        for k in range(K):
            rows = np.flatnonzero(labels == k)
            pp = pred_probs[rows]
            m_noise = np.zeros(len(rows), dtype=bool)
            m_class = np.zeros(len(rows), dtype=bool)
            if len(rows) > min_examples:
                for j in range(K):
                    num2prune = pcm[j][k]
                    if k != j and num2prune > 0:
                        margin = pp[:, j] - pp[:, k]
                        m_noise[np.argsort(-margin, kind="stable")[:num2prune]] = True
                num_issues = len(rows) - pcm[k][k]
                if num_issues >= 1:
                    m_class[np.argsort(pp[:, k], kind="stable")[:num_issues]] = True
            if len(rows) > 1:
                noise[rows] = m_noise
                byclass[rows] = m_class
        mask = {"prune_by_noise_rate": noise, "prune_by_class": byclass, "both": noise & byclass}[filter_by]
    pred = pred_probs.argmax(axis=1)
    mask[pred == labels] = False
    return mask


def subtract_confident_thresholds(labels, pred_probs):
    t = confident_thresholds(labels, pred_probs)
    adj = pred_probs - t
    adj += t.max()
    return adj / adj.sum(axis=1, keepdims=True)


def class_scores(y, p, method, adjust):
    N, C = y.shape
    out = np.zeros((N, C))
    for k in range(C):
        labels = y[:, k].astype(int)
        pp = np.column_stack([1 - p[:, k], p[:, k]])
        if adjust:
            pp = subtract_confident_thresholds(labels, pp)
        self_conf = pp[np.arange(N), labels]
        other = pp[np.arange(N), 1 - labels]
        out[:, k] = self_conf if method == "self_confidence" else (self_conf - other + 1) / 2
    return out


def ema(scores, alpha=0.8):
    s = np.fliplr(np.sort(scores, axis=1)).T
    acc = s[0]
    for row in s[1:]:
        acc = alpha * row + (1 - alpha) * acc
    return acc


def case(name, y, p):
    N, C = y.shape
    out = {"name": name, "labels": y.astype(int).tolist(), "probabilities": p.tolist(), "thresholds": [], "joint": []}
    for k in range(C):
        labels = y[:, k].astype(int)
        pp = np.column_stack([1 - p[:, k], p[:, k]])
        out["thresholds"].append(confident_thresholds(labels, pp).tolist())
        out["joint"].append(compute_confident_joint(labels, pp)[0].tolist())
    out["issues"] = {}
    for f in ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning"]:
        masks = np.zeros((N, C), dtype=bool)
        for k in range(C):
            masks[:, k] = binary_issues(y[:, k].astype(int), np.column_stack([1 - p[:, k], p[:, k]]), f)
        out["issues"][f] = [[int(i), int(k)] for i, k in zip(*np.nonzero(masks))]
        if f == "prune_by_noise_rate":
            # cleanlab's ranked example indices: the union of per-class issues by self-confidence EMA score
            idx = np.unique(np.nonzero(masks)[0])
            q = ema(class_scores(y, p, "self_confidence", False))
            out["ranked"] = idx[np.argsort(q[idx], kind="stable")].tolist()
    out["quality"] = {}
    for method in ["self_confidence", "normalized_margin"]:
        for adjust in [False, True]:
            per = class_scores(y, p, method, adjust)
            out["quality"][f"{method}{'_adjusted' if adjust else ''}"] = {
                "scores": ema(per).tolist(),
                "perClass": per.tolist(),
            }
    return out


rng = np.random.default_rng(20261122)


def noisy_case(N, C, flips, base=0.35):
    """Probabilities that mostly agree with the true labels; `flips` given labels flipped."""
    true = (rng.random((N, C)) < base).astype(int)
    logit = np.where(true == 1, 2.0, -2.0) + rng.normal(0, 1.3, (N, C))
    p = 1 / (1 + np.exp(-logit))
    y = true.copy()
    for i, k in zip(rng.choice(N, flips, replace=False), rng.integers(0, C, flips)):
        y[i, k] = 1 - y[i, k]
    return y, p


cases = []
y, p = noisy_case(80, 5, 10)
cases.append(case("noisy-80x5", y, p))
y, p = noisy_case(40, 3, 4, base=0.5)
y[:, 2] = 0  # a class nobody is labelled with (threshold 2 for "present")
y[5, 1] = 1
cases.append(case("absent-class", y, p))
y, p = noisy_case(12, 2, 2, base=0.2)
y[:, 0] = 0
y[3, 0] = 1  # exactly one positive: min_examples_per_class and the "more than one example" rule
cases.append(case("one-positive", y, p))
y, p = noisy_case(30, 4, 0)
p = np.clip(p + rng.normal(0, 0.25, p.shape), 0.001, 0.999)  # a weak model: many confident disagreements
cases.append(case("weak-model", y, p))

with open(os.path.join(OUT, "label_quality.json"), "w") as f:
    json.dump({"generator": "scripts/gen_label_quality_fixtures.py (numpy " + np.__version__ + ")", "cases": cases}, f)
print("wrote", len(cases), "cases")
