#!/usr/bin/python3
"""Writes test/fixtures/io/shared-sample-counts.json: the number of samples Debian's ffmpeg decodes from
every FLAC under shared/data (dev/ and train/), so the decoder is checked on all real files we ship with.
Run: /usr/bin/python3 packages/dsp/scripts/gen_io_counts.py [shared-dir]"""
import json, os, subprocess, sys

shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared')
data = os.path.join(shared, 'data')
counts = {}
for split in ('dev', 'train'):
    for root, _, files in os.walk(os.path.join(data, split)):
        for f in sorted(files):
            if not f.endswith('.flac'):
                continue
            path = os.path.join(root, f)
            pcm = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-f', 's16le', '-ac', '1', '-'],
                                 check=True, capture_output=True).stdout
            counts[os.path.relpath(path, data)] = len(pcm) // 2
out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'io', 'shared-sample-counts.json')
with open(out, 'w') as fh:
    json.dump(counts, fh, indent=0, sort_keys=True)
print(f'{len(counts)} files -> {out}')
