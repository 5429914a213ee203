"""Times torchaudio's log-mel spectrogram (n_fft 2048, hop 512, 128 slaney mels, dB) of 60 s at 44.1 kHz,
single-threaded, for the @instr/dsp benchmark. Prints one JSON line: {"ms": best-of-N milliseconds}."""
import json
import sys
import time

import torch
import torchaudio

torch.set_num_threads(1)
sr = 44100
seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 7
x = torch.randn(int(sr * seconds)) * 0.1
mel = torchaudio.transforms.MelSpectrogram(
    sample_rate=sr, n_fft=2048, hop_length=512, n_mels=128, norm="slaney", mel_scale="slaney",
    center=True, pad_mode="constant", power=2.0)
db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0)
with torch.no_grad():
    db(mel(x))
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        db(mel(x))
        best = min(best, time.perf_counter() - t)
print(json.dumps({"ms": best * 1000.0}))
