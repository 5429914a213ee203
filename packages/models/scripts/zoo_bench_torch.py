#!/usr/bin/python3
"""PyTorch side of bench/zoo.ts: builds one zoo config (the nets of zoo_gen_torch.py) and times AdamW train steps.

Usage: /usr/bin/python3 zoo_bench_torch.py '<model config json>' '<input shape json>' <threads>
Prints "ready" once built, then answers each stdin line: "step" → the step time in ms, "rss" → peak RSS in MB
(so the caller can interleave PyTorch and ORT steps under the same machine load).
"""
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zoo_gen_torch import IRMAS, Model  # noqa: E402


def main():
    cfg = json.loads(sys.argv[1])
    shape = json.loads(sys.argv[2])
    torch.set_num_threads(int(sys.argv[3]))
    torch.manual_seed(0)
    net = Model(cfg)
    classes = len(cfg.get('instruments', IRMAS))
    x = torch.randn(shape)
    t = (torch.rand(shape[0], classes) < 0.3).float()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    net.train()
    print('ready', flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == 'step':
            s = time.perf_counter()
            opt.zero_grad()
            loss = loss_fn(net(x), t)
            loss.backward()
            opt.step()
            print((time.perf_counter() - s) * 1000, flush=True)
        elif cmd == 'rss':
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)

if __name__ == '__main__':
    main()
