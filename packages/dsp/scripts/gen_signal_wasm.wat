;; SIMD FIR kernels of @instr/dsp's resampler. Compiled by gen_signal_wasm.mjs into
;; src/signal/fir-wasm.ts. All pointers are byte addresses into the exported memory.
;; src/signal/kernel.ts reproduces every kernel bit for bit in its JavaScript fallback.
;;
;; Rational ratios L/M (firr, firr3) compute outputs in groups of eight, one per lane of two f32x4
;; accumulators, from an interleaved table: row p (at byte p * wb; W = wb / 32 window samples) holds,
;; for each window sample i, the taps of the eight outputs of a group whose first output has phase p:
;;   y_j = sum_i row[i][j] * x[i]   (i = 0 … W-1 in order, one accumulator lane per output; taps
;;                                   outside output j's own span are zero)
;; so there is no horizontal reduction and no index record. The zero taps add ±0, which leaves a sum
;; started at +0 unchanged, so every output equals the in-order sum of its own K products whichever
;; kernel computes it. After a group: p += dr, xp += dq (bytes), and if p >= L then p -= L, xp += 4
;; (8M = (dq / 4) * L + dr, computed by the caller).
(module
  (memory (export "memory") 1)

  ;; firr: n groups, one at a time.
  (func (export "firr") (param $n i32) (param $xp i32) (param $p i32) (param $wb i32)
    (param $L i32) (param $dq i32) (param $dr i32) (param $y i32)
    (local $end i32) (local $t i32) (local $te i32) (local $x i32) (local $s v128) (local $a v128) (local $b v128)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 5))))
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (local.set $t (i32.mul (local.get $p) (local.get $wb)))
        (local.set $te (i32.add (local.get $t) (local.get $wb)))
        (local.set $x (local.get $xp))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (loop $taps
          (local.set $s (v128.load32_splat (local.get $x)))
          (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load (local.get $t)) (local.get $s))))
          (local.set $b (f32x4.add (local.get $b) (f32x4.mul (v128.load offset=16 (local.get $t)) (local.get $s))))
          (local.set $t (i32.add (local.get $t) (i32.const 32)))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (br_if $taps (i32.lt_u (local.get $t) (local.get $te))))
        (v128.store (local.get $y) (local.get $a))
        (v128.store offset=16 (local.get $y) (local.get $b))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (local.get $dr)))
        (local.set $xp (i32.add (local.get $xp) (local.get $dq)))
        (if (i32.ge_u (local.get $p) (local.get $L)) (then
          (local.set $p (i32.sub (local.get $p) (local.get $L)))
          (local.set $xp (i32.add (local.get $xp) (i32.const 4)))))
        (br $group))))

  ;; firr3: 3 whole periods at once. A period is Lg = lcm(L, 8) outputs (mg = 4 * Lg * M / L
  ;; bytes of input, lg = 4 * Lg bytes of output); group g of every period has the same table row,
  ;; so each pair of table loads feeds 6 multiply-adds (loads per multiply-add: 5/6).
  ;; n = Lg / 8 groups; outputs of period j go to y + j * lg.
  (func (export "firr3") (param $n i32) (param $xp i32) (param $p i32) (param $wb i32)
    (param $L i32) (param $dq i32) (param $dr i32) (param $y i32) (param $mg i32) (param $lg i32)
    (local $end i32) (local $t i32) (local $te i32) (local $x i32) (local $o i32) (local $xs1 i32) (local $xs2 i32)
    (local $h0 v128) (local $h1 v128) (local $s v128)
    (local $a0 v128) (local $b0 v128) (local $a1 v128) (local $b1 v128) (local $a2 v128) (local $b2 v128)
    (local.set $xs1 (i32.mul (local.get $mg) (i32.const 1)))
    (local.set $xs2 (i32.mul (local.get $mg) (i32.const 2)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 5))))
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (local.set $t (i32.mul (local.get $p) (local.get $wb)))
        (local.set $te (i32.add (local.get $t) (local.get $wb)))
        (local.set $x (local.get $xp))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $b0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $b1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $b2 (v128.const i32x4 0 0 0 0))
        (loop $taps
          (local.set $h0 (v128.load (local.get $t)))
          (local.set $h1 (v128.load offset=16 (local.get $t)))
          (local.set $s (v128.load32_splat (local.get $x)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $h0) (local.get $s))))
          (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $h1) (local.get $s))))
          (local.set $s (v128.load32_splat (i32.add (local.get $x) (local.get $xs1))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $h0) (local.get $s))))
          (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $h1) (local.get $s))))
          (local.set $s (v128.load32_splat (i32.add (local.get $x) (local.get $xs2))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $h0) (local.get $s))))
          (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $h1) (local.get $s))))
          (local.set $t (i32.add (local.get $t) (i32.const 32)))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (br_if $taps (i32.lt_u (local.get $t) (local.get $te))))
        (local.set $o (i32.add (local.get $y) (i32.mul (local.get $lg) (i32.const 0))))
        (v128.store (local.get $o) (local.get $a0))
        (v128.store offset=16 (local.get $o) (local.get $b0))
        (local.set $o (i32.add (local.get $y) (i32.mul (local.get $lg) (i32.const 1))))
        (v128.store (local.get $o) (local.get $a1))
        (v128.store offset=16 (local.get $o) (local.get $b1))
        (local.set $o (i32.add (local.get $y) (i32.mul (local.get $lg) (i32.const 2))))
        (v128.store (local.get $o) (local.get $a2))
        (v128.store offset=16 (local.get $o) (local.get $b2))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (local.get $dr)))
        (local.set $xp (i32.add (local.get $xp) (local.get $dq)))
        (if (i32.ge_u (local.get $p) (local.get $L)) (then
          (local.set $p (i32.sub (local.get $p) (local.get $L)))
          (local.set $xp (i32.add (local.get $xp) (i32.const 4)))))
        (br $group))))

    ;; fir (index records; also used by the wavelet scalogram): for each output o,
  ;; y[o] = sum_k h[hp+k] * x[xp+k].
  ;; idx holds one (xp, hp) pair of i32 byte addresses per output; kb = K * 4, K a multiple of 16.
  ;; Lanes are summed as ((a+b)+(c+d)) per lane, then (l0+l1)+(l2+l3).
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

    ;; fir2 (arbitrary ratios, index records): like fir, one output per pass, taps interpolated between two
  ;; adjacent table rows:
  ;; coef = h0 + w * (h1 - h0), h1 = h0 + kb bytes. idx holds (xp i32, hp i32, w f32) per output.
  ;; K is a multiple of 16; lanes are summed as ((a+b)+(c+d)) per lane, then (l0+l1)+(l2+l3).
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

  ;; finite: 1 when the n floats at x (n a multiple of 16) hold no NaN or ±Infinity, else 0.
  ;; v - v is 0 for finite v and NaN otherwise, and NaN survives the sums (four independent chains).
  (func (export "finite") (param $x i32) (param $n i32) (result i32)
    (local $end i32) (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $a (f32x4.add (local.get $a) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=16 (local.get $x)))
        (local.set $b (f32x4.add (local.get $b) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=32 (local.get $x)))
        (local.set $c (f32x4.add (local.get $c) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=48 (local.get $x)))
        (local.set $d (f32x4.add (local.get $d) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (br $next)))
    (local.set $a (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (f32x4.add (local.get $c) (local.get $d))))
    (v128.any_true (f32x4.ne (local.get $a) (local.get $a)))
    (i32.eqz))
)
