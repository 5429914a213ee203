"""Python reference timings for @instr/augment's benchmark (Debian python3-torch/torchaudio 0.13, scipy).

Prints one JSON object: {name: milliseconds} for 10 s of 22.05 kHz audio, single thread, median of runs.
"""
import json
import time

import numpy as np
import scipy.signal
import torch
import torchaudio
import torchaudio.functional as F

torch.set_num_threads(1)
SR = 22050
rng = np.random.default_rng(0)
t = np.arange(10 * SR) / SR
x = (0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)
xt = torch.from_numpy(x)
ir = (np.exp(-np.arange(SR // 2) / 2000) * rng.standard_normal(SR // 2)).astype(np.float32)


def bench(fn, runs=5):
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def stretch(rate):
    win = torch.hann_window(2048)
    S = torch.stft(xt, 2048, 512, window=win, return_complex=True)
    phase_advance = torch.linspace(0, np.pi * 512, S.shape[0])[..., None]
    Y = F.phase_vocoder(S, rate, phase_advance)
    return torch.istft(Y, 2048, 512, window=win, length=int(round(xt.numel() / rate)))


out = {
    'PitchShift (torchaudio.functional.pitch_shift)': bench(lambda: F.pitch_shift(xt[None], SR, 2), runs=3),
    'TimeStretch (torch stft + phase_vocoder + istft)': bench(lambda: stretch(1.25)),
    'Reverb (scipy.signal.fftconvolve, 0.5 s IR)': bench(lambda: scipy.signal.fftconvolve(x, ir)[: x.size]),
    'LowPassFilter (torchaudio lowpass_biquad)': bench(lambda: F.lowpass_biquad(xt, SR, 2000.0)),
    'log-mel (torchaudio MelSpectrogram + dB)': bench(
        lambda: torchaudio.transforms.AmplitudeToDB('power', 80)(
            torchaudio.transforms.MelSpectrogram(SR, n_fft=2048, hop_length=512, n_mels=128)(xt)
        )
    ),
}
print(json.dumps(out))
