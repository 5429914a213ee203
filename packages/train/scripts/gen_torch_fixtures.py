"""Golden values for @instr/train losses and schedules, from PyTorch.

Run with Debian's Python (it has torch): /usr/bin/python3 packages/train/scripts/gen_torch_fixtures.py
Writes packages/train/test/fixtures/losses.json and schedules.json (float64, small).
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")
os.makedirs(OUT, exist_ok=True)

# ---------------------------------------------------------------------------------------------- losses
g = torch.Generator().manual_seed(7)
N, C = 6, 11
logits0 = (torch.randn(N, C, generator=g) * 2.5)
targets = (torch.rand(N, C, generator=g) < 0.3).double()
targets[0, :] = 0
targets[:, 0] = 1  # every class column used below has positives
targets[1, 4] = 1
pos_weight = torch.tensor([0.5, 1.0, 2.0, 3.0, 1.5, 0.8, 1.2, 4.0, 2.5, 1.0, 0.3])
# IRMAS families of @instr/core's InstrumentSet.irmas() in first-appearance order
families = [[0, 9], [1, 2, 7], [3, 4], [5, 6], [8], [10]]


def bce(x, t, pw=None):
    return F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none")


def focal_standard(x, t, gamma, alpha, pw=None):
    # torchvision.ops.sigmoid_focal_loss (with an optional pos_weight in the inner BCE)
    p = torch.sigmoid(x)
    ce = bce(x, t, pw)
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss.mean()


def focal_reference(x, t, gamma, pw=None):
    p = torch.sigmoid(x).clamp(1e-9, 1 - 1e-9)
    return ((1 - p) ** gamma * bce(x, t, pw)).mean()


def smooth(t, eps):
    return t * (1 - eps) + eps / 2


def family(x, t, factor):
    fl = torch.stack([x[:, g].max(dim=1).values for g in families], dim=1)
    ft = torch.stack([t[:, g].max(dim=1).values for g in families], dim=1)
    return bce(x, t).mean() + factor * F.binary_cross_entropy_with_logits(fl, ft)


cases = {
    "bce": {"config": {}, "fn": lambda x: bce(x, targets).mean()},
    "bce_pos_weight": {"config": {"posWeight": pos_weight.tolist()}, "fn": lambda x: bce(x, targets, pos_weight).mean()},
    "bce_smoothing": {"config": {"labelSmoothing": 0.1}, "fn": lambda x: bce(x, smooth(targets, 0.1)).mean()},
    "bce_sum": {"config": {"reduction": "sum"}, "fn": lambda x: bce(x, targets).sum()},
    "focal_standard": {"config": {"gamma": 2, "alpha": 0.25}, "fn": lambda x: focal_standard(x, targets, 2.0, 0.25)},
    "focal_standard_noalpha_g05": {
        "config": {"gamma": 0.5, "alpha": None},
        "fn": lambda x: focal_standard(x, targets, 0.5, None),
    },
    "focal_standard_smoothing": {
        "config": {"gamma": 2, "alpha": 0.25, "labelSmoothing": 0.1},
        "fn": lambda x: focal_standard(x, smooth(targets, 0.1), 2.0, 0.25),
    },
    "focal_reference": {
        "config": {"variant": "reference", "gamma": 0.5, "posWeight": pos_weight.tolist()},
        "fn": lambda x: focal_reference(x, targets, 0.5, pos_weight),
    },
    "focal_reference_g2": {"config": {"variant": "reference", "gamma": 2}, "fn": lambda x: focal_reference(x, targets, 2.0)},
    "family": {"config": {"familyFactor": 0.8}, "fn": lambda x: family(x, targets, 0.8)},
}
out = {"logits": logits0.tolist(), "targets": targets.tolist(), "families": families, "cases": {}}
for name, case in cases.items():
    x = logits0.clone().requires_grad_(True)
    loss = case["fn"](x)
    loss.backward()
    out["cases"][name] = {"config": case["config"], "loss": loss.item(), "grad": x.grad.tolist()}
with open(os.path.join(OUT, "losses.json"), "w") as f:
    json.dump(out, f)

# ---------------------------------------------------------------------------------------------- schedules


def opt(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def run(sched, o, steps):
    lrs = []
    for _ in range(steps):
        lrs.append(o.param_groups[0]["lr"])
        o.step()
        sched.step()
    return lrs


sch = {}
o = opt(0.1)
s = torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=100)
sch["onecycle_default"] = {"config": {"maxLr": 0.1, "totalSteps": 100}, "lrs": run(s, o, 100)}
o = opt(0.1)
s = torch.optim.lr_scheduler.OneCycleLR(o, max_lr=5e-4, total_steps=57, pct_start=0.25, div_factor=10, final_div_factor=100)
sch["onecycle_custom"] = {
    "config": {"maxLr": 5e-4, "totalSteps": 57, "pctStart": 0.25, "divFactor": 10, "finalDivFactor": 100},
    "lrs": run(s, o, 57),
}
o = opt(0.1)
s = torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=40, anneal_strategy="linear", three_phase=True)
sch["onecycle_linear_three"] = {
    "config": {"maxLr": 0.01, "totalSteps": 40, "annealStrategy": "linear", "threePhase": True},
    "lrs": run(s, o, 40),
}
o = opt(0.05)
s = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-4)
sch["cosine_restarts"] = {"config": {"baseLr": 0.05, "t0": 10, "tMult": 2, "etaMin": 1e-4}, "lrs": run(s, o, 75)}
o = opt(0.05)
s = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=7)
sch["cosine_restarts_t1"] = {"config": {"baseLr": 0.05, "t0": 7}, "lrs": run(s, o, 30)}
o = opt(0.02)
s = torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=8)
sch["linear_warmup"] = {"config": {"baseLr": 0.02, "startFactor": 0.1, "totalIters": 8}, "lrs": run(s, o, 15)}

# ReduceLROnPlateau: metric sequence per epoch, lr after each step(metric)
metrics_max = [0.1, 0.2, 0.25, 0.25, 0.24, 0.25, 0.26, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]
plateau = {}
for name, kw, mets in [
    ("max_p2_c1", dict(mode="max", factor=0.5, patience=2, cooldown=1, min_lr=0.01), metrics_max),
    ("min_p1_abs", dict(mode="min", factor=0.1, patience=1, threshold=0.01, threshold_mode="abs", min_lr=1e-5), [1.0, 0.95, 0.949, 0.94, 0.94, 0.93, 0.9, 0.9, 0.9, 0.9, 0.9]),
    ("max_p0_rel", dict(mode="max", factor=0.3, patience=0, threshold=1e-4, min_lr=0.0, eps=1e-8), metrics_max[:10]),
]:
    o = opt(0.1)
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(o, **kw)
    lrs = []
    for m in mets:
        s.step(m)
        lrs.append(o.param_groups[0]["lr"])
    cfg = {"lr": 0.1, **{ {"min_lr": "minLr", "threshold_mode": "thresholdMode"}.get(k, k): v for k, v in kw.items()}}
    plateau[name] = {"config": cfg, "metrics": mets, "lrs": lrs}
sch["plateau"] = plateau

# Reference head warm-up: lr_warmup * r^k with r = exp(ln(lr/lr_warmup)/(S-1)), k = 0..S-1
S = 12
r = math.exp(math.log(5e-5 / 3e-4) / (S - 1))
sch["head_warmup"] = {"config": {"from": 3e-4, "to": 5e-5, "steps": S}, "lrs": [3e-4 * r**k for k in range(S)]}
with open(os.path.join(OUT, "schedules.json"), "w") as f:
    json.dump(sch, f)
print("wrote", OUT)
