"""Golden fixtures for @instr/dsp's spectral module from torchaudio, scipy and numpy (CI needs no Python).

Run with Debian's interpreter from packages/dsp:  /usr/bin/python3 scripts/gen_spectral_torch.py
Writes small .npy files to test/fixtures/spectral/ (see MANIFEST there for each call).
"""
import json
import os

import numpy as np
import scipy.fft
import scipy.signal
import torch
import torchaudio

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "spectral")
os.makedirs(OUT, exist_ok=True)
manifest = {}


def save(name, arr, call):
    arr = np.ascontiguousarray(arr)
    tmp = os.path.join(OUT, name + ".npy.tmp")
    with open(tmp, "wb") as f:
        np.save(f, arr)
    os.replace(tmp, os.path.join(OUT, name + ".npy"))
    manifest[name] = {"call": call, "dtype": str(arr.dtype), "shape": list(arr.shape)}


# Input: 1 s at 22050 Hz, two partials + a chirp + seeded noise, float32.
sr = 22050
t = np.arange(sr, dtype=np.float64) / sr
y = (0.4 * np.sin(2 * np.pi * 330 * t) + 0.2 * np.sin(2 * np.pi * 1250 * t)
     + 0.2 * scipy.signal.chirp(t, f0=200, t1=1.0, f1=6000) + 0.01 * np.random.default_rng(7).standard_normal(sr))
y = y.astype(np.float32)
save("input_sr22050", y, "synthetic input (see script)")
x = torch.from_numpy(y)

for pad in ("reflect", "constant"):
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=sr, n_fft=1024, hop_length=256, n_mels=64, f_min=0.0, f_max=None, norm="slaney",
        mel_scale="slaney", center=True, pad_mode=pad, power=2.0)
    M = mel(x).numpy()
    call = (f"torchaudio.transforms.MelSpectrogram(sample_rate=22050, n_fft=1024, hop_length=256, n_mels=64, "
            f"norm='slaney', mel_scale='slaney', center=True, pad_mode='{pad}', power=2.0)(y)")
    save(f"torch_melspec_nfft1024_hop256_mels64_{pad}", M, call)
    db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0)(torch.from_numpy(M)).numpy()
    save(f"torch_power_to_db_{pad}", db, f"torchaudio.transforms.AmplitudeToDB(stype='power', top_db=80.0)({call})")

spec = torchaudio.transforms.Spectrogram(n_fft=512, hop_length=256, power=1.0, center=True, pad_mode="reflect")(x[:8192])
save("torch_magnitude_nfft512_hop256_reflect", spec.numpy(),
     "torchaudio.transforms.Spectrogram(n_fft=512, hop_length=256, power=1.0, center=True, pad_mode='reflect')(y[:8192])")
adb = torchaudio.transforms.AmplitudeToDB(stype="magnitude", top_db=80.0)(spec).numpy()
save("torch_amplitude_to_db_magnitude", adb,
     "torchaudio.transforms.AmplitudeToDB(stype='magnitude', top_db=80.0)(magnitude)  [amin 1e-10]")

# librosa.feature.delta == scipy.signal.savgol_filter(data, width, deriv=order, polyorder=order, mode=mode, axis=-1)
D = np.asarray(np.log10(np.maximum(1e-10, torchaudio.transforms.MelSpectrogram(
    sample_rate=sr, n_fft=1024, hop_length=256, n_mels=16, norm="slaney", mel_scale="slaney")(x).numpy())),
    dtype=np.float32)
save("delta_input", D, "log10 mel (16 bands) of the input, float32")
for order in (1, 2):
    for mode in ("interp", "nearest", "mirror", "constant", "wrap"):
        for width in ((9, 5) if mode == "interp" else (9,)):
            out = scipy.signal.savgol_filter(D, width, deriv=order, polyorder=order, mode=mode, axis=-1)
            save(f"delta_w{width}_o{order}_{mode}", out.astype(np.float32),
                 f"scipy.signal.savgol_filter(D, {width}, deriv={order}, polyorder={order}, mode='{mode}', axis=-1)")

# FFTs of awkward lengths (numpy pocketfft, float64).
rng = np.random.default_rng(3)
for n in (1031, 2310, 4096 + 1, 6615):
    v = rng.standard_normal(n).astype(np.float32)
    save(f"rfft_input_{n}", v, f"rng(3).standard_normal({n}) as float32")
    R = np.fft.rfft(v.astype(np.float64))
    save(f"rfft_{n}", np.stack([R.real, R.imag]), f"np.fft.rfft(v) as [re, im]")

# DCT-II, both norms.
v = rng.standard_normal(128)
save("dct_input", v, "rng(3) 128 values")
save("dct_ortho", scipy.fft.dct(v, type=2, norm="ortho"), "scipy.fft.dct(v, type=2, norm='ortho')")
save("dct_none", scipy.fft.dct(v, type=2, norm=None), "scipy.fft.dct(v, type=2, norm=None)")

with open(os.path.join(OUT, "MANIFEST.json.tmp"), "w") as f:
    json.dump({"torch": torch.__version__, "torchaudio": torchaudio.__version__, "numpy": np.__version__,
               "scipy": scipy.__version__, "files": manifest}, f, indent=1)
os.replace(os.path.join(OUT, "MANIFEST.json.tmp"), os.path.join(OUT, "MANIFEST.json"))
print("wrote", len(manifest), "fixtures to", OUT)
