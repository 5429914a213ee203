"""Python side of bench/signal-resample.ts (run by it with Debian's /usr/bin/python3).

Usage: gen_signal_resample_bench.py <workdir>
Reads <workdir>/input.npy (float32, 60 s at 44.1 kHz) and every <workdir>/ours_<tag>.npy written by the
bench, and prints one JSON object:
  - times (best of 7, ms, single thread) of torchaudio.functional.resample (defaults) and
    scipy.signal.resample_poly (defaults) for 44.1 kHz -> 16 kHz;
  - the passband SNR (dB, up to 0.9 x the output Nyquist) of our outputs (also on the real clips
    real_<tag>_<from>_<to>.npy the bench writes) and of torchaudio's against a
    long-kernel reference: scipy resample_poly with a Kaiser (beta 14) filter of 256 zero crossings
    at the output rate, cutoff at the output Nyquist.
"""
import json
import os
import sys
import time

import numpy as np
import scipy.signal as ss

work = sys.argv[1]
x = np.load(os.path.join(work, 'input.npy'))
out = {'times': {}, 'snr': {}}


def med(f, reps=30):
    # Best of `reps` (after a warm-up): on a shared machine the minimum is the least load-dependent
    # estimate, and the TypeScript side reports its best too, so the ratio compares like with like.
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1000)
    return min(ts)


def reference(sig, up, down, zc=256):
    max_rate = max(up, down)
    half = zc * max_rate
    h = ss.firwin(2 * half + 1, 1.0 / max_rate, window=('kaiser', 14.0))
    return ss.resample_poly(sig.astype(np.float64), up, down, window=h)


def passband_snr(y, ref, passband=0.9, seg=4096, edge=2048):
    n = min(len(y), len(ref))
    w = np.hanning(seg + 1)[:seg]
    kmax = int(passband * seg / 2)
    s = e = 0.0
    for st in range(edge, n - edge - seg + 1, seg // 2):
        r = np.fft.rfft(ref[st:st + seg] * w)[:kmax + 1]
        d = np.fft.rfft((y[st:st + seg] - ref[st:st + seg]) * w)[:kmax + 1]
        s += np.sum(np.abs(r) ** 2)
        e += np.sum(np.abs(d) ** 2)
    return float(10 * np.log10(s / e))


try:
    import torch
    import torchaudio.functional as AF

    torch.set_num_threads(1)
    xt = torch.from_numpy(x)
    out['times']['torchaudio'] = med(lambda: AF.resample(xt, 44100, 16000))
    ta = AF.resample(xt, 44100, 16000).numpy()
except Exception as err:  # torch missing: report scipy only
    out['torch_error'] = str(err)
    ta = None
out['times']['scipy_polyphase'] = med(lambda: ss.resample_poly(x, 160, 441), reps=3)

ref = reference(x[: 44100 * 10], 160, 441)
if ta is not None:
    out['snr']['torchaudio'] = passband_snr(ta[: len(ref)], ref)
out['snr']['scipy_polyphase'] = passband_snr(ss.resample_poly(x[: 44100 * 10], 160, 441), ref)
for name in sorted(os.listdir(work)):
    if name.startswith('real_') and name.endswith('.npy') and '__' not in name:
        # real_<tag>_<from>_<to>.npy: a real clip taken as <from> Hz audio; ours in real_<tag>_<from>_<to>__<quality>.npy
        stem = name[:-4]
        _, tag, fr, to = stem.split('_')
        g = np.gcd(int(fr), int(to))
        rref = reference(np.load(os.path.join(work, name)), int(to) // g, int(fr) // g)
        for q in sorted(os.listdir(work)):
            if q.startswith(stem + '__'):
                y = np.load(os.path.join(work, q))
                out['snr'][f'real {tag} {fr}->{to} {q[len(stem) + 2:-4]}'] = passband_snr(y, rref, seg=2048, edge=512)
    if name.startswith('ours_'):
        y = np.load(os.path.join(work, name))
        out['snr'][name[5:-4]] = passband_snr(y[: len(ref)], ref)
print(json.dumps(out))
