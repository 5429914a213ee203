#!/usr/bin/python3
"""PyTorch reference for the training engine (run with Debian's /usr/bin/python3, python3-torch).

Builds the reference CNN of ARCHITECTURE.md with the same deterministic (LCG) initial weights and batch as
packages/models/test/reference-cnn.ts, runs 3 AdamW steps (lr 1e-3, weight decay 0.01 on weights only,
as instr's default "no decay for biases and norm parameters") on one batch of 2 in train mode, and writes:
  test/fixtures/parity/reference.json  losses and logits per step, tensor names/shapes/offsets
  test/fixtures/parity/final.bin       every parameter and buffer after step 3, float32 little-endian
Usage: /usr/bin/python3 packages/models/scripts/gen_torch_parity.py
"""
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'parity')
CH = [1, 32, 64, 128, 256]
CLASSES = 11
BATCH = 2


def lcg(seed, n, fn):
    x = seed & 0xFFFFFFFF
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        x = (1664525 * x + 1013904223) & 0xFFFFFFFF
        out[i] = x / 4294967296.0
    return fn(out).astype(np.float32)


def uniform_init(shape, fan_in, k):
    bound = 1 / np.sqrt(fan_in)
    n = int(np.prod(shape))
    seed = ((k + 1) * 2654435761) & 0xFFFFFFFF
    # same float32 rounding as the TS side: (2u - 1) * bound computed in float64 then cast
    return torch.from_numpy(lcg(seed, n, lambda u: (2 * u - 1) * bound).reshape(shape))


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        for i in range(4):
            setattr(self, f'block{i + 1}', Block(CH[i], CH[i + 1]))
        self.fc1 = nn.Linear(512, 128)
        self.fc2 = nn.Linear(128, CLASSES)

    def forward(self, x):
        for i in range(4):
            blk = getattr(self, f'block{i + 1}')
            x = nn.functional.avg_pool2d(torch.relu(blk.bn(blk.conv(x))), 2)
        x = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], 1)
        return self.fc2(torch.relu(self.fc1(x)))


def main():
    torch.set_num_threads(1)
    net = Net()
    k = 0
    with torch.no_grad():
        for i in range(4):
            blk = getattr(net, f'block{i + 1}')
            blk.conv.weight.copy_(uniform_init(blk.conv.weight.shape, CH[i] * 9, k)); k += 1
        net.fc1.weight.copy_(uniform_init((128, 512), 512, k)); k += 1
        net.fc1.bias.copy_(uniform_init((128,), 512, k)); k += 1
        net.fc2.weight.copy_(uniform_init((CLASSES, 128), 128, k)); k += 1
        net.fc2.bias.copy_(uniform_init((CLASSES,), 128, k)); k += 1
    x = torch.from_numpy(lcg(4, BATCH * 128 * 128, lambda u: 2 * u - 1).reshape(BATCH, 1, 128, 128))
    t = torch.from_numpy(lcg(777, BATCH * CLASSES, lambda u: (u < 0.3).astype(np.float64)).reshape(BATCH, CLASSES))
    decay = [p for p in net.parameters() if p.dim() >= 2]
    no_decay = [p for p in net.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': no_decay, 'weight_decay': 0.0}], lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    net.train()
    losses, logits = [], []
    for _ in range(3):
        opt.zero_grad()
        y = net(x)
        loss = loss_fn(y, t)
        loss.backward()
        opt.step()
        losses.append(float(loss))
        logits.append(y.detach().numpy().reshape(-1).tolist())
    os.makedirs(OUT, exist_ok=True)
    tensors, blobs, offset = [], [], 0
    for name, v in net.state_dict().items():
        if name.endswith('num_batches_tracked'):
            continue
        a = v.detach().numpy().astype('<f4').reshape(-1)
        tensors.append({'name': name, 'shape': list(v.shape), 'offset': offset})
        blobs.append(a.tobytes())
        offset += a.size
    with open(os.path.join(OUT, 'final.bin'), 'wb') as f:
        f.write(b''.join(blobs))
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'batch': BATCH, 'losses': losses, 'logits': logits, 'tensors': tensors}, f)
    print('losses', losses)


if __name__ == '__main__':
    main()
