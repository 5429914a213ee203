#!/usr/bin/python3
"""PyTorch CPU reference timings for the reference CNN (2 threads): train step (AdamW) and eval forward.
Prints one JSON line: {"train_ms": median, "eval_ms": median, "peak_rss_mb": ...}."""
import json
import resource
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
BATCH = int(sys.argv[2]) if len(sys.argv) > 2 else 32
REPS = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 5
CH = [1, 32, 64, 128, 256]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(CH[i], CH[i + 1], 3, padding=1, bias=False) for i in range(4)])
        self.bns = nn.ModuleList([nn.BatchNorm2d(CH[i + 1]) for i in range(4)])
        self.fc1 = nn.Linear(512, 128)
        self.fc2 = nn.Linear(128, 11)

    def forward(self, x):
        for c, b in zip(self.convs, self.bns):
            x = nn.functional.avg_pool2d(torch.relu(b(c(x))), 2)
        x = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], 1)
        return self.fc2(torch.relu(self.fc1(x)))


net = Net()
x = torch.randn(BATCH, 1, 128, 128)
t = (torch.rand(BATCH, 11) < 0.3).float()
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
loss_fn = nn.BCEWithLogitsLoss()


def step():
    opt.zero_grad()
    loss = loss_fn(net(x), t)
    loss.backward()
    opt.step()


def median(f):
    f()
    f()
    ts = []
    for _ in range(REPS):
        s = time.perf_counter()
        f()
        ts.append((time.perf_counter() - s) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


if '--serve' in sys.argv:
    # Interleaved mode: one command per line ("train" or "eval"), answers the elapsed ms, so the caller can
    # alternate PyTorch and ONNX Runtime runs under the same machine load.
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == 'rss':
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
            continue
        if cmd == 'train':
            net.train()
            s = time.perf_counter()
            step()
        else:
            net.eval()
            with torch.no_grad():
                s = time.perf_counter()
                net(x)
        print((time.perf_counter() - s) * 1000, flush=True)
    sys.exit(0)

net.train()
train_ms = median(step)
net.eval()
with torch.no_grad():
    eval_ms = median(lambda: net(x))
print(json.dumps({'train_ms': train_ms, 'eval_ms': eval_ms, 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
