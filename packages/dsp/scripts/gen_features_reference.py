#!/usr/bin/python3
"""Golden fixtures for @instr/dsp `src/features` (entropies, Hjorth, scalogram, classical vector).

Run with Debian's python (numpy 1.24, scipy 1.10):

    /usr/bin/python3 packages/dsp/scripts/gen_features_reference.py [--shared ../shared]

Neither antropy nor librosa is packaged for Debian, so the reference formulas are written here in
numpy/scipy, mirroring antropy 0.1.6's documented definitions (`perm_entropy`, `spectral_entropy` with
`method='welch'`, `svd_entropy`, `hjorth_params`) and librosa 0.11's spectral features. Each mirror is
checked where possible against a librosa golden in shared/fixtures/librosa (see `check_librosa_mirror`),
so the 28-value classical vector is validated end to end against librosa-produced numbers.

Outputs (test/fixtures/features/):
  - inputs_*.npy            small synthetic float32 inputs (committed; tests also use the shared inputs)
  - entropy.json            perm/spectral/svd entropy and Hjorth parameters per input
  - scalogram_*.npy         |conv1d| scalograms (float32) for the three wavelet forms
  - wavelet_filters_*.npy   a few filter rows, to check the kernels directly
  - classical.json          28-value vectors per input, with CLASSICAL_FEATURE_NAMES
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import scipy.fft
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'features')


# ----------------------------------------------------------------------------------------------
# antropy mirrors
# ----------------------------------------------------------------------------------------------
def _embed(x, order=3, delay=1):
    """antropy.utils._embed for 1-D input: a float64 (N - (order-1)*delay, order) matrix."""
    n = len(x)
    y = np.zeros((order, n - (order - 1) * delay))
    for i in range(order):
        y[i] = x[i * delay:i * delay + y.shape[1]]
    return y.T


def _xlogx(x, base=2):
    x = np.asarray(x)
    out = np.zeros(x.shape)
    valid = x > 0
    out[valid] = x[valid] * np.log(x[valid]) / np.log(base)
    return out


def perm_entropy(x, order=3, delay=1, normalize=False):
    hashmult = np.power(order, range(order))
    sorted_idx = _embed(x, order, delay).argsort(kind='quicksort')
    hashval = (np.multiply(sorted_idx, hashmult)).sum(1)
    _, c = np.unique(hashval, return_counts=True)
    p = np.true_divide(c, c.sum())
    pe = -_xlogx(p).sum()
    if normalize:
        pe /= np.log2(math.factorial(order))
    return float(pe)


def spectral_entropy(x, sf, normalize=False):
    """antropy.spectral_entropy(x, sf, method='welch'): scipy.signal.welch defaults."""
    _, psd = scipy.signal.welch(x, sf)
    psd_norm = psd / psd.sum(axis=-1, keepdims=True)
    se = -_xlogx(psd_norm).sum(axis=-1)
    if normalize:
        se /= np.log2(psd_norm.shape[-1])
    return float(se)


def svd_entropy(x, order=3, delay=1, normalize=False):
    mat = _embed(x, order=order, delay=delay)
    w = np.linalg.svd(mat, compute_uv=False)
    w /= sum(w)
    e = -_xlogx(w).sum()
    if normalize:
        e /= np.log2(order)
    return float(e)


def hjorth_params(x):
    dx = np.diff(x)
    ddx = np.diff(dx)
    x_var, dx_var, ddx_var = np.var(x), np.var(dx), np.var(ddx)
    mob = np.sqrt(dx_var / x_var)
    com = np.sqrt(ddx_var / dx_var) / mob
    return float(mob), float(com)


# ----------------------------------------------------------------------------------------------
# librosa 0.11 mirrors (single-frame use as in the reference SVM: n_fft = len(y), hop = len(y) + 1)
# ----------------------------------------------------------------------------------------------
def hann(n):
    return scipy.signal.get_window('hann', n, fftbins=True)


def stft_mag(y, n_fft, hop, center=True, pad_mode='constant'):
    """|librosa.stft| (power 1): float32 frames x float64 window, FFT in float64, rounded to complex64."""
    y = np.asarray(y, dtype=np.float32)
    if center:
        y = np.pad(y, (n_fft // 2, n_fft // 2), mode=pad_mode)
    n_frames = 1 + (len(y) - n_fft) // hop
    win = hann(n_fft)
    frames = np.stack([y[j * hop:j * hop + n_fft] for j in range(n_frames)], axis=1)
    spec = scipy.fft.rfft(win[:, None] * frames, axis=0).astype(np.complex64)
    return np.abs(spec)


def hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-300) / min_log_hz) / logstep, mels)


def mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


def mel_filters(sr, n_fft, n_mels=128, fmin=0.0, fmax=None):
    """librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm='slaney', dtype=float32)."""
    if fmax is None:
        fmax = sr / 2.0
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, np.newaxis]
    return weights


def power_to_db(s, ref=1.0, amin=1e-10, top_db=80.0):
    s = np.asarray(s)
    log_spec = 10.0 * np.log10(np.maximum(amin, s))
    log_spec -= 10.0 * np.log10(np.maximum(amin, ref))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def mfcc(y, sr, n_mfcc, n_fft, hop):
    S = stft_mag(y, n_fft, hop) ** 2
    M = mel_filters(sr, n_fft) @ S
    return scipy.fft.dct(power_to_db(M), axis=-2, type=2, norm='ortho')[..., :n_mfcc, :]


def zero_crossing_rate(y, frame_length, hop, threshold=0.0):
    """librosa.feature.zero_crossing_rate(center=True): edge padding, crossings of signbit, mean per frame."""
    y = np.pad(np.asarray(y, dtype=np.float32), (frame_length // 2, frame_length // 2), mode='edge')
    n_frames = 1 + (len(y) - frame_length) // hop
    frames = np.stack([y[j * hop:j * hop + frame_length] for j in range(n_frames)], axis=1)
    if threshold > 0:
        frames = frames.copy()
        frames[np.abs(frames) <= threshold] = 0
    sb = np.signbit(frames)
    cross = np.empty_like(sb)
    cross[0] = False  # pad=False
    cross[1:] = sb[1:] != sb[:-1]
    return np.mean(cross, axis=0, keepdims=True)


def rms(y, frame_length, hop):
    y = np.pad(np.asarray(y, dtype=np.float32), (frame_length // 2, frame_length // 2), mode='constant')
    n_frames = 1 + (len(y) - frame_length) // hop
    frames = np.stack([y[j * hop:j * hop + frame_length] for j in range(n_frames)], axis=1)
    return np.sqrt(np.mean(np.abs(frames) ** 2, axis=0, keepdims=True))


def spectral_centroid(S, freq):
    return np.sum(freq[:, None] * (S / np.sum(S, axis=0, keepdims=True)), axis=0, keepdims=True)


def spectral_bandwidth(S, freq, p=2):
    centroid = spectral_centroid(S, freq)
    Sn = S / np.sum(S, axis=0, keepdims=True)
    dev = np.abs(freq[:, None] - centroid)
    return np.sum(Sn * dev ** p, axis=0, keepdims=True) ** (1.0 / p)


def spectral_rolloff(S, freq, roll_percent=0.85):
    total = np.cumsum(S, axis=0)
    threshold = roll_percent * total[-1:]
    ind = np.where(total < threshold, np.nan, 1)
    return np.nanmin(ind * freq[:, None], axis=0, keepdims=True)


def spectral_flatness(S, amin=1e-10, power=2.0):
    S_thresh = np.maximum(amin, S ** power)
    gmean = np.exp(np.mean(np.log(S_thresh), axis=0, keepdims=True))
    amean = np.mean(S_thresh, axis=0, keepdims=True)
    return gmean / amean


def spectral_contrast(S, sr, freq, fmin=200.0, n_bands=6, quantile=0.02):
    octa = np.zeros(n_bands + 2)
    octa[1:] = fmin * (2.0 ** np.arange(0, n_bands + 1))
    valley = np.zeros((n_bands + 1, S.shape[1]))
    peak = np.zeros_like(valley)
    for k, (f_low, f_high) in enumerate(zip(octa[:-1], octa[1:])):
        current_band = np.logical_and(freq >= f_low, freq <= f_high)
        idx = np.flatnonzero(current_band)
        if k > 0:
            current_band[idx[0] - 1] = True
        if k == n_bands:
            current_band[idx[-1] + 1:] = True
        sub_band = S[current_band]
        if k < n_bands:
            sub_band = sub_band[:-1]
        idx = np.rint(quantile * np.sum(current_band))
        idx = int(np.maximum(idx, 1))
        sortedr = np.sort(sub_band, axis=0)
        valley[k] = np.mean(sortedr[:idx], axis=0)
        peak[k] = np.mean(sortedr[-idx:], axis=0)
    return power_to_db(peak) - power_to_db(valley)


def classical_vector(y, sr=22050):
    """The 28-value vector of the reference SVM baseline (lumen-audio `_Feature`), librosa 0.11 defaults."""
    y = np.asarray(y, dtype=np.float32)
    n = len(y)
    hop = n + 1
    S = stft_mag(y, n, hop)
    freq = np.fft.rfftfreq(n, 1.0 / sr)
    parts = [
        mfcc(y, sr, 10, n, hop).flatten(),
        zero_crossing_rate(y, n, hop).flatten(),
        rms(y, n, hop).flatten(),
        spectral_rolloff(S, freq).flatten(),
        spectral_centroid(S, freq).flatten(),
        spectral_bandwidth(S, freq).flatten(),
        spectral_contrast(S, sr, freq).flatten(),
        spectral_flatness(S).flatten(),
        [perm_entropy(y, normalize=True)],
        [spectral_entropy(y, sr, normalize=True)],
        [svd_entropy(y, normalize=True)],
        list(hjorth_params(y)),
    ]
    return np.hstack([np.asarray(p, dtype=np.float64) for p in parts])


CLASSICAL_FEATURE_NAMES = (
    [f'mfcc{i}' for i in range(1, 11)]
    + ['zcr', 'rms', 'sp_roll', 'sp_cent', 'sp_band']
    + [f'sp_cont{i}' for i in range(1, 8)]
    + ['sp_flat', 'perm_ent', 'sp_ent', 'svd_ent', 'Hjorth_mob', 'Hjorth_com']
)


def check_librosa_mirror(shared):
    """Compares the librosa mirrors above with librosa-made goldens (n_fft 2048 / hop 512 settings)."""
    fx = os.path.join(shared, 'fixtures', 'librosa')
    report = {}
    for name, sr in [('sig_a', 22050), ('real_violin', 22050), ('real_flute', 22050), ('real_voice', 16000)]:
        y = np.load(os.path.join(fx, f'{name}__input__sr{sr}.npy'))
        S = stft_mag(y, 2048, 512)
        freq = np.fft.rfftfreq(2048, 1.0 / sr)
        ours = {
            'mfcc__nmfcc20_dct2_ortho': mfcc(y, sr, 20, 2048, 512),
            'zero_crossing_rate__frame2048_hop512_center': zero_crossing_rate(y, 2048, 512),
            'rms__frame2048_hop512_center_constant': rms(y, 2048, 512),
            'spectral_centroid__nfft2048_hop512': spectral_centroid(S, freq),
            'spectral_bandwidth__nfft2048_hop512_p2': spectral_bandwidth(S, freq),
            'spectral_rolloff__nfft2048_hop512_rollpct0p85': spectral_rolloff(S, freq),
            'spectral_flatness__nfft2048_hop512_power2': spectral_flatness(S),
            'spectral_contrast__nfft2048_hop512_nbands6_fmin200': spectral_contrast(S, sr, freq),
        }
        for key, val in ours.items():
            ref = np.load(os.path.join(fx, f'{name}__{key}.npy'))
            err = float(np.max(np.abs(val - ref)) / max(np.max(np.abs(ref)), 1e-30))
            report[f'{name}__{key}'] = err
    worst = max(report.values())
    for k, v in sorted(report.items(), key=lambda kv: -kv[1])[:6]:
        print(f'  mirror vs librosa  {k}: max|diff|/peak = {v:.2e}')
    if worst > 1e-4:
        sys.exit(f'librosa mirror disagrees with the fixtures (worst {worst:.2e})')
    return report


# ----------------------------------------------------------------------------------------------
# Scalogram (lumen-audio WaveletConv, computed as float64 correlation of float32 filters)
# ----------------------------------------------------------------------------------------------
def wavelet_filters(form, n_scales=128, min_sf=1e-2, max_sf=2.0, time_res=0.256, kernel=2048):
    t = time_res * np.linspace(-1, 1, kernel)
    scales = np.logspace(np.log10(time_res * min_sf), np.log10(time_res * max_sf), n_scales)
    rows = []
    for s in scales:
        if form == 'gaussian':
            rows.append(scipy.signal.gausspulse(t, fc=1 / s))
        elif form == 'dog':
            rows.append(-t * np.exp(-0.5 * t ** 2 / s ** 2) / np.sqrt(2 * np.pi) / s ** 2)
        elif form == 'ricker':
            rows.append(scipy.signal.ricker(kernel, a=int(kernel * (s / time_res))))
    return np.stack(rows).astype(np.float32)


def scalogram(y, filters, stride=512):
    y = np.asarray(y, dtype=np.float64)
    k = filters.shape[1]
    n_out = (len(y) - k) // stride + 1
    frames = np.stack([y[j * stride:j * stride + k] for j in range(n_out)], axis=1)
    return np.abs(filters.astype(np.float64) @ frames).astype(np.float32)


# ----------------------------------------------------------------------------------------------
def synthetic_inputs():
    rng = np.random.default_rng(1234)
    sr = 22050
    t = np.arange(int(1.5 * sr)) / sr
    tone = (0.4 * np.sin(2 * np.pi * 330 * t) + 0.2 * np.sin(2 * np.pi * 660 * t + 0.3)
            + 0.1 * np.sin(2 * np.pi * 1650 * t) + 0.02 * rng.standard_normal(len(t)))
    tone *= np.minimum(1.0, t / 0.05)
    noise = rng.uniform(-0.5, 0.5, 5000)
    short = np.sin(2 * np.pi * 440 * np.arange(200) / sr)
    steps = np.repeat([0.0, 0.5, 0.5, -0.25, 1.0, 0.0, 0.0, 0.75], 64)  # many ties
    return {
        'tone': tone.astype(np.float32),
        'noise': noise.astype(np.float32),
        'short': short.astype(np.float32),
        'steps': steps.astype(np.float32),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--shared', default=os.path.join(HERE, '..', '..', '..', '..', 'shared'))
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)

    inputs = synthetic_inputs()
    for k, v in inputs.items():
        np.save(os.path.join(OUT, f'inputs_{k}.npy'), v)
    shared_inputs = {}
    fx = os.path.join(args.shared, 'fixtures', 'librosa')
    if os.path.isdir(fx):
        for name, sr in [('sig_a', 22050), ('real_violin', 22050), ('real_flute', 22050), ('real_voice', 16000)]:
            shared_inputs[name] = np.load(os.path.join(fx, f'{name}__input__sr{sr}.npy'))
        check_librosa_mirror(args.shared)
    else:
        print('shared/ not found: goldens for the shared inputs are skipped')

    # Entropies and Hjorth (x as float32, exactly as the reference passed librosa.load's output to antropy)
    ent = {}
    for name, x in {**inputs, **shared_inputs}.items():
        mob, com = hjorth_params(x)
        x64 = x.astype(np.float64)
        mob64, com64 = hjorth_params(x64)
        ent[name] = {
            'perm_entropy_o3_norm': perm_entropy(x, 3, 1, True),
            'perm_entropy_o4_d2': perm_entropy(x, 4, 2, False),
            'spectral_entropy_norm': spectral_entropy(x, 22050, True),
            'spectral_entropy_f64': spectral_entropy(x64, 22050, False),
            'svd_entropy_o3_norm': svd_entropy(x, 3, 1, True),
            'svd_entropy_o5_d3': svd_entropy(x, 5, 3, False),
            'hjorth_mobility': mob,
            'hjorth_complexity': com,
            'hjorth_mobility_f64': mob64,
            'hjorth_complexity_f64': com64,
        }
    # antropy docstring examples
    doc = [4, 7, 9, 10, 6, 11, 3]
    ent['docstring'] = {
        'perm_entropy_o2': perm_entropy(np.array(doc, dtype=float), 2),
        'perm_entropy_o3_norm': perm_entropy(np.array(doc, dtype=float), 3, normalize=True),
        'svd_entropy_o2': svd_entropy(np.array(doc, dtype=float), 2),
        'svd_entropy_o3_norm': svd_entropy(np.array(doc, dtype=float), 3, normalize=True),
    }
    with open(os.path.join(OUT, 'entropy.json'), 'w') as f:
        json.dump(ent, f, indent=1)

    # Scalograms
    for form in ['gaussian', 'dog', 'ricker']:
        filt = wavelet_filters(form)
        np.save(os.path.join(OUT, f'wavelet_filters_{form}.npy'), filt[::32].copy())
        np.save(os.path.join(OUT, f'scalogram_{form}__tone.npy'), scalogram(inputs['tone'], filt))
    try:  # cross-check the float64 golden against the reference's own op, torch conv1d (float32)
        import torch
        filt = wavelet_filters('gaussian')
        conv = torch.nn.functional.conv1d(torch.from_numpy(inputs['tone'])[None, None],
                                          torch.from_numpy(filt)[:, None, :], stride=512).abs()[0].numpy()
        gold = scalogram(inputs['tone'], filt)
        print(f'  torch conv1d vs float64 golden: max|diff|/peak = {np.max(np.abs(conv - gold)) / gold.max():.2e}')
    except ImportError:
        print('  torch not available: conv1d cross-check skipped')
    filt_small = wavelet_filters('gaussian', n_scales=16, kernel=512, time_res=0.064)
    np.save(os.path.join(OUT, 'scalogram_gaussian_s16_k512_tr0p064_st128__noise.npy'),
            scalogram(inputs['noise'], filt_small, stride=128))

    # HPSS on a small |STFT| (scipy.ndimage.median_filter + librosa.util.softmask in float32), for CI
    import scipy.ndimage
    S = stft_mag(inputs['tone'], 128, 64)[:, :80].copy()
    harm = scipy.ndimage.median_filter(S, size=(1, 31), mode='reflect')
    perc = scipy.ndimage.median_filter(S, size=(31, 1), mode='reflect')

    def softmask(x, ref, power=2.0):
        z = np.maximum(x, ref).astype(np.float32)
        bad = z < np.finfo(np.float32).tiny
        z[bad] = 1
        m = (x / z) ** power
        r = (ref / z) ** power
        good = ~bad
        m[good] /= m[good] + r[good]
        m[bad] = 0.5
        return m

    np.save(os.path.join(OUT, 'hpss_input__tone_nfft128_hop64.npy'), S)
    np.save(os.path.join(OUT, 'hpss_harmonic__tone_nfft128_hop64.npy'), S * softmask(harm, perc))
    np.save(os.path.join(OUT, 'hpss_percussive__tone_nfft128_hop64.npy'), S * softmask(perc, harm))

    # Classical vector
    cls = {'names': CLASSICAL_FEATURE_NAMES, 'vectors': {}}
    for name in ['tone', 'noise']:
        cls['vectors'][name] = classical_vector(inputs[name]).tolist()
    for name in ['real_violin', 'real_flute']:
        if name in shared_inputs:
            cls['vectors'][name] = classical_vector(shared_inputs[name]).tolist()
    with open(os.path.join(OUT, 'classical.json'), 'w') as f:
        json.dump(cls, f, indent=1)
    # librosa outputs for sig_b (synthetic, re-synthesised by the tests), so the rhythm tests run without shared/
    if os.path.isdir(fx):
        def load(n):
            return np.load(os.path.join(fx, f'sig_b__{n}.npy'))
        y = load('input__sr44100').astype(np.float64)
        t = np.arange(len(y), dtype=np.float64) / 44100
        y_re = 0.6 * scipy.signal.chirp(t, f0=100.0, t1=3.0, f1=8000.0, method='linear')
        y_re[np.arange(0, len(y), 11025)] += 0.9
        assert np.array_equal(y_re.astype(np.float32), load('input__sr44100')), 'sig_b recipe mismatch'
        rhythm = {
            'source': 'librosa 0.11 fixtures of sig_b (shared/fixtures/librosa), copied',
            'onset_strength': load('onset_strength__default').astype(float).tolist(),
            'onset_detect': load('onset_detect__default').astype(int).tolist(),
            'tempo': float(load('tempo__default')[0]),
            'beat_track_tempo': float(load('beat_track__tempo')[0]),
            'beat_track_beats': load('beat_track__beats').astype(int).tolist(),
        }
        with open(os.path.join(OUT, 'rhythm_sig_b.json'), 'w') as f:
            json.dump(rhythm, f)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
