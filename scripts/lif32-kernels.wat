;; WebAssembly SIMD (f32x4) kernel of core/neurons/lif.ts's lifCurrentStep32 — the source of
;; core/neurons/lif32-wasm-bytes.ts. Rebuild with `node scripts/build-wasm.mjs`.
;;
;; The LIF population with `precision: 'float32'` (current-based synapses, no adaptive threshold)
;; owns one fixed-size memory (never grown), imported as env.mem:
;;
;;   header (bytes 0–127), written once at build by core/neurons/lif-wasm.ts (LIF32_LAYOUT):
;;     f32 at  0 vRest, 4 vReset, 8 vThresh, 12 decayMem, 16 decayE, 20 decayI, 24 couplingE,
;;             28 couplingI, 32 biasGain = rMem·(1 − decayMem), 36 the flush bound 2⁻⁶⁴
;;     i32 at 64 n, 68 refSteps, 72 v, 76 gE, 80 gI, 84 theta, 88 iBias, 92 refUntil, 96 idx,
;;            100 the current step, written before each call
;;   then the arrays (16-byte aligned), each with room for n rounded up to a multiple of 8 (two quads per iteration); padding
;;   neurons have refUntil = 2³¹ − 1, so they never integrate nor spike.
;;
;; Bit identity with lifCurrentStep32: every f32 operation is an IEEE-754 single operation in the
;; same order as there (which rounds each double result with Math.fround: for +, −, × of two
;; singles that is the correctly rounded single result); no fused multiply-add, no relaxed SIMD.
;; Synaptic variables whose magnitude falls below 2⁻⁶⁴ after their decay are set to +0 (lif.ts:
;; single precision would reach subnormal numbers after a few thousand steps without input, which
;; x86 computes ≈ 20× slower).
(module
  (import "env" "mem" (memory 1))

  ;; eight neurons (two quads) per iteration; returns the number of spikes, written to idx in increasing order
  (func $current32 (export "current32") (result i32)
    (local $a i32) (local $end i32) (local $count i32) (local $newRef i32) (local $m i32) (local $b i32)
    (local $pV i32) (local $pGE i32) (local $pGI i32) (local $pIB i32) (local $pRef i32) (local $pIdx i32)
    (local $vResetF f32)
    (local $vRest v128) (local $vThresh v128) (local $dM v128) (local $dE v128) (local $dI v128)
    (local $cE v128) (local $cI v128) (local $bg v128) (local $flush v128) (local $stepV v128)
    (local $ge v128) (local $gi v128) (local $v v128) (local $vi v128) (local $held v128) (local $spk0 v128) (local $spk1 v128) (local $x v128)
    i32.const 0 v128.load32_splat offset=0 local.set $vRest
    i32.const 0 v128.load32_splat offset=8 local.set $vThresh
    i32.const 0 v128.load32_splat offset=12 local.set $dM
    i32.const 0 v128.load32_splat offset=16 local.set $dE
    i32.const 0 v128.load32_splat offset=20 local.set $dI
    i32.const 0 v128.load32_splat offset=24 local.set $cE
    i32.const 0 v128.load32_splat offset=28 local.set $cI
    i32.const 0 v128.load32_splat offset=32 local.set $bg
    i32.const 0 v128.load32_splat offset=36 local.set $flush
    i32.const 0 v128.load32_splat offset=100 local.set $stepV
    i32.const 0 f32.load offset=4 local.set $vResetF
    i32.const 0 i32.load offset=72 local.set $pV
    i32.const 0 i32.load offset=76 local.set $pGE
    i32.const 0 i32.load offset=80 local.set $pGI
    i32.const 0 i32.load offset=88 local.set $pIB
    i32.const 0 i32.load offset=92 local.set $pRef
    i32.const 0 i32.load offset=96 local.set $pIdx
    i32.const 0 i32.load offset=100 i32.const 0 i32.load offset=68 i32.add local.set $newRef
    ;; end = 4·(n rounded up to a multiple of 8)
    i32.const 0 i32.load offset=64 i32.const 7 i32.add i32.const -8 i32.and i32.const 2 i32.shl local.set $end
    block $done
      loop $octets
        local.get $a local.get $end i32.ge_u br_if $done
        ;; quad at byte offset a + 0: gE, gI decay (magnitudes below the flush bound become +0)
        local.get $pGE local.get $a i32.add v128.load offset=0 local.set $ge
        local.get $pGI local.get $a i32.add v128.load offset=0 local.set $gi
        local.get $pGE local.get $a i32.add
        local.get $ge local.get $dE f32x4.mul local.tee $x
        local.get $x f32x4.abs local.get $flush f32x4.ge v128.and
        v128.store offset=0
        local.get $pGI local.get $a i32.add
        local.get $gi local.get $dI f32x4.mul local.tee $x
        local.get $x f32x4.abs local.get $flush f32x4.ge v128.and
        v128.store offset=0
        ;; vi = vRest + (v − vRest)·decayMem + gE·couplingE + gI·couplingI + iBias·biasGain
        local.get $pV local.get $a i32.add v128.load offset=0 local.set $v
        local.get $vRest
        local.get $v local.get $vRest f32x4.sub local.get $dM f32x4.mul
        f32x4.add
        local.get $ge local.get $cE f32x4.mul f32x4.add
        local.get $gi local.get $cI f32x4.mul f32x4.add
        local.get $pIB local.get $a i32.add v128.load offset=0 local.get $bg f32x4.mul f32x4.add
        local.set $vi
        ;; held = refUntil > step; spk = ¬held ∧ vi > vThresh; v ← held ? v : vi
        local.get $pRef local.get $a i32.add v128.load offset=0 local.get $stepV i32x4.gt_s local.set $held
        local.get $vi local.get $vThresh f32x4.gt local.get $held v128.andnot local.set $spk0
        local.get $pV local.get $a i32.add
        local.get $v local.get $vi local.get $held v128.bitselect
        v128.store offset=0
        ;; quad at byte offset a + 16: gE, gI decay (magnitudes below the flush bound become +0)
        local.get $pGE local.get $a i32.add v128.load offset=16 local.set $ge
        local.get $pGI local.get $a i32.add v128.load offset=16 local.set $gi
        local.get $pGE local.get $a i32.add
        local.get $ge local.get $dE f32x4.mul local.tee $x
        local.get $x f32x4.abs local.get $flush f32x4.ge v128.and
        v128.store offset=16
        local.get $pGI local.get $a i32.add
        local.get $gi local.get $dI f32x4.mul local.tee $x
        local.get $x f32x4.abs local.get $flush f32x4.ge v128.and
        v128.store offset=16
        ;; vi = vRest + (v − vRest)·decayMem + gE·couplingE + gI·couplingI + iBias·biasGain
        local.get $pV local.get $a i32.add v128.load offset=16 local.set $v
        local.get $vRest
        local.get $v local.get $vRest f32x4.sub local.get $dM f32x4.mul
        f32x4.add
        local.get $ge local.get $cE f32x4.mul f32x4.add
        local.get $gi local.get $cI f32x4.mul f32x4.add
        local.get $pIB local.get $a i32.add v128.load offset=16 local.get $bg f32x4.mul f32x4.add
        local.set $vi
        ;; held = refUntil > step; spk = ¬held ∧ vi > vThresh; v ← held ? v : vi
        local.get $pRef local.get $a i32.add v128.load offset=16 local.get $stepV i32x4.gt_s local.set $held
        local.get $vi local.get $vThresh f32x4.gt local.get $held v128.andnot local.set $spk1
        local.get $pV local.get $a i32.add
        local.get $v local.get $vi local.get $held v128.bitselect
        v128.store offset=16
        ;; spikes (rare): reset, refractory, index — lanes in increasing neuron order
        local.get $spk0 local.get $spk1 v128.or v128.any_true
        if
          local.get $spk0 i32x4.bitmask local.get $spk1 i32x4.bitmask i32.const 4 i32.shl i32.or local.set $m
          block $lanesDone
            loop $lanes
              local.get $m i32.eqz br_if $lanesDone
              ;; b = byte offset of the lowest spiking lane
              local.get $a local.get $m i32.ctz i32.const 2 i32.shl i32.add local.set $b
              local.get $pV local.get $b i32.add local.get $vResetF f32.store
              local.get $pRef local.get $b i32.add local.get $newRef i32.store
              local.get $pIdx local.get $count i32.const 2 i32.shl i32.add local.get $b i32.const 2 i32.shr_u i32.store
              local.get $count i32.const 1 i32.add local.set $count
              local.get $m local.get $m i32.const 1 i32.sub i32.and local.set $m
              br $lanes
            end
          end
        end
        local.get $a i32.const 32 i32.add local.set $a
        br $octets
      end
    end
    local.get $count)
)
