#!/usr/bin/python3
"""Golden decodes of a few real FLAC files in shared/data for the audio I/O tests.

Run with Debian's python3 (numpy) and ffmpeg:  /usr/bin/python3 packages/dsp/scripts/gen_io_golden.py
Writes packages/dsp/test/fixtures/io/shared_flac_golden.json: per file, what ffmpeg decodes it to —
sample rate, channels, frames, SHA-256 of the interleaved little-endian int16 samples, the first 32
samples of channel 0 (as int16) and the RMS of each channel (of samples / 32768, float64).
No audio from shared/ is copied into the repo.
"""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("INSTR_SHARED_DIR", os.path.join(HERE, "..", "..", "..", "..", "shared"))
FILES = [
    "train/ir/iver56__demo__ir__impulse_response_0.flac",
    "train/ir/iver56__demo__ir__stereo_impulse_response.flac",
    "train/notes/pia/Reveille33__piano__A1.flac",
    "train/noise/IBM__samples__applause.flac",
    "train/phrases/voi/andabi__dataset__mir-1k__Wavfile__Ani_1_01.flac",
    "dev/clips/andabi__dataset__mir-1k__Wavfile__bobon_1_02.flac",
    "dev/clips/mir-dataset-loaders__tests__resources__mir_datasets__vocadito__Audio__vocadito_1.flac",
]


def probe(path):
    out = subprocess.check_output(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels,sample_fmt",
         "-of", "json", path])
    s = json.loads(out)["streams"][0]
    return int(s["sample_rate"]), int(s["channels"]), s["sample_fmt"]


def main():
    golden = {}
    for rel in FILES:
        path = os.path.join(SHARED, "data", rel)
        rate, channels, fmt = probe(path)
        if fmt != "s16":
            sys.exit(f"{rel}: expected 16-bit FLAC, got {fmt}")
        raw = subprocess.check_output(["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-c:a", "pcm_s16le", "-"])
        x = np.frombuffer(raw, dtype="<i2").reshape(-1, channels)
        golden[rel] = {
            "sampleRate": rate,
            "channels": channels,
            "frames": int(x.shape[0]),
            "sha256": hashlib.sha256(x.astype("<i2").tobytes()).hexdigest(),
            "first": [int(v) for v in x[:32, 0]],
            "rms": [float(np.sqrt(np.mean((x[:, c].astype(np.float64) / 32768) ** 2))) for c in range(channels)],
        }
    out = os.path.join(HERE, "..", "test", "fixtures", "io", "shared_flac_golden.json")
    with open(out, "w") as f:
        json.dump(golden, f, indent=1)
    print(f"wrote {len(golden)} files to {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
