"""Reference integrated loudness (EBU R128 / BS.1770-4) of real files in shared/data, by Debian's ffmpeg.

Writes test/fixtures/signal/loudness_ffmpeg.json, read by test/signal-loudness.test.ts. For each file:
  - ebur128: ffmpeg's `ebur128` filter at the file's own sample rate (its K-weighting is computed for
    that rate), integrated loudness I read from the filter's metadata (lavfi.r128.I, 3 decimals);
  - ebur128_48k: the same after `aresample=48000` (the standard's native rate), for comparison;

Run from packages/dsp: /usr/bin/python3 scripts/gen_signal_loudness.py [--shared ../../../shared]
"""
import argparse
import json
import os
import re
import subprocess
import tempfile

FILES = [
    'dev/clips/andabi__dataset__mir-1k__Wavfile__bobon_1_02.flac',
    'dev/clips/andabi__dataset__mir-1k__Wavfile__stool_2_08.flac',
    'train/noise/GrandOrgue__demo__Sounds__Motor.flac',
    'dev/clips/seth814__wavfiles__Clarinet__ad7ec8cb.flac',
    'dev/clips/seth814__wavfiles__Flute__85d6a7d2.flac',
    'dev/clips/seth814__wavfiles__Saxophone__78a86075.flac',
    'dev/clips/seth814__wavfiles__Violin_or_fiddle__e3f479f3.flac',
    'dev/clips/seth814__wavfiles__Cello__22bea889.flac',
    'dev/clips/mir-dataset-loaders__tests__resources__mir_datasets__multivox__C1__C1_01042025_S1_VAMOSAREMAR_P17_S16__S4_Song1_VAMOSAREMAR.flac',
    'train/notes/pia/Reveille33__piano__B3.flac',
    'train/negatives/seth814__wavfiles__Snare_drum__b218444c.flac',
]


def ebur128(path, pre=''):
    with tempfile.TemporaryDirectory() as tmp:
        meta = os.path.join(tmp, 'meta.txt')
        subprocess.run(
            ['ffmpeg', '-hide_banner', '-nostats', '-i', path, '-af',
             f'{pre}ebur128=metadata=1,ametadata=print:key=lavfi.r128.I:file={meta}', '-f', 'null', '-'],
            check=True, capture_output=True)
        values = re.findall(r'lavfi\.r128\.I=(-?[\d.]+|-?inf)', open(meta).read())
        return float(values[-1])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument('--shared', default=os.environ.get('INSTR_SHARED_DIR', os.path.join(here, '..', '..', '..', '..', 'shared')))
    args = ap.parse_args()
    version = subprocess.run(['ffmpeg', '-version'], capture_output=True, text=True).stdout.split('\n')[0]
    rows = []
    for f in FILES:
        path = os.path.join(args.shared, 'data', f)
        rows.append({'file': f, 'ebur128': ebur128(path), 'ebur128_48k': ebur128(path, 'aresample=48000,')})
    out = {'tool': version, 'unit': 'LUFS', 'files': rows}
    target = os.path.join(here, '..', 'test', 'fixtures', 'signal', 'loudness_ffmpeg.json')
    with open(target + '.tmp', 'w') as fh:
        json.dump(out, fh, indent=1)
        fh.write('\n')
    os.replace(target + '.tmp', target)
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
