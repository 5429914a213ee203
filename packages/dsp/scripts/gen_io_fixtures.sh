#!/usr/bin/env bash
# Regenerates the compressed-audio fixtures of the audio I/O tests (packages/dsp/test/fixtures/io/)
# from synthetic signals with Debian's ffmpeg. Never uses shared/data. Run from anywhere:
#   bash packages/dsp/scripts/gen_io_fixtures.sh
# Expected properties (duration, rate, channels, peak frequency) live in the tests, not here,
# so a different encoder version must still pass them.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/io"
mkdir -p "$out"
ff=(ffmpeg -hide_banner -loglevel error -y -bitexact)
# 1 s, 440 Hz sine, mono, 22050 Hz -> MP3 (LAME, 48 kb/s CBR, Xing/LAME header for gapless trimming)
"${ff[@]}" -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=1" -af volume=0.5 \
  -c:a libmp3lame -b:a 48k -map_metadata -1 "$out/sine440_mono_22050.mp3"
# The same without the Xing/LAME header (no frame count: its length must be found by decoding)
"${ff[@]}" -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=1" -af volume=0.5 \
  -c:a libmp3lame -b:a 48k -write_xing 0 -map_metadata -1 "$out/sine440_mono_22050_noxing.mp3"
# 1 s, 1000 Hz left / 1500 Hz right, 44100 Hz -> Ogg Vorbis (quality 0)
"${ff[@]}" -f lavfi -i "sine=frequency=1000:sample_rate=44100:duration=1" \
  -f lavfi -i "sine=frequency=1500:sample_rate=44100:duration=1" \
  -filter_complex "[0][1]amerge=inputs=2,volume=0.5" -c:a libvorbis -q:a 0 -map_metadata -1 \
  "$out/sine1000_1500_stereo_44100.ogg"
# 1 s, 660 Hz sine, mono, 48000 Hz -> Ogg Opus (32 kb/s)
"${ff[@]}" -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=1" -af volume=0.5 \
  -c:a libopus -b:a 32k -map_metadata -1 "$out/sine660_mono_48000.opus"
# 0.5 s, 880 Hz left / 220 Hz right, 16-bit stereo 44100 Hz -> FLAC (lossless: compared sample-exactly)
"${ff[@]}" -f lavfi -i "sine=frequency=880:sample_rate=44100:duration=0.5" \
  -f lavfi -i "sine=frequency=220:sample_rate=44100:duration=0.5" \
  -filter_complex "[0][1]amerge=inputs=2,volume=0.5" -c:a flac -sample_fmt s16 -map_metadata -1 \
  "$out/sine880_220_stereo_44100_s16.flac"
# 0.25 s, 440 Hz sine, 24-bit mono 48000 Hz -> FLAC
"${ff[@]}" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=0.25" -af volume=0.5 \
  -c:a flac -sample_fmt s32 -bits_per_raw_sample 24 -map_metadata -1 "$out/sine440_mono_48000_s24.flac"
# 0.3 s, 440 Hz, 16-bit mono 16000 Hz -> Ogg FLAC
"${ff[@]}" -f lavfi -i "sine=frequency=440:sample_rate=16000:duration=0.3" -af volume=0.5 \
  -c:a flac -sample_fmt s16 -map_metadata -1 -f ogg "$out/sine440_mono_16000.oga"
# Raw references of the FLAC fixtures (what ffmpeg decodes them to), as little-endian float32, interleaved.
for f in sine880_220_stereo_44100_s16 sine440_mono_48000_s24; do
  "${ff[@]}" -i "$out/$f.flac" -f f32le -c:a pcm_f32le "$out/$f.f32le"
done
# WAV written by ffmpeg in every sample format it has, 0.05 s of a 3-tone chirp-free mix at 8 kHz,
# each with its ffmpeg float32 decode as reference (wav_<fmt>_<ch>ch.f32le).
src="aevalsrc=0.6*sin(2*PI*440*t)+0.3*sin(2*PI*1230*t+1)|0.5*sin(2*PI*660*t)|0.4*sin(2*PI*250*t)|0.3*sin(2*PI*3000*t)|0.2*sin(2*PI*100*t)|0.7*sin(2*PI*1800*t):s=8000:d=0.05"
for spec in u8:1 s16le:2 s24le:1 s32le:2 f32le:1 f64le:2 mulaw:1 alaw:2 s16le:3 s24le:6 f32le:4; do
  fmt="${spec%%:*}"; ch="${spec##*:}"
  "${ff[@]}" -f lavfi -i "$src" -af "pan=${ch}c|$(for ((i = 0; i < ch; i++)); do printf 'c%d=c%d|' $i $i; done | sed 's/|$//')" \
    -c:a "pcm_$fmt" -map_metadata -1 "$out/wav_${fmt}_${ch}ch.wav"
  "${ff[@]}" -i "$out/wav_${fmt}_${ch}ch.wav" -f f32le -c:a pcm_f32le "$out/wav_${fmt}_${ch}ch.f32le"
done
# RF64 (64-bit sizes, ds64 chunk) and a WAV with a LIST chunk before the data.
"${ff[@]}" -f lavfi -i "$src" -af "pan=mono|c0=c0" -c:a pcm_s16le -rf64 always "$out/wav_rf64_s16le_1ch.wav"
"${ff[@]}" -f lavfi -i "$src" -af "pan=mono|c0=c0" -c:a pcm_s16le -metadata title=instr "$out/wav_list_s16le_1ch.wav"
ls -l "$out"
