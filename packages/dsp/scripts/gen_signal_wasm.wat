;; SIMD FIR kernels of @instr/dsp's resampler. Compiled by gen_signal_wasm.mjs into
;; src/signal/fir-wasm.ts. All pointers are byte addresses into the exported memory.
;; K (taps per output) is a multiple of 16; lanes are summed as ((a+b)+(c+d)) per lane,
;; then (l0+l1)+(l2+l3), which src/signal/kernel.ts reproduces bit for bit in its JS fallback.
(module
  (memory (export "memory") 1)

  ;; fir: for each output o, y[o] = sum_k h[hp+k] * x[xp+k].
  ;; idx holds one (xp, hp) pair of i32 byte addresses per output; kb = K * 4.
  (func (export "fir") (param $n i32) (param $idx i32) (param $kb i32) (param $y i32)
    (local $end i32) (local $xp i32) (local $hp i32) (local $he i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (local.set $xp (i32.load (local.get $idx)))
        (local.set $hp (i32.load offset=4 (local.get $idx)))
        (local.set $he (i32.add (local.get $hp) (local.get $kb)))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $c (v128.const i32x4 0 0 0 0))
        (local.set $d (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load (local.get $hp)) (v128.load (local.get $xp)))))
          (local.set $b (f32x4.add (local.get $b) (f32x4.mul (v128.load offset=16 (local.get $hp)) (v128.load offset=16 (local.get $xp)))))
          (local.set $c (f32x4.add (local.get $c) (f32x4.mul (v128.load offset=32 (local.get $hp)) (v128.load offset=32 (local.get $xp)))))
          (local.set $d (f32x4.add (local.get $d) (f32x4.mul (v128.load offset=48 (local.get $hp)) (v128.load offset=48 (local.get $xp)))))
          (local.set $hp (i32.add (local.get $hp) (i32.const 64)))
          (local.set $xp (i32.add (local.get $xp) (i32.const 64)))
          (br_if $inner (i32.lt_u (local.get $hp) (local.get $he))))
        (local.set $a (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (f32x4.add (local.get $c) (local.get $d))))
        (f32.store (local.get $y)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 8)))
        (br $outer))))

  ;; firr: rational-ratio fir without index records. Output o reads K samples from byte address xp
  ;; and table row p (at byte p * kb); then p += M, xp advances by 4 * floor(p / L), p %= L.
  (func (export "firr") (param $n i32) (param $xp i32) (param $p i32) (param $kb i32)
    (param $L i32) (param $M i32) (param $y i32)
    (local $end i32) (local $x i32) (local $hp i32) (local $he i32) (local $q i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (local.set $x (local.get $xp))
        (local.set $hp (i32.mul (local.get $p) (local.get $kb)))
        (local.set $he (i32.add (local.get $hp) (local.get $kb)))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $c (v128.const i32x4 0 0 0 0))
        (local.set $d (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load (local.get $hp)) (v128.load (local.get $x)))))
          (local.set $b (f32x4.add (local.get $b) (f32x4.mul (v128.load offset=16 (local.get $hp)) (v128.load offset=16 (local.get $x)))))
          (local.set $c (f32x4.add (local.get $c) (f32x4.mul (v128.load offset=32 (local.get $hp)) (v128.load offset=32 (local.get $x)))))
          (local.set $d (f32x4.add (local.get $d) (f32x4.mul (v128.load offset=48 (local.get $hp)) (v128.load offset=48 (local.get $x)))))
          (local.set $hp (i32.add (local.get $hp) (i32.const 64)))
          (local.set $x (i32.add (local.get $x) (i32.const 64)))
          (br_if $inner (i32.lt_u (local.get $hp) (local.get $he))))
        (local.set $a (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (f32x4.add (local.get $c) (local.get $d))))
        (f32.store (local.get $y)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (local.get $M)))
        (local.set $q (i32.div_u (local.get $p) (local.get $L)))
        (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $q) (i32.const 2))))
        (local.set $p (i32.sub (local.get $p) (i32.mul (local.get $q) (local.get $L))))
        (br $outer))))

  ;; fir2: like fir, with taps interpolated between two adjacent table rows:
  ;; coef = h0 + w * (h1 - h0), h1 = h0 + kb bytes. idx holds (xp i32, hp i32, w f32) per output.
  (func (export "fir2") (param $n i32) (param $idx i32) (param $kb i32) (param $y i32)
    (local $end i32) (local $xp i32) (local $hp i32) (local $hq i32) (local $he i32)
    (local $w v128) (local $h0 v128) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $end (i32.add (local.get $idx) (i32.mul (local.get $n) (i32.const 12))))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (local.set $xp (i32.load (local.get $idx)))
        (local.set $hp (i32.load offset=4 (local.get $idx)))
        (local.set $w (f32x4.splat (f32.load offset=8 (local.get $idx))))
        (local.set $hq (i32.add (local.get $hp) (local.get $kb)))
        (local.set $he (local.get $hq))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $c (v128.const i32x4 0 0 0 0))
        (local.set $d (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $h0 (v128.load (local.get $hp)))
          (local.set $a (f32x4.add (local.get $a) (f32x4.mul
            (f32x4.add (local.get $h0) (f32x4.mul (local.get $w) (f32x4.sub (v128.load (local.get $hq)) (local.get $h0))))
            (v128.load (local.get $xp)))))
          (local.set $h0 (v128.load offset=16 (local.get $hp)))
          (local.set $b (f32x4.add (local.get $b) (f32x4.mul
            (f32x4.add (local.get $h0) (f32x4.mul (local.get $w) (f32x4.sub (v128.load offset=16 (local.get $hq)) (local.get $h0))))
            (v128.load offset=16 (local.get $xp)))))
          (local.set $h0 (v128.load offset=32 (local.get $hp)))
          (local.set $c (f32x4.add (local.get $c) (f32x4.mul
            (f32x4.add (local.get $h0) (f32x4.mul (local.get $w) (f32x4.sub (v128.load offset=32 (local.get $hq)) (local.get $h0))))
            (v128.load offset=32 (local.get $xp)))))
          (local.set $h0 (v128.load offset=48 (local.get $hp)))
          (local.set $d (f32x4.add (local.get $d) (f32x4.mul
            (f32x4.add (local.get $h0) (f32x4.mul (local.get $w) (f32x4.sub (v128.load offset=48 (local.get $hq)) (local.get $h0))))
            (v128.load offset=48 (local.get $xp)))))
          (local.set $hp (i32.add (local.get $hp) (i32.const 64)))
          (local.set $hq (i32.add (local.get $hq) (i32.const 64)))
          (local.set $xp (i32.add (local.get $xp) (i32.const 64)))
          (br_if $inner (i32.lt_u (local.get $hp) (local.get $he))))
        (local.set $a (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (f32x4.add (local.get $c) (local.get $d))))
        (f32.store (local.get $y)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 12)))
        (br $outer))))
)
