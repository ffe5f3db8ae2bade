;; WebAssembly SIMD (f64x2) kernels of core/neurons/lif.ts — the source of core/neurons/lif-wasm-bytes.ts.
;; Rebuild with `node scripts/build-wasm.mjs` (a small assembler for this flat-instruction subset
;; of the text format; the file is also valid WAT for any standard assembler).
;;
;; Each population owns one fixed-size memory (never grown), imported as env.mem:
;;
;;   header (bytes 0–2303), written once at build by core/neurons/lif-wasm.ts:
;;     f64 at   0 vRest, 8 vReset, 16 vThresh, 24 decayMem, 32 decayE, 40 decayI, 48 couplingE,
;;             56 couplingI, 64 biasGain = rMem·(1 − decayMem), 72 decayTheta, 80 thetaPlus
;;     i32 at 128 n, 132 refSteps, 136 v, 140 gE, 144 gI, 148 theta, 152 iBias, 156 refUntil, 160 idx
;;     f64 at  88 dtOverTau, 96 eExc, 104 eInh, 112 rMem, 176 1/6, 184 1/24, 192 1/120 (conductance)
;;     i64 at 168 the current step, written before each call (a load, unlike a converted parameter,
;;             cannot be sunk into the loop by the engine: V8 did recompute a trunc_sat per pair)
;;     f64 at 200 128/ln 2, 208 the rounding shift 1.5·2⁵², 216 and 224 ln 2/128 in two parts,
;;         256 the 128 values 2^(j/128) and 1280 their low parts (core/math.ts's exp, for $expM)
;;   then the arrays (16-byte aligned), each with room for n rounded up to a multiple of 4: the
;;   kernels work on pairs (θ) or quads (no θ) of neurons; padding neurons have refUntil = 2³¹ − 1,
;;   so they never integrate nor spike (their gE, gI stay 0).
;;
;; Bit identity with the JavaScript kernels: every f64 operation is an IEEE-754 double operation
;; in the same order as in lif.ts (no fused multiply-add, no relaxed SIMD); comparisons and
;; selects decide exactly what the JavaScript branches decide.
;;
;; θ mode: 0 no adaptive threshold (`current`); `currentTheta` takes 1 θ read only (plasticity
;; off), 2 θ read and grows by θ+ on a spike (τθ = ∞), 3 θ decays every step and grows on a spike.
;;
;; Why it is written this way (V8 11, Node 20, measured): the no-θ kernel is separate and unrolled
;; to two pairs (≈ 20 % faster than one general pair loop); the reset to vReset is a scalar store
;; in the rare spike branch instead of a second select on every pair.
(module
  (import "env" "mem" (memory 1))

  ;; core/math.ts's exp(x) operation for operation (expCore with lo = 0; < 0.52 ulp), so that e^(−y)
  ;; for y ≥ 0.05 is the very double lifConductanceStep computes, in every engine. Its constants and
  ;; tables are in the header. (It replaces a call of the JavaScript function through an import,
  ;; which cost a crossing out of WebAssembly per lane: docs/code-history.md.)
  (func $expM (param $x f64) (result f64)
    (local $kf f64) (local $k i32) (local $r f64) (local $t f64) (local $y f64) (local $m i32)
    local.get $x f64.const 709.79 f64.gt
    if
      f64.const 1 f64.const 0 f64.div
      return
    end
    local.get $x f64.const -745.2 f64.lt
    if
      f64.const 0
      return
    end
    ;; kf = x·128/ln 2 rounded to an integer by the shift, k = kf as an i32
    local.get $x i32.const 0 f64.load offset=200 f64.mul i32.const 0 f64.load offset=208 f64.add
    i32.const 0 f64.load offset=208 f64.sub local.tee $kf
    i32.trunc_sat_f64_s local.set $k
    ;; r = x − kf·(ln 2/128)hi − kf·(ln 2/128)lo + 0
    local.get $x local.get $kf i32.const 0 f64.load offset=216 f64.mul f64.sub
    local.get $kf i32.const 0 f64.load offset=224 f64.mul f64.sub
    f64.const 0 f64.add local.set $r
    ;; p = r + r·r·(0.5 + r·(1/6 + r·(1/24 + r·(1/120)))), into $r
    local.get $r
    local.get $r local.get $r f64.mul
    f64.const 0.5
    local.get $r
    i32.const 0 f64.load offset=176
    local.get $r
    i32.const 0 f64.load offset=184
    local.get $r i32.const 0 f64.load offset=192 f64.mul
    f64.add f64.mul
    f64.add f64.mul
    f64.add f64.mul
    f64.add local.set $r
    ;; y = t + (tLo + t·p), t = 2^(j/128), j = k & 127
    local.get $k i32.const 127 i32.and i32.const 3 i32.shl f64.load offset=256 local.set $t
    local.get $t
    local.get $k i32.const 127 i32.and i32.const 3 i32.shl f64.load offset=1280
    local.get $t local.get $r f64.mul f64.add
    f64.add local.set $y
    ;; times 2^m, m = k >> 7 (2^m built from its exponent bits, the exact power of two)
    local.get $k i32.const 7 i32.shr_s local.set $m
    local.get $m i32.const -1022 i32.ge_s
    if
      local.get $m i32.const 1023 i32.le_s
      if
        local.get $y local.get $m i32.const 1023 i32.add i64.extend_i32_u i64.const 52 i64.shl f64.reinterpret_i64 f64.mul
        return
      end
      local.get $y f64.const 2 f64.mul i64.const 2046 i64.const 52 i64.shl f64.reinterpret_i64 f64.mul
      return
    end
    ;; subnormal results: y·2^(m+54)·2^−54
    local.get $y local.get $m i32.const 1077 i32.add i64.extend_i32_u i64.const 52 i64.shl f64.reinterpret_i64 f64.mul
    i64.const 969 i64.const 52 i64.shl f64.reinterpret_i64 f64.mul)

  ;; $expM on its own, for the test that compares it bit for bit with core/math.ts's exp
  (func $expExport (export "exp") (param $x f64) (result f64)
    local.get $x call $expM)

  ;; lifCurrentStep without adaptive threshold (θ mode 0), four neurons (two pairs) per iteration.
  ;; Returns the number of spikes, written to idx in increasing order.
  (func $current (export "current") (result i32)
    (local $a i32) (local $r i32) (local $end i32) (local $count i32) (local $newRef i32)
    (local $pV i32) (local $pGE i32) (local $pGI i32) (local $pIB i32) (local $pRef i32) (local $pIdx i32)
    (local $vResetF f64)
    (local $vRest v128) (local $vThresh v128) (local $dM v128) (local $dE v128) (local $dI v128)
    (local $cE v128) (local $cI v128) (local $bg v128) (local $stepV v128)
    (local $ge0 v128) (local $gi0 v128) (local $v0 v128) (local $vi0 v128) (local $held0 v128) (local $spk0 v128)
    (local $ge1 v128) (local $gi1 v128) (local $v1 v128) (local $vi1 v128) (local $held1 v128) (local $spk1 v128)
    i32.const 0 v128.load64_splat offset=0 local.set $vRest
    i32.const 0 v128.load64_splat offset=16 local.set $vThresh
    i32.const 0 v128.load64_splat offset=24 local.set $dM
    i32.const 0 v128.load64_splat offset=32 local.set $dE
    i32.const 0 v128.load64_splat offset=40 local.set $dI
    i32.const 0 v128.load64_splat offset=48 local.set $cE
    i32.const 0 v128.load64_splat offset=56 local.set $cI
    i32.const 0 v128.load64_splat offset=64 local.set $bg
    i32.const 0 f64.load offset=8 local.set $vResetF
    i32.const 0 i32.load offset=136 local.set $pV
    i32.const 0 i32.load offset=140 local.set $pGE
    i32.const 0 i32.load offset=144 local.set $pGI
    i32.const 0 i32.load offset=152 local.set $pIB
    i32.const 0 i32.load offset=156 local.set $pRef
    i32.const 0 i32.load offset=160 local.set $pIdx
    i32.const 0 v128.load64_splat offset=168 local.set $stepV
    i32.const 0 i32.load offset=168 i32.const 0 i32.load offset=132 i32.add local.set $newRef
    ;; end = 8·(n rounded up to a multiple of 4)
    i32.const 0 i32.load offset=128 i32.const 3 i32.add i32.const -4 i32.and i32.const 3 i32.shl local.set $end
    block $done
      loop $quads
        local.get $a local.get $end i32.ge_u br_if $done
        ;; each pair: gE, gI decay; vi as in lif.ts; held = refUntil > step; spk = ¬held ∧ vi > vThresh;
        ;; v ← held ? v : vi (spiking lanes are set to vReset below)
        local.get $pGE local.get $a i32.add v128.load offset=0 local.set $ge0
        local.get $pGI local.get $a i32.add v128.load offset=0 local.set $gi0
        local.get $pGE local.get $a i32.add local.get $ge0 local.get $dE f64x2.mul v128.store offset=0
        local.get $pGI local.get $a i32.add local.get $gi0 local.get $dI f64x2.mul v128.store offset=0
        local.get $pV local.get $a i32.add v128.load offset=0 local.set $v0
        local.get $vRest
        local.get $v0 local.get $vRest f64x2.sub local.get $dM f64x2.mul
        f64x2.add
        local.get $ge0 local.get $cE f64x2.mul f64x2.add
        local.get $gi0 local.get $cI f64x2.mul f64x2.add
        local.get $pIB local.get $a i32.add v128.load offset=0 local.get $bg f64x2.mul f64x2.add
        local.set $vi0
        local.get $pRef local.get $r i32.add v128.load32x2_s offset=0 local.get $stepV i64x2.gt_s local.set $held0
        local.get $vi0 local.get $vThresh f64x2.gt local.get $held0 v128.andnot local.set $spk0
        local.get $pV local.get $a i32.add
        local.get $v0 local.get $vi0 local.get $held0 v128.bitselect
        v128.store offset=0
        local.get $pGE local.get $a i32.add v128.load offset=16 local.set $ge1
        local.get $pGI local.get $a i32.add v128.load offset=16 local.set $gi1
        local.get $pGE local.get $a i32.add local.get $ge1 local.get $dE f64x2.mul v128.store offset=16
        local.get $pGI local.get $a i32.add local.get $gi1 local.get $dI f64x2.mul v128.store offset=16
        local.get $pV local.get $a i32.add v128.load offset=16 local.set $v1
        local.get $vRest
        local.get $v1 local.get $vRest f64x2.sub local.get $dM f64x2.mul
        f64x2.add
        local.get $ge1 local.get $cE f64x2.mul f64x2.add
        local.get $gi1 local.get $cI f64x2.mul f64x2.add
        local.get $pIB local.get $a i32.add v128.load offset=16 local.get $bg f64x2.mul f64x2.add
        local.set $vi1
        local.get $pRef local.get $r i32.add v128.load32x2_s offset=8 local.get $stepV i64x2.gt_s local.set $held1
        local.get $vi1 local.get $vThresh f64x2.gt local.get $held1 v128.andnot local.set $spk1
        local.get $pV local.get $a i32.add
        local.get $v1 local.get $vi1 local.get $held1 v128.bitselect
        v128.store offset=16
        ;; spikes (rare): reset, refractory, index — lanes in increasing neuron order
        local.get $spk0 local.get $spk1 v128.or v128.any_true
        if
          local.get $spk0 i64x2.extract_lane 0 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=0
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=0
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 0 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
          end
          local.get $spk0 i64x2.extract_lane 1 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=8
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=4
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 1 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
          end
          local.get $spk1 i64x2.extract_lane 0 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=16
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=8
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 2 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
          end
          local.get $spk1 i64x2.extract_lane 1 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=24
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=12
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 3 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
          end
        end
        local.get $a i32.const 32 i32.add local.set $a
        local.get $r i32.const 16 i32.add local.set $r
        br $quads
      end
    end
    local.get $count)

  ;; lifCurrentStep with an adaptive threshold (θ mode 1, 2 or 3), one pair per iteration.
  (func $currentTheta (export "currentTheta") (param $mode i32) (result i32)
    (local $a i32) (local $r i32) (local $end i32) (local $count i32) (local $newRef i32)
    (local $pV i32) (local $pGE i32) (local $pGI i32) (local $pTh i32) (local $pIB i32) (local $pRef i32) (local $pIdx i32)
    (local $thetaPlus f64) (local $vResetF f64)
    (local $vRest v128) (local $vThresh v128) (local $dM v128) (local $dE v128) (local $dI v128)
    (local $cE v128) (local $cI v128) (local $bg v128) (local $dT v128) (local $stepV v128)
    (local $ge v128) (local $gi v128) (local $v v128) (local $vi v128) (local $th v128) (local $thr v128)
    (local $held v128) (local $spk v128)
    ;; constants, each splatted to both lanes
    i32.const 0 v128.load64_splat offset=0 local.set $vRest
    i32.const 0 v128.load64_splat offset=16 local.set $vThresh
    i32.const 0 v128.load64_splat offset=24 local.set $dM
    i32.const 0 v128.load64_splat offset=32 local.set $dE
    i32.const 0 v128.load64_splat offset=40 local.set $dI
    i32.const 0 v128.load64_splat offset=48 local.set $cE
    i32.const 0 v128.load64_splat offset=56 local.set $cI
    i32.const 0 v128.load64_splat offset=64 local.set $bg
    i32.const 0 v128.load64_splat offset=72 local.set $dT
    i32.const 0 f64.load offset=80 local.set $thetaPlus
    i32.const 0 f64.load offset=8 local.set $vResetF
    i32.const 0 i32.load offset=136 local.set $pV
    i32.const 0 i32.load offset=140 local.set $pGE
    i32.const 0 i32.load offset=144 local.set $pGI
    i32.const 0 i32.load offset=148 local.set $pTh
    i32.const 0 i32.load offset=152 local.set $pIB
    i32.const 0 i32.load offset=156 local.set $pRef
    i32.const 0 i32.load offset=160 local.set $pIdx
    ;; step in both i64 lanes; a neuron spiking now integrates again from step + refSteps
    i32.const 0 v128.load64_splat offset=168 local.set $stepV
    i32.const 0 i32.load offset=168 i32.const 0 i32.load offset=132 i32.add local.set $newRef
    ;; end = 8·(n rounded up to even): byte offset past the last pair of f64 (n ≤ padded length)
    i32.const 0 i32.load offset=128 i32.const 1 i32.add i32.const -2 i32.and i32.const 3 i32.shl local.set $end
    block $done
      loop $pairs
        local.get $a local.get $end i32.ge_u br_if $done
        ;; synaptic variables decay (all neurons, refractory or not)
        local.get $pGE local.get $a i32.add v128.load local.set $ge
        local.get $pGI local.get $a i32.add v128.load local.set $gi
        local.get $pGE local.get $a i32.add local.get $ge local.get $dE f64x2.mul v128.store
        local.get $pGI local.get $a i32.add local.get $gi local.get $dI f64x2.mul v128.store
        ;; threshold vThresh + θ
        local.get $vThresh local.set $thr
        local.get $mode
        if
          local.get $pTh local.get $a i32.add v128.load local.set $th
          local.get $mode i32.const 3 i32.eq
          if
            local.get $th local.get $dT f64x2.mul local.set $th
            local.get $pTh local.get $a i32.add local.get $th v128.store
          end
          local.get $vThresh local.get $th f64x2.add local.set $thr
        end
        ;; vi = vRest + (v − vRest)·decayMem + gE·couplingE + gI·couplingI + iBias·biasGain
        local.get $pV local.get $a i32.add v128.load local.set $v
        local.get $vRest
        local.get $v local.get $vRest f64x2.sub local.get $dM f64x2.mul
        f64x2.add
        local.get $ge local.get $cE f64x2.mul f64x2.add
        local.get $gi local.get $cI f64x2.mul f64x2.add
        local.get $pIB local.get $a i32.add v128.load local.get $bg f64x2.mul f64x2.add
        local.set $vi
        ;; held = refUntil > step (refractory); spk = ¬held ∧ vi > threshold
        local.get $pRef local.get $r i32.add v128.load32x2_s local.get $stepV i64x2.gt_s local.set $held
        local.get $vi local.get $thr f64x2.gt local.get $held v128.andnot local.set $spk
        ;; v ← held ? v : vi; spiking lanes are then set to vReset below (spikes are rare: one
        ;; select and a branch cost less than a second select on every pair)
        local.get $pV local.get $a i32.add
        local.get $v local.get $vi local.get $held v128.bitselect
        v128.store
        local.get $spk v128.any_true
        if
          local.get $spk i64x2.extract_lane 0 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=0
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=0
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.store
            local.get $count i32.const 1 i32.add local.set $count
            local.get $mode i32.const 2 i32.ge_u
            if
              local.get $pTh local.get $a i32.add local.get $th f64x2.extract_lane 0 local.get $thetaPlus f64.add f64.store offset=0
            end
          end
          local.get $spk i64x2.extract_lane 1 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=8
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=4
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 1 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
            local.get $mode i32.const 2 i32.ge_u
            if
              local.get $pTh local.get $a i32.add local.get $th f64x2.extract_lane 1 local.get $thetaPlus f64.add f64.store offset=8
            end
          end
        end
        local.get $a i32.const 16 i32.add local.set $a
        local.get $r i32.const 8 i32.add local.set $r
        br $pairs
      end
    end
    local.get $count)

  ;; lifConductanceStep (θ mode 0–3), two pairs per iteration. Exponential Euler, e^(−g·dt/τm) =
  ;; decayMem·e^(−y) with y = (gE + gI)·dt/τm, the Taylor series of e^(−y) below y = 0.05 and
  ;; core/math.ts's exp above, conductances within ±10⁻¹² flushed to 0, the pure-leak lanes
  ;; (gE = gI = 0) with decayMem alone — as lif.ts, lane by lane. Keep the two in step: the test
  ;; test/core/neurons/lif-wasm.test.ts fails on any difference.
  ;; Why this shape (V8 11, Node 20; docs/benchmarks.md): two independent pairs per iteration give
  ;; the processor more to overlap; a quad of silent neurons (gE, gI all +0, as Diehl & Cook's
  ;; inhibitory population mostly is) skips their decay, which would store the same +0 again; the
  ;; leak formula is computed only when some lane is silent; and
  ;; exp is evaluated for both lanes of a pair at once — $expM's double operations lane by lane, its
  ;; table read per lane — when both arguments lie in [−700, 0] (2^m is then a normal number; the
  ;; lanes with y < 0.05 keep their Taylor value), else lane by lane through $expM.
  (func $conductance (export "conductance") (param $mode i32) (result i32)
    (local $a i32) (local $r i32) (local $end i32) (local $count i32) (local $newRef i32) (local $live i32)
    (local $pV i32) (local $pGE i32) (local $pGI i32) (local $pTh i32) (local $pIB i32) (local $pRef i32) (local $pIdx i32)
    (local $thetaPlus f64) (local $vResetF f64)
    (local $vRest v128) (local $vThresh v128) (local $dM v128) (local $dE v128) (local $dI v128) (local $dT v128)
    (local $eE v128) (local $eI v128) (local $rM v128) (local $dtt v128) (local $stepV v128)
    (local $zero v128) (local $one v128) (local $half v128) (local $c6 v128) (local $c24 v128) (local $c120 v128) (local $small v128) (local $tiny v128)
    (local $ge0 v128) (local $gi0 v128) (local $v0 v128) (local $vi0 v128) (local $th0 v128) (local $thr0 v128) (local $drive0 v128) (local $vInf0 v128) (local $x0 v128) (local $e0 v128) (local $leak0 v128) (local $spk0 v128)
    (local $ge1 v128) (local $gi1 v128) (local $v1 v128) (local $vi1 v128) (local $th1 v128) (local $thr1 v128) (local $drive1 v128) (local $vInf1 v128) (local $x1 v128) (local $e1 v128) (local $leak1 v128) (local $spk1 v128)
    (local $held v128) (local $g v128) (local $x v128)
    (local $xa v128) (local $kf v128) (local $k4 v128) (local $rr v128) (local $tt v128) (local $j0 i32) (local $j1 i32)
    (local $minArg v128) (local $invLn2N v128) (local $shift v128) (local $ln2Hi v128) (local $ln2Lo v128) (local $bias1023 v128)
    i32.const 0 v128.load64_splat offset=0 local.set $vRest
    i32.const 0 v128.load64_splat offset=16 local.set $vThresh
    i32.const 0 v128.load64_splat offset=24 local.set $dM
    i32.const 0 v128.load64_splat offset=32 local.set $dE
    i32.const 0 v128.load64_splat offset=40 local.set $dI
    i32.const 0 v128.load64_splat offset=72 local.set $dT
    i32.const 0 v128.load64_splat offset=88 local.set $dtt
    i32.const 0 v128.load64_splat offset=96 local.set $eE
    i32.const 0 v128.load64_splat offset=104 local.set $eI
    i32.const 0 v128.load64_splat offset=112 local.set $rM
    i32.const 0 v128.load64_splat offset=176 local.set $c6
    i32.const 0 v128.load64_splat offset=184 local.set $c24
    i32.const 0 v128.load64_splat offset=192 local.set $c120
    f64.const 0 f64x2.splat local.set $zero
    f64.const 1 f64x2.splat local.set $one
    f64.const 0.5 f64x2.splat local.set $half
    f64.const 0.05 f64x2.splat local.set $small
    f64.const 1e-12 f64x2.splat local.set $tiny
    f64.const -700 f64x2.splat local.set $minArg
    i32.const 0 v128.load64_splat offset=200 local.set $invLn2N
    i32.const 0 v128.load64_splat offset=208 local.set $shift
    i32.const 0 v128.load64_splat offset=216 local.set $ln2Hi
    i32.const 0 v128.load64_splat offset=224 local.set $ln2Lo
    i64.const 1023 i64x2.splat local.set $bias1023
    i32.const 0 f64.load offset=80 local.set $thetaPlus
    i32.const 0 f64.load offset=8 local.set $vResetF
    i32.const 0 i32.load offset=136 local.set $pV
    i32.const 0 i32.load offset=140 local.set $pGE
    i32.const 0 i32.load offset=144 local.set $pGI
    i32.const 0 i32.load offset=148 local.set $pTh
    i32.const 0 i32.load offset=152 local.set $pIB
    i32.const 0 i32.load offset=156 local.set $pRef
    i32.const 0 i32.load offset=160 local.set $pIdx
    i32.const 0 v128.load64_splat offset=168 local.set $stepV
    i32.const 0 i32.load offset=168 i32.const 0 i32.load offset=132 i32.add local.set $newRef
    i32.const 0 i32.load offset=128 i32.const 3 i32.add i32.const -4 i32.and i32.const 3 i32.shl local.set $end
    block $done
      loop $quads
        local.get $a local.get $end i32.ge_u br_if $done
        ;; synaptic variables decay (all neurons, refractory or not), within ±10⁻¹² flushed to +0; a
        ;; quad whose four gE and gI are all +0 (bit for bit: silent neurons) keeps them as they are
        local.get $pGE local.get $a i32.add v128.load offset=0 local.set $ge0
        local.get $pGI local.get $a i32.add v128.load offset=0 local.set $gi0
        local.get $pGE local.get $a i32.add v128.load offset=16 local.set $ge1
        local.get $pGI local.get $a i32.add v128.load offset=16 local.set $gi1
        local.get $ge0 local.get $gi0 v128.or local.get $ge1 v128.or local.get $gi1 v128.or v128.any_true local.tee $live
        if
          local.get $ge0 local.get $dE f64x2.mul local.set $x
          local.get $pGE local.get $a i32.add local.get $x local.get $x f64x2.abs local.get $tiny f64x2.lt v128.andnot v128.store offset=0
          local.get $gi0 local.get $dI f64x2.mul local.set $x
          local.get $pGI local.get $a i32.add local.get $x local.get $x f64x2.abs local.get $tiny f64x2.lt v128.andnot v128.store offset=0
          local.get $ge1 local.get $dE f64x2.mul local.set $x
          local.get $pGE local.get $a i32.add local.get $x local.get $x f64x2.abs local.get $tiny f64x2.lt v128.andnot v128.store offset=16
          local.get $gi1 local.get $dI f64x2.mul local.set $x
          local.get $pGI local.get $a i32.add local.get $x local.get $x f64x2.abs local.get $tiny f64x2.lt v128.andnot v128.store offset=16
        end
        ;; pair 0 (byte offset a + 0): threshold vThresh + θ
        local.get $vThresh local.set $thr0
        local.get $mode
        if
          local.get $pTh local.get $a i32.add v128.load offset=0 local.set $th0
          local.get $mode i32.const 3 i32.eq
          if
            local.get $th0 local.get $dT f64x2.mul local.set $th0
            local.get $pTh local.get $a i32.add local.get $th0 v128.store offset=0
          end
          local.get $vThresh local.get $th0 f64x2.add local.set $thr0
        end
        local.get $pV local.get $a i32.add v128.load offset=0 local.set $v0
        local.get $vRest local.get $rM local.get $pIB local.get $a i32.add v128.load offset=0 f64x2.mul f64x2.add local.set $drive0
        ;; pair 1 (byte offset a + 16): threshold vThresh + θ
        local.get $vThresh local.set $thr1
        local.get $mode
        if
          local.get $pTh local.get $a i32.add v128.load offset=16 local.set $th1
          local.get $mode i32.const 3 i32.eq
          if
            local.get $th1 local.get $dT f64x2.mul local.set $th1
            local.get $pTh local.get $a i32.add local.get $th1 v128.store offset=16
          end
          local.get $vThresh local.get $th1 f64x2.add local.set $thr1
        end
        local.get $pV local.get $a i32.add v128.load offset=16 local.set $v1
        local.get $vRest local.get $rM local.get $pIB local.get $a i32.add v128.load offset=16 f64x2.mul f64x2.add local.set $drive1
        ;; a silent quad (every gE, gI +0): pure leak, without the conductance terms, division and exp
        local.get $live i32.eqz
        if
          local.get $drive0 local.get $v0 local.get $drive0 f64x2.sub local.get $dM f64x2.mul f64x2.add local.set $vi0
          local.get $drive1 local.get $v1 local.get $drive1 f64x2.sub local.get $dM f64x2.mul f64x2.add local.set $vi1
        else
          ;; lanes with gE = gI = 0 (±0) take the pure leak (selected below)
          local.get $ge0 local.get $zero f64x2.eq local.get $gi0 local.get $zero f64x2.eq v128.and local.set $leak0
          local.get $ge1 local.get $zero f64x2.eq local.get $gi1 local.get $zero f64x2.eq v128.and local.set $leak1
          local.get $one local.get $ge0 f64x2.add local.get $gi0 f64x2.add local.set $g
          local.get $drive0 local.get $ge0 local.get $eE f64x2.mul f64x2.add local.get $gi0 local.get $eI f64x2.mul f64x2.add
          local.get $g f64x2.div local.set $vInf0
          local.get $ge0 local.get $gi0 f64x2.add local.get $dtt f64x2.mul local.set $x0
          local.get $one
          local.get $x0
          local.get $one
          local.get $x0
          local.get $half
          local.get $x0
          local.get $c6
          local.get $x0
          local.get $c24
          local.get $x0 local.get $c120 f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub
          local.set $e0
          local.get $one local.get $ge1 f64x2.add local.get $gi1 f64x2.add local.set $g
          local.get $drive1 local.get $ge1 local.get $eE f64x2.mul f64x2.add local.get $gi1 local.get $eI f64x2.mul f64x2.add
          local.get $g f64x2.div local.set $vInf1
          local.get $ge1 local.get $gi1 f64x2.add local.get $dtt f64x2.mul local.set $x1
          local.get $one
          local.get $x1
          local.get $one
          local.get $x1
          local.get $half
          local.get $x1
          local.get $c6
          local.get $x1
          local.get $c24
          local.get $x1 local.get $c120 f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub f64x2.mul
          f64x2.sub
          local.set $e1
          ;; lanes where ¬(y < 0.05): e^(−y) = exp(−y) of core/math.ts
          local.get $x0 local.get $small f64x2.lt local.get $x1 local.get $small f64x2.lt v128.and v128.not v128.any_true
          if
            ;; pair 0: when some lane has y ≥ 0.05 and both arguments −y lie in [−700, 0], $expM for both
            ;; lanes at once (the same double operations lane by lane; 2^m is then a normal number),
            ;; else lane by lane through $expM
            local.get $x0 local.get $small f64x2.lt v128.not v128.any_true
            if
              local.get $x0 f64x2.neg local.set $xa
              local.get $xa local.get $minArg f64x2.ge v128.not v128.any_true i32.eqz
              if
                local.get $xa local.get $invLn2N f64x2.mul local.get $shift f64x2.add local.get $shift f64x2.sub local.set $kf
                local.get $kf i32x4.trunc_sat_f64x2_s_zero local.set $k4
                local.get $xa local.get $kf local.get $ln2Hi f64x2.mul f64x2.sub local.get $kf local.get $ln2Lo f64x2.mul f64x2.sub
                local.get $zero f64x2.add local.set $rr
                local.get $rr
                local.get $rr local.get $rr f64x2.mul
                local.get $half
                local.get $rr
                local.get $c6
                local.get $rr
                local.get $c24
                local.get $rr local.get $c120 f64x2.mul
                f64x2.add f64x2.mul
                f64x2.add f64x2.mul
                f64x2.add f64x2.mul
                f64x2.add local.set $rr
                local.get $k4 i32x4.extract_lane 0 i32.const 127 i32.and i32.const 3 i32.shl local.set $j0
                local.get $k4 i32x4.extract_lane 1 i32.const 127 i32.and i32.const 3 i32.shl local.set $j1
                local.get $j0 v128.load64_splat offset=256 local.get $j1 f64.load offset=256 f64x2.replace_lane 1 local.set $tt
                local.get $tt
                local.get $j0 v128.load64_splat offset=1280 local.get $j1 f64.load offset=1280 f64x2.replace_lane 1
                local.get $tt local.get $rr f64x2.mul f64x2.add
                f64x2.add
                local.get $k4 i32.const 7 i32x4.shr_s i64x2.extend_low_i32x4_s local.get $bias1023 i64x2.add i32.const 52 i64x2.shl
                f64x2.mul local.set $xa
                ;; e = y < 0.05 ? the Taylor series : exp(−y)
                local.get $e0 local.get $xa
                local.get $x0 local.get $small f64x2.lt
                v128.bitselect local.set $e0
              else
              local.get $x0 f64x2.extract_lane 0 f64.const 0.05 f64.lt i32.eqz
              if
                local.get $e0 local.get $x0 f64x2.extract_lane 0 f64.neg call $expM f64x2.replace_lane 0 local.set $e0
              end
              local.get $x0 f64x2.extract_lane 1 f64.const 0.05 f64.lt i32.eqz
              if
                local.get $e0 local.get $x0 f64x2.extract_lane 1 f64.neg call $expM f64x2.replace_lane 1 local.set $e0
              end
              end
            end
            ;; pair 1: when some lane has y ≥ 0.05 and both arguments −y lie in [−700, 0], $expM for both
            ;; lanes at once (the same double operations lane by lane; 2^m is then a normal number),
            ;; else lane by lane through $expM
            local.get $x1 local.get $small f64x2.lt v128.not v128.any_true
            if
              local.get $x1 f64x2.neg local.set $xa
              local.get $xa local.get $minArg f64x2.ge v128.not v128.any_true i32.eqz
              if
                local.get $xa local.get $invLn2N f64x2.mul local.get $shift f64x2.add local.get $shift f64x2.sub local.set $kf
                local.get $kf i32x4.trunc_sat_f64x2_s_zero local.set $k4
                local.get $xa local.get $kf local.get $ln2Hi f64x2.mul f64x2.sub local.get $kf local.get $ln2Lo f64x2.mul f64x2.sub
                local.get $zero f64x2.add local.set $rr
                local.get $rr
                local.get $rr local.get $rr f64x2.mul
                local.get $half
                local.get $rr
                local.get $c6
                local.get $rr
                local.get $c24
                local.get $rr local.get $c120 f64x2.mul
                f64x2.add f64x2.mul
                f64x2.add f64x2.mul
                f64x2.add f64x2.mul
                f64x2.add local.set $rr
                local.get $k4 i32x4.extract_lane 0 i32.const 127 i32.and i32.const 3 i32.shl local.set $j0
                local.get $k4 i32x4.extract_lane 1 i32.const 127 i32.and i32.const 3 i32.shl local.set $j1
                local.get $j0 v128.load64_splat offset=256 local.get $j1 f64.load offset=256 f64x2.replace_lane 1 local.set $tt
                local.get $tt
                local.get $j0 v128.load64_splat offset=1280 local.get $j1 f64.load offset=1280 f64x2.replace_lane 1
                local.get $tt local.get $rr f64x2.mul f64x2.add
                f64x2.add
                local.get $k4 i32.const 7 i32x4.shr_s i64x2.extend_low_i32x4_s local.get $bias1023 i64x2.add i32.const 52 i64x2.shl
                f64x2.mul local.set $xa
                ;; e = y < 0.05 ? the Taylor series : exp(−y)
                local.get $e1 local.get $xa
                local.get $x1 local.get $small f64x2.lt
                v128.bitselect local.set $e1
              else
              local.get $x1 f64x2.extract_lane 0 f64.const 0.05 f64.lt i32.eqz
              if
                local.get $e1 local.get $x1 f64x2.extract_lane 0 f64.neg call $expM f64x2.replace_lane 0 local.set $e1
              end
              local.get $x1 f64x2.extract_lane 1 f64.const 0.05 f64.lt i32.eqz
              if
                local.get $e1 local.get $x1 f64x2.extract_lane 1 f64.neg call $expM f64x2.replace_lane 1 local.set $e1
              end
              end
            end
          end
          local.get $dM local.get $e0 f64x2.mul local.set $e0
          local.get $dM local.get $e1 f64x2.mul local.set $e1
          ;; vi = vInf + (v − vInf)·e; lanes with gE = gI = 0 (if any) take the pure leak instead
          local.get $vInf0 local.get $v0 local.get $vInf0 f64x2.sub local.get $e0 f64x2.mul f64x2.add local.set $vi0
          local.get $vInf1 local.get $v1 local.get $vInf1 f64x2.sub local.get $e1 f64x2.mul f64x2.add local.set $vi1
          local.get $leak0 local.get $leak1 v128.or v128.any_true
          if
            local.get $drive0 local.get $v0 local.get $drive0 f64x2.sub local.get $dM f64x2.mul f64x2.add local.get $vi0 local.get $leak0 v128.bitselect local.set $vi0
            local.get $drive1 local.get $v1 local.get $drive1 f64x2.sub local.get $dM f64x2.mul f64x2.add local.get $vi1 local.get $leak1 v128.bitselect local.set $vi1
          end
        end
        ;; held = refUntil > step (refractory); spk = ¬held ∧ vi > threshold; v ← held ? v : vi
        local.get $pRef local.get $r i32.add v128.load32x2_s offset=0 local.get $stepV i64x2.gt_s local.set $held
        local.get $vi0 local.get $thr0 f64x2.gt local.get $held v128.andnot local.set $spk0
        local.get $pV local.get $a i32.add
        local.get $v0 local.get $vi0 local.get $held v128.bitselect
        v128.store offset=0
        local.get $pRef local.get $r i32.add v128.load32x2_s offset=8 local.get $stepV i64x2.gt_s local.set $held
        local.get $vi1 local.get $thr1 f64x2.gt local.get $held v128.andnot local.set $spk1
        local.get $pV local.get $a i32.add
        local.get $v1 local.get $vi1 local.get $held v128.bitselect
        v128.store offset=16
        local.get $spk0 local.get $spk1 v128.or v128.any_true
        if
          local.get $spk0 i64x2.extract_lane 0 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=0
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=0
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 0 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
            local.get $mode i32.const 2 i32.ge_u
            if
              local.get $pTh local.get $a i32.add local.get $th0 f64x2.extract_lane 0 local.get $thetaPlus f64.add f64.store offset=0
            end
          end
          local.get $spk0 i64x2.extract_lane 1 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=8
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=4
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 1 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
            local.get $mode i32.const 2 i32.ge_u
            if
              local.get $pTh local.get $a i32.add local.get $th0 f64x2.extract_lane 1 local.get $thetaPlus f64.add f64.store offset=8
            end
          end
          local.get $spk1 i64x2.extract_lane 0 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=16
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=8
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 2 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
            local.get $mode i32.const 2 i32.ge_u
            if
              local.get $pTh local.get $a i32.add local.get $th1 f64x2.extract_lane 0 local.get $thetaPlus f64.add f64.store offset=16
            end
          end
          local.get $spk1 i64x2.extract_lane 1 i64.const 0 i64.ne
          if
            local.get $pV local.get $a i32.add local.get $vResetF f64.store offset=24
            local.get $pRef local.get $r i32.add local.get $newRef i32.store offset=12
            local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $r i32.const 2 i32.shr_u i32.const 3 i32.add i32.store
            local.get $count i32.const 1 i32.add local.set $count
            local.get $mode i32.const 2 i32.ge_u
            if
              local.get $pTh local.get $a i32.add local.get $th1 f64x2.extract_lane 1 local.get $thetaPlus f64.add f64.store offset=24
            end
          end
        end
        local.get $a i32.const 32 i32.add local.set $a
        local.get $r i32.const 16 i32.add local.set $r
        br $quads
      end
    end
    local.get $count)
)
