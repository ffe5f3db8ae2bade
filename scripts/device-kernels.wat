;; WebAssembly version of the linear device kernel of core/devices/array.ts (`linearKernel`) — the
;; source of core/devices/device-wasm-bytes.ts. Rebuild with `node scripts/build-wasm.mjs` (a small
;; assembler for this flat-instruction subset of the text format; the file is also valid WAT).
;;
;; Each accelerated device array owns one fixed-size memory (never grown), imported as env.mem:
;;
;;   header (bytes 0–2047), written by core/devices/device-wasm.ts:
;;     f64 at   0 gMin, 8 gMax, 16 W/BOUND_SCALE, 24 kUp, 32 kDown (1/Pmax · efficacy / FACTOR_ONE),
;;             40 σ_c2c, 48 1/endurance, 56 drift t0, 64 eUp, 72 eDown, 80 ν mean, 88 ν σ,
;;             96 levels (0 = continuous),
;;             104 energy accumulator [nJ] (in/out: a call may be split into chunks),
;;             112–136 the Alea state s0, s1, s2, s3 of the c2c stream (in/out)
;;     i64 at 144 the wear-out pulse count (limit)
;;     i32 at 152 finite endurance, 156 stuck mode (0 gMin, 1 gMax, 2 last), 160 drifting,
;;             164 'pcm' drift law, 168 c2c on, 172 levels on;
;;             176 g, 180 pulseCount, 184 tProg, 188 stepUp, 192 stepDown, 196 boundLo, 200 boundHi,
;;             204 driftZ, 208 idx, 212 counts (byte offsets of the arrays)
;;     f64 at 216 +1, 224 −1 (the sign of a step, selected by address)
;;     u32 at 256 the ziggurat table KN[128], f64 at 768 WN[128] (core/devices/normal.ts)
;;     bytes 1792–1823: scratch of the two-device lanes (two conductances, two c2c normals)
;;     f64 tables of core/devices/drift-math.ts: 2048 c_j[128], 3072 1/c_j[128], 4096 ln c_j[128],
;;             5120 2^(j/128)[128]; f64 at 6144 ln 2, 6152 ln2/128 HI, 6160 ln2/128 LO, 6168 128/ln 2,
;;             6176 1.5·2⁵²
;;     f64x2 tables of the pair path, row upA + 2·upB = (value for a's polarity, for b's): 6208 (eUp |
;;             eDown), 6272 (kUp | kDown), 6336 (+1 | −1)
;;   then the state arrays (8-byte aligned) and the idx/counts buffer of one chunk.
;;
;; Bit identity with the JavaScript kernel: every f64 operation is an IEEE-754 double operation in
;; the same order as in array.ts (no fused multiply-add); Float32/Int16/Uint16 loads and stores
;; convert exactly as typed-array reads and writes do; the drift fold's ln and exp are drift-math.ts's
;; driftLog and driftExp, operation for operation ($lnD, $expD below; scripts/build-wasm.mjs inlines
;; their calls: as calls they cost the pair path ≈ 3 ns per folded pulse); the ziggurat's rare slow
;; path is the JavaScript `nfix` itself, run on the state in this memory.
;; test/core/devices/kernel-identity.test.ts runs both kernels side by side, and
;; test/core/devices/drift-math.test.ts compares the exported ln and exp bit for bit.
(module
  (import "env" "mem" (memory 1))
  ;; nfix(hz, iz): the ziggurat slow path on the Alea state at bytes 112–143
  (import "env" "nfix" (func $nfix (param i32 i32) (result f64)))

  ;; ln x of core/devices/drift-math.ts `driftLog` (x a positive normal double), operation for operation:
  ;; e, j from the bits; m = x·2^−e (exact); r = (m − c_j)·(1/c_j); (e·ln2 + ln c_j) + log1p(r)
  (func $lnD (param $x f64) (result f64)
    (local $hi i32) (local $j i32) (local $e i32) (local $r f64)
    local.get $x i64.reinterpret_f64 i64.const 32 i64.shr_u i32.wrap_i64 local.set $hi
    local.get $hi i32.const 13 i32.shr_u i32.const 127 i32.and local.set $j
    local.get $hi i32.const 20 i32.shr_u i32.const 1023 i32.sub local.get $j i32.const 6 i32.shr_u i32.add local.set $e
    local.get $x
    i32.const 1023 local.get $e i32.sub i64.extend_i32_u i64.const 52 i64.shl f64.reinterpret_i64
    f64.mul
    local.get $j i32.const 3 i32.shl f64.load offset=2048
    f64.sub
    local.get $j i32.const 3 i32.shl f64.load offset=3072
    f64.mul local.set $r
    ;; r − r·r·(0.5 − r·(1/3 − r·(0.25 − r·(0.2 − r·(1/6)))))
    local.get $r
    local.get $r local.get $r f64.mul
    f64.const 0.5
    local.get $r
    f64.const 0.3333333333333333
    local.get $r
    f64.const 0.25
    local.get $r
    f64.const 0.2
    local.get $r f64.const 0.16666666666666666 f64.mul
    f64.sub f64.mul
    f64.sub f64.mul
    f64.sub f64.mul
    f64.sub f64.mul
    f64.sub local.set $r
    local.get $e f64.convert_i32_s i32.const 0 f64.load offset=6144 f64.mul
    local.get $j i32.const 3 i32.shl f64.load offset=4096
    f64.add
    local.get $r f64.add)

  ;; e^y of core/devices/drift-math.ts `driftExp`, operation for operation: y clamped to [−708, 708];
  ;; k = nearest(y·128/ln2) by the 1.5·2⁵² shift; r = (y − k·HI) − k·LO; 2^(k>>7)·(2^((k&127)/128)·e^r)
  (func $expD (param $y f64) (result f64)
    (local $kf f64) (local $k i32) (local $r f64)
    f64.const -708 local.get $y local.get $y f64.const -708 f64.lt select local.set $y
    f64.const 708 local.get $y local.get $y f64.const 708 f64.gt select local.set $y
    local.get $y i32.const 0 f64.load offset=6168 f64.mul i32.const 0 f64.load offset=6176 f64.add
    i32.const 0 f64.load offset=6176 f64.sub local.tee $kf
    i32.trunc_sat_f64_s local.set $k
    local.get $y local.get $kf i32.const 0 f64.load offset=6152 f64.mul f64.sub
    local.get $kf i32.const 0 f64.load offset=6160 f64.mul f64.sub local.set $r
    ;; 1 + (r + r·r·(0.5 + r·(1/6 + r·(1/24 + r·(1/120)))))
    f64.const 1
    local.get $r
    local.get $r local.get $r f64.mul
    f64.const 0.5
    local.get $r
    f64.const 0.16666666666666666
    local.get $r
    f64.const 0.041666666666666664
    local.get $r f64.const 0.008333333333333333 f64.mul
    f64.add f64.mul
    f64.add f64.mul
    f64.add f64.mul
    f64.add f64.add
    local.set $r
    local.get $k i32.const 127 i32.and i32.const 3 i32.shl f64.load offset=5120
    local.get $r f64.mul
    local.get $k i32.const 7 i32.shr_s i32.const 1023 i32.add i64.extend_i32_u i64.const 52 i64.shl f64.reinterpret_i64
    f64.mul)

  ;; ν of the 'pcm' drift law (aihwkit PCMLikeNoiseModel) for conductance gi and stored draw z: array.ts pcmNu
  (func $pcmNu (param $gi f64) (param $gMax f64) (param $z f64) (result f64)
    (local $lx f64) (local $mu f64) (local $sd f64)
    local.get $gi local.get $gMax f64.div
    f64.const 1e-12
    local.get $gi f64.const 0 f64.gt
    select
    call $lnD local.set $lx
    ;; mu = −0.0155·lx + 0.0244 clipped to [0.049, 0.1]
    f64.const -0.0155 local.get $lx f64.mul f64.const 0.0244 f64.add local.set $mu
    f64.const 0.1 local.get $mu local.get $mu f64.const 0.1 f64.gt select local.set $mu
    f64.const 0.049 local.get $mu local.get $mu f64.const 0.049 f64.lt select local.set $mu
    ;; sd = −0.0125·lx − 0.0059 clipped to [0.008, 0.045]
    f64.const -0.0125 local.get $lx f64.mul f64.const 0.0059 f64.sub local.set $sd
    f64.const 0.045 local.get $sd local.get $sd f64.const 0.045 f64.gt select local.set $sd
    f64.const 0.008 local.get $sd local.get $sd f64.const 0.008 f64.lt select local.set $sd
    local.get $mu
    local.get $sd local.get $z f64.mul f64.const 0.000244140625 f64.mul
    f64.add)

  ;; driftLog and driftExp as the kernel runs them (inlined here too), exported for the tests that
  ;; compare them bit for bit with drift-math.ts on 10⁶ arguments: through the pulse kernel, a one-ulp
  ;; difference would almost never show in a Float32 conductance or in the energy sum
  (func $driftLogExport (export "driftLog") (param $x f64) (result f64)
    local.get $x call $lnD)
  (func $driftExpExport (export "driftExp") (param $y f64) (result f64)
    local.get $y call $expD)

  ;; linearKernel on idx/counts[0, n) at time tNow [ms]; returns the number of pulses (energy and the
  ;; stream state are left in the header).
  (func $linear (export "linear") (param $n i32) (param $tNow f64) (result f64)
    (local $k i32) (local $i i32) (local $cnt i32) (local $up i32) (local $q i32) (local $hz i32) (local $iz i32)
    (local $pIdx i32) (local $pCnt i32)
    ;; the header's array offsets (g, pulseCount, tProg, stepUp, stepDown, boundLo, boundHi, driftZ)
    ;; and flags (finite endurance, stuck mode, drifting, 'pcm' law, c2c on, levels on), read once
    (local $bG i32) (local $bPc i32) (local $bTp i32) (local $bSu i32) (local $bSd i32) (local $bBl i32) (local $bBh i32) (local $bDz i32)
    (local $fE i32) (local $stk i32) (local $fDr i32) (local $fPcm i32) (local $fC2c i32) (local $fQ i32)
    (local $p i64) (local $ahz i64) (local $tNowF f32)
    (local $energy f64) (local $pulses f64)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64) (local $t f64) (local $z f64)
    (local $lnDt f64) (local $lnV f64) (local $dt f64) (local $nu f64)
    (local $gi f64) (local $ec f64) (local $lo0 f64) (local $hi0 f64) (local $lo f64) (local $hi f64)
    (local $step f64) (local $gs f64) (local $qs f64) (local $iqs f64) (local $r f64) (local $x f64) (local $fl f64)
    (local $m i32) (local $ia i32) (local $ib i32) (local $ca i32) (local $cb i32) (local $upA i32) (local $upB i32) (local $addr i32)
    (local $pa i64) (local $pb i64) (local $limit i64)
    (local $vg v128) (local $vlo0 v128) (local $vhi0 v128) (local $vspan v128) (local $vstep v128) (local $vgs v128)
    (local $vqs v128) (local $viqs v128) (local $vlo v128) (local $vhi v128) (local $vx v128) (local $vfl v128) (local $vr v128)
    i32.const 0 f64.load offset=104 local.set $energy
    i32.const 0 f64.load offset=112 local.set $s0
    i32.const 0 f64.load offset=120 local.set $s1
    i32.const 0 f64.load offset=128 local.set $s2
    i32.const 0 f64.load offset=136 local.set $s3
    i32.const 0 i32.load offset=176 local.set $bG
    i32.const 0 i32.load offset=180 local.set $bPc
    i32.const 0 i32.load offset=184 local.set $bTp
    i32.const 0 i32.load offset=188 local.set $bSu
    i32.const 0 i32.load offset=192 local.set $bSd
    i32.const 0 i32.load offset=196 local.set $bBl
    i32.const 0 i32.load offset=200 local.set $bBh
    i32.const 0 i32.load offset=204 local.set $bDz
    i32.const 0 i32.load offset=152 local.set $fE
    i32.const 0 i32.load offset=156 local.set $stk
    i32.const 0 i32.load offset=160 local.set $fDr
    i32.const 0 i32.load offset=164 local.set $fPcm
    i32.const 0 i32.load offset=168 local.set $fC2c
    i32.const 0 i32.load offset=172 local.set $fQ
    ;; tProg of every device programmed by this call
    local.get $tNow f32.demote_f64 local.set $tNowF
    i32.const 0 i32.load offset=208 local.set $pIdx
    i32.const 0 i32.load offset=212 local.set $pCnt
    f64.const 0 local.set $pulses
    f64.const nan local.set $lnDt
    i32.const 0 i64.load offset=144 local.set $limit
    block $done
      loop $next
        local.get $k local.get $n i32.ge_s br_if $done
        ;; ——— two single pulses on two distinct devices that neither are nor become worn out (the
        ;; STDP case): both devices' arithmetic in the two lanes of f64x2 vectors. Each lane performs
        ;; the very operations of the one-device path below, in the same order, and the stream and the
        ;; energy sum are advanced device a first, then device b, so the results are the same bits.
        ;; Why: one device's chain (loads → window → step → quantisation's two divisions → clip) is
        ;; ~80 cycles long and the one-device loop is too large for the CPU to overlap two of them.
        block $single
          local.get $k i32.const 1 i32.add local.get $n i32.ge_s br_if $single
          local.get $k i32.const 2 i32.shl local.get $pCnt i32.add local.tee $addr i32.load local.set $ca
          local.get $addr i32.load offset=4 local.set $cb
          ;; both counts ±1: (c + 1) ∈ {0, 2}, i.e. (c + 1) & ~2 = 0
          local.get $ca i32.const 1 i32.add local.get $cb i32.const 1 i32.add i32.or i32.const -3 i32.and br_if $single
          local.get $k i32.const 2 i32.shl local.get $pIdx i32.add local.tee $addr i32.load local.set $ia
          local.get $addr i32.load offset=4 local.set $ib
          local.get $ia local.get $ib i32.eq br_if $single
          local.get $ia i32.const 2 i32.shl local.get $bPc i32.add i64.load32_u local.set $pa
          local.get $ib i32.const 2 i32.shl local.get $bPc i32.add i64.load32_u local.set $pb
          local.get $pa i64.const 1 i64.add local.get $limit i64.ge_u br_if $single
          local.get $pb i64.const 1 i64.add local.get $limit i64.ge_u br_if $single
          local.get $k i32.const 2 i32.add local.set $k
          local.get $pulses f64.const 2 f64.add local.set $pulses
          local.get $ca i32.const 1 i32.add i32.const 1 i32.shr_u local.set $upA
          local.get $cb i32.const 1 i32.add i32.const 1 i32.shr_u local.set $upB
          ;; the pair's polarity pattern: row upA + 2·upB of the header's (a, b) constant tables
          local.get $upA local.get $upB i32.const 1 i32.shl i32.or i32.const 4 i32.shl local.set $m
          ;; the c2c normals of a and b, in this order, into bytes 1808–1823
          local.get $fC2c
          if
            ;; a's normal, then b's, written out twice: the loop's counter and exit test cost ≈ 3 % per
            ;; pulse, and an inlined function cannot advance the Alea state held in this function's locals
            f64.const 2091639 local.get $s0 f64.mul
            local.get $s3 f64.const 2.3283064365386963e-10 f64.mul
            f64.add local.set $t
            local.get $s1 local.set $s0
            local.get $s2 local.set $s1
            local.get $t f64.floor local.set $s3
            local.get $t local.get $s3 f64.sub local.set $s2
            local.get $s2 f64.const 4294967296 f64.mul i64.trunc_f64_s i32.wrap_i64 local.set $hz
            local.get $hz i32.const 127 i32.and local.set $iz
            local.get $hz i64.extend_i32_s local.set $ahz
            i64.const 0 local.get $ahz i64.sub
            local.get $ahz
            local.get $ahz i64.const 0 i64.lt_s
            select
            local.get $iz i32.const 2 i32.shl i64.load32_u offset=256
            i64.lt_s
            if
              local.get $hz f64.convert_i32_s
              local.get $iz i32.const 3 i32.shl f64.load offset=768
              f64.mul local.set $z
            else
              i32.const 0 local.get $s0 f64.store offset=112
              i32.const 0 local.get $s1 f64.store offset=120
              i32.const 0 local.get $s2 f64.store offset=128
              i32.const 0 local.get $s3 f64.store offset=136
              local.get $hz local.get $iz call $nfix local.set $z
              i32.const 0 f64.load offset=112 local.set $s0
              i32.const 0 f64.load offset=120 local.set $s1
              i32.const 0 f64.load offset=128 local.set $s2
              i32.const 0 f64.load offset=136 local.set $s3
            end
            i32.const 0 local.get $z f64.store offset=1808
            f64.const 2091639 local.get $s0 f64.mul
            local.get $s3 f64.const 2.3283064365386963e-10 f64.mul
            f64.add local.set $t
            local.get $s1 local.set $s0
            local.get $s2 local.set $s1
            local.get $t f64.floor local.set $s3
            local.get $t local.get $s3 f64.sub local.set $s2
            local.get $s2 f64.const 4294967296 f64.mul i64.trunc_f64_s i32.wrap_i64 local.set $hz
            local.get $hz i32.const 127 i32.and local.set $iz
            local.get $hz i64.extend_i32_s local.set $ahz
            i64.const 0 local.get $ahz i64.sub
            local.get $ahz
            local.get $ahz i64.const 0 i64.lt_s
            select
            local.get $iz i32.const 2 i32.shl i64.load32_u offset=256
            i64.lt_s
            if
              local.get $hz f64.convert_i32_s
              local.get $iz i32.const 3 i32.shl f64.load offset=768
              f64.mul local.set $z
            else
              i32.const 0 local.get $s0 f64.store offset=112
              i32.const 0 local.get $s1 f64.store offset=120
              i32.const 0 local.get $s2 f64.store offset=128
              i32.const 0 local.get $s3 f64.store offset=136
              local.get $hz local.get $iz call $nfix local.set $z
              i32.const 0 f64.load offset=112 local.set $s0
              i32.const 0 f64.load offset=120 local.set $s1
              i32.const 0 f64.load offset=128 local.set $s2
              i32.const 0 f64.load offset=136 local.set $s3
            end
            i32.const 0 local.get $z f64.store offset=1816
          end
          ;; conductances of a and b into bytes 1792–1807, each with its drift folded in (the one-device
          ;; path's fold below, lane by lane; as a function shared by both paths it cost the pair path
          ;; ≈ 0.7 ns per pulse even without any fold, so it is written out twice)
          i32.const 0 local.get $ia i32.const 2 i32.shl local.get $bG i32.add f32.load f64.promote_f32 f64.store offset=1792
          i32.const 0 local.get $ib i32.const 2 i32.shl local.get $bG i32.add f32.load f64.promote_f32 f64.store offset=1800
          ;; the loop only when a device of the pair has drifted, tNow − tProg > t0 for a or b (one
          ;; test for both instead of the loop's two: −1 ns per pulse without any fold; the loop then
          ;; recomputes dt, as handing the two dt over in locals measured no faster)
          local.get $fDr
          local.get $tNow
          local.get $ia i32.const 2 i32.shl local.get $bTp i32.add f32.load f64.promote_f32
          f64.sub i32.const 0 f64.load offset=56 f64.gt
          local.get $tNow
          local.get $ib i32.const 2 i32.shl local.get $bTp i32.add f32.load f64.promote_f32
          f64.sub i32.const 0 f64.load offset=56 f64.gt
          i32.or i32.and
          if
            i32.const 0 local.set $q
            loop $fold
              local.get $ib local.get $ia local.get $q select local.set $i
              local.get $tNow
              local.get $i i32.const 2 i32.shl local.get $bTp i32.add f32.load f64.promote_f32
              f64.sub local.set $dt
              local.get $dt i32.const 0 f64.load offset=56 f64.gt
              if
                local.get $q i32.const 3 i32.shl f64.load offset=1792 local.set $gi
                local.get $dt local.get $lnDt f64.ne
                if
                  local.get $dt local.set $lnDt
                  local.get $dt i32.const 0 f64.load offset=56 f64.div call $lnD local.set $lnV
                end
                local.get $fPcm
                if
                  local.get $gi i32.const 0 f64.load offset=8
                  local.get $i i32.const 1 i32.shl local.get $bDz i32.add i32.load16_s f64.convert_i32_s
                  call $pcmNu local.set $nu
                else
                  i32.const 0 f64.load offset=80
                  i32.const 0 f64.load offset=88
                  local.get $i i32.const 1 i32.shl local.get $bDz i32.add i32.load16_s f64.convert_i32_s
                  f64.mul f64.const 0.000244140625 f64.mul
                  f64.add local.set $nu
                end
                local.get $q i32.const 3 i32.shl
                local.get $gi
                local.get $nu f64.neg local.get $lnV f64.mul call $expD
                f64.mul f64.store offset=1792
              end
              local.get $q i32.const 1 i32.add local.tee $q i32.const 2 i32.lt_s br_if $fold
            end
          end
          i32.const 0 v128.load offset=1792 local.set $vg
          ;; energy of the two pulses at the conductance before each, a then b
          local.get $vg
          local.get $m v128.load offset=6208
          f64x2.mul local.set $vx
          local.get $energy local.get $vx f64x2.extract_lane 0 f64.add
          local.get $vx f64x2.extract_lane 1 f64.add local.set $energy
          ;; windows: lo0 = gMin + boundLo·wB, hi0 = gMax + boundHi·wB
          i32.const 0 v128.load64_splat offset=0
          local.get $ia i32.const 1 i32.shl local.get $bBl i32.add i32.load16_s f64.convert_i32_s f64x2.splat
          local.get $ib i32.const 1 i32.shl local.get $bBl i32.add i32.load16_s f64.convert_i32_s f64x2.replace_lane 1
          i32.const 0 v128.load64_splat offset=16 f64x2.mul
          f64x2.add local.set $vlo0
          i32.const 0 v128.load64_splat offset=8
          local.get $ia i32.const 1 i32.shl local.get $bBh i32.add i32.load16_s f64.convert_i32_s f64x2.splat
          local.get $ib i32.const 1 i32.shl local.get $bBh i32.add i32.load16_s f64.convert_i32_s f64x2.replace_lane 1
          i32.const 0 v128.load64_splat offset=16 f64x2.mul
          f64x2.add local.set $vhi0
          local.get $vhi0 local.get $vlo0 f64x2.sub local.set $vspan
          ;; step = ((hi0 − lo0)·k·s)·(±1), k, s and ±1 of each lane's polarity
          local.get $vspan
          local.get $m v128.load offset=6272
          f64x2.mul
          local.get $ia i32.const 1 i32.shl
          local.get $bSu local.get $bSd local.get $upA select
          i32.add i32.load16_u f64.convert_i32_s f64x2.splat
          local.get $ib i32.const 1 i32.shl
          local.get $bSu local.get $bSd local.get $upB select
          i32.add i32.load16_u f64.convert_i32_s f64x2.replace_lane 1
          f64x2.mul
          local.get $m v128.load offset=6336
          f64x2.mul local.set $vstep
          ;; the pulse
          local.get $vg local.get $vstep f64x2.add local.set $vg
          local.get $fC2c
          if
            local.get $vg
            i32.const 0 v128.load64_splat offset=40 i32.const 0 v128.load offset=1808 f64x2.mul
            f64x2.add local.set $vg
          end
          local.get $pa i64.const 1 i64.add local.set $pa
          local.get $pb i64.const 1 i64.add local.set $pb
          local.get $vlo0 local.set $vlo
          local.get $vhi0 local.set $vhi
          local.get $fE
          if
            ;; gs of the stuck mode; the window shrinks towards it by (p/endurance)²
            local.get $vlo0
            local.get $vhi0
            f64.const 0.5 f64x2.splat local.get $vlo0 local.get $vhi0 f64x2.add f64x2.mul
            local.get $stk i32.const 1 i32.eq
            select
            local.get $stk i32.eqz
            select
            local.set $vgs
            local.get $pa f64.convert_i64_s f64x2.splat local.get $pb f64.convert_i64_s f64x2.replace_lane 1
            i32.const 0 v128.load64_splat offset=48 f64x2.mul local.set $vr
            local.get $vr local.get $vr f64x2.mul local.set $vr
            local.get $vlo0 local.get $vgs local.get $vlo0 f64x2.sub local.get $vr f64x2.mul f64x2.add local.set $vlo
            local.get $vhi0 local.get $vhi0 local.get $vgs f64x2.sub local.get $vr f64x2.mul f64x2.sub local.set $vhi
          end
          local.get $fQ
          if
            local.get $vspan i32.const 0 f64.load offset=96 f64.const 1 f64.sub f64x2.splat f64x2.div local.set $vqs
            f64.const 1 f64x2.splat local.get $vqs f64x2.div local.set $viqs
            local.get $vg local.get $vlo0 f64x2.sub local.get $viqs f64x2.mul local.set $vx
            local.get $vx f64x2.floor local.set $vfl
            local.get $vlo0
            local.get $vfl
            local.get $vx local.get $vfl f64x2.sub f64.const 0.5 f64x2.splat f64x2.ge f64.const 1 f64x2.splat v128.and
            f64x2.add local.get $vqs f64x2.mul
            f64x2.add local.set $vg
          end
          ;; clip: g < lo ? lo : g > hi ? hi : g
          local.get $vlo
          local.get $vhi local.get $vg local.get $vg local.get $vhi f64x2.gt v128.bitselect
          local.get $vg local.get $vlo f64x2.lt
          v128.bitselect local.set $vg
          local.get $ia i32.const 2 i32.shl local.get $bG i32.add local.get $vg f64x2.extract_lane 0 f32.demote_f64 f32.store
          local.get $ib i32.const 2 i32.shl local.get $bG i32.add local.get $vg f64x2.extract_lane 1 f32.demote_f64 f32.store
          local.get $ia i32.const 2 i32.shl local.get $bPc i32.add
          i64.const 4294967294 local.get $pa local.get $pa i64.const 4294967294 i64.gt_u select
          i64.store32
          local.get $ib i32.const 2 i32.shl local.get $bPc i32.add
          i64.const 4294967294 local.get $pb local.get $pb i64.const 4294967294 i64.gt_u select
          i64.store32
          local.get $ia i32.const 2 i32.shl local.get $bTp i32.add local.get $tNowF f32.store
          local.get $ib i32.const 2 i32.shl local.get $bTp i32.add local.get $tNowF f32.store
          br $next
        end
        local.get $k i32.const 2 i32.shl local.get $pIdx i32.add i32.load local.set $i
        local.get $k i32.const 2 i32.shl local.get $pCnt i32.add i32.load local.set $cnt
        local.get $k i32.const 1 i32.add local.set $k
        local.get $cnt i32.eqz br_if $next
        ;; polarity without a branch (random signs would mispredict half the time)
        local.get $cnt i32.const 0 i32.gt_s local.set $up
        local.get $cnt i32.const 0 local.get $cnt i32.sub local.get $up select local.set $cnt
        local.get $pulses local.get $cnt f64.convert_i32_s f64.add local.set $pulses
        local.get $i i32.const 2 i32.shl local.get $bG i32.add f32.load f64.promote_f32 local.set $gi
        ;; ec = up ? eUp : eDown, selected by address (V8 compiles an f64 select to a branch, and
        ;; random polarities would mispredict it half the time)
        i32.const 1 local.get $up i32.sub i32.const 3 i32.shl f64.load offset=64 local.set $ec
        local.get $i i32.const 2 i32.shl local.get $bPc i32.add i64.load32_u local.set $p
        ;; worn out or faulty: the pulses cost energy and change nothing
        local.get $p i32.const 0 i64.load offset=144 i64.ge_u
        if
          local.get $energy
          local.get $cnt f64.convert_i32_s local.get $ec f64.mul local.get $gi f64.mul
          f64.add local.set $energy
          br $next
        end
        ;; fold in the drift since the last programming: gi ·= e^(−ν·ln(dt/t0)) when dt > t0
        local.get $fDr
        if
          local.get $tNow
          local.get $i i32.const 2 i32.shl local.get $bTp i32.add f32.load f64.promote_f32
          f64.sub local.set $dt
          local.get $dt i32.const 0 f64.load offset=56 f64.gt
          if
            local.get $dt local.get $lnDt f64.ne
            if
              local.get $dt local.set $lnDt
              local.get $dt i32.const 0 f64.load offset=56 f64.div call $lnD local.set $lnV
            end
            local.get $fPcm
            if
              local.get $gi i32.const 0 f64.load offset=8
              local.get $i i32.const 1 i32.shl local.get $bDz i32.add i32.load16_s f64.convert_i32_s
              call $pcmNu local.set $nu
            else
              i32.const 0 f64.load offset=80
              i32.const 0 f64.load offset=88
              local.get $i i32.const 1 i32.shl local.get $bDz i32.add i32.load16_s f64.convert_i32_s
              f64.mul f64.const 0.000244140625 f64.mul
              f64.add local.set $nu
            end
            local.get $gi
            local.get $nu f64.neg local.get $lnV f64.mul call $expD
            f64.mul local.set $gi
          end
        end
        ;; the device's own window and step (d2d)
        i32.const 0 f64.load offset=0
        local.get $i i32.const 1 i32.shl local.get $bBl i32.add i32.load16_s f64.convert_i32_s i32.const 0 f64.load offset=16 f64.mul
        f64.add local.set $lo0
        i32.const 0 f64.load offset=8
        local.get $i i32.const 1 i32.shl local.get $bBh i32.add i32.load16_s f64.convert_i32_s i32.const 0 f64.load offset=16 f64.mul
        f64.add local.set $hi0
        ;; step = up ? (hi0 − lo0)·kUp·stepUp : −(hi0 − lo0)·kDown·stepDown, as ((hi0 − lo0)·k·s)·(±1)
        ;; (negation commutes exactly with rounding), k, s and ±1 selected by address (no branch)
        local.get $hi0 local.get $lo0 f64.sub
        i32.const 1 local.get $up i32.sub i32.const 3 i32.shl f64.load offset=24
        f64.mul
        local.get $i i32.const 1 i32.shl
        local.get $bSu local.get $bSd local.get $up select
        i32.add i32.load16_u f64.convert_i32_s
        f64.mul
        i32.const 1 local.get $up i32.sub i32.const 3 i32.shl f64.load offset=216
        f64.mul local.set $step
        ;; gs = stuck 0 ? lo0 : stuck 1 ? hi0 : (lo0 + hi0)/2
        local.get $lo0
        local.get $hi0
        f64.const 0.5 local.get $lo0 local.get $hi0 f64.add f64.mul
        local.get $stk i32.const 1 i32.eq
        select
        local.get $stk i32.eqz
        select
        local.set $gs
        f64.const 0 local.set $qs
        f64.const 0 local.set $iqs
        local.get $fQ
        if
          local.get $hi0 local.get $lo0 f64.sub i32.const 0 f64.load offset=96 f64.const 1 f64.sub f64.div local.set $qs
          f64.const 1 local.get $qs f64.div local.set $iqs
        end
        local.get $lo0 local.set $lo
        local.get $hi0 local.set $hi
        i32.const 0 local.set $q
        block $stored
        ;; Without c2c noise and wear the train needs a third of the live values: a loop of its own,
        ;; so that V8 keeps energy and gi in registers (in the general loop below they are spilled,
        ;; which doubles the cost per pulse of long trains such as the ideal device's).
        local.get $fC2c i32.eqz
        local.get $fE i32.eqz
        i32.and
        if
          loop $lean
            local.get $energy local.get $ec local.get $gi f64.mul f64.add local.set $energy
            local.get $gi local.get $step f64.add local.set $gi
            local.get $fQ
            if
              local.get $gi local.get $lo0 f64.sub local.get $iqs f64.mul local.set $x
              local.get $x f64.floor local.set $fl
              local.get $lo0
              local.get $fl
              local.get $x local.get $fl f64.sub f64.const 0.5 f64.ge f64.convert_i32_s
              f64.add local.get $qs f64.mul
              f64.add local.set $gi
            end
            ;; clip as branches here: in a train the next pulse depends on gi, and a conditional move
            ;; would lengthen that chain; trains stay away from the bounds most of the time
            local.get $lo
            local.get $hi local.get $gi local.get $gi local.get $hi f64.gt select
            local.get $gi local.get $lo f64.lt
            select local.set $gi
            local.get $q i32.const 1 i32.add local.tee $q
            local.get $cnt i32.lt_s br_if $lean
          end
          local.get $p local.get $cnt i64.extend_i32_s i64.add local.set $p
          br $stored
        end
        block $pend
          loop $pulse
            ;; (a do-while: cnt ≥ 1 here)
            local.get $energy local.get $ec local.get $gi f64.mul f64.add local.set $energy
            local.get $gi local.get $step f64.add local.set $gi
            local.get $fC2c
            if
              ;; Alea step (core/random.ts) and the ziggurat fast path (core/devices/normal.ts)
              f64.const 2091639 local.get $s0 f64.mul
              local.get $s3 f64.const 2.3283064365386963e-10 f64.mul
              f64.add local.set $t
              local.get $s1 local.set $s0
              local.get $s2 local.set $s1
              ;; t|0 of the JS Alea: t ∈ [0, 2091640) here, so it is floor(t) — one roundsd instead of a
              ;; saturating conversion and back
              local.get $t f64.floor local.set $s3
              local.get $t local.get $s3 f64.sub local.set $s2
              ;; hz = s2·2³² | 0; s2·2³² ∈ [0, 2³²) never traps, so the plain truncation (V8: one cvttsd2si
              ;; and an overflow test) gives the saturating one's bits without its range fix-ups
              local.get $s2 f64.const 4294967296 f64.mul i64.trunc_f64_s i32.wrap_i64 local.set $hz
              local.get $hz i32.const 127 i32.and local.set $iz
              local.get $hz i64.extend_i32_s local.set $ahz
              i64.const 0 local.get $ahz i64.sub
              local.get $ahz
              local.get $ahz i64.const 0 i64.lt_s
              select
              local.get $iz i32.const 2 i32.shl i64.load32_u offset=256
              i64.lt_s
              if
                local.get $hz f64.convert_i32_s
                local.get $iz i32.const 3 i32.shl f64.load offset=768
                f64.mul local.set $z
              else
                i32.const 0 local.get $s0 f64.store offset=112
                i32.const 0 local.get $s1 f64.store offset=120
                i32.const 0 local.get $s2 f64.store offset=128
                i32.const 0 local.get $s3 f64.store offset=136
                local.get $hz local.get $iz call $nfix local.set $z
                i32.const 0 f64.load offset=112 local.set $s0
                i32.const 0 f64.load offset=120 local.set $s1
                i32.const 0 f64.load offset=128 local.set $s2
                i32.const 0 f64.load offset=136 local.set $s3
              end
              local.get $gi i32.const 0 f64.load offset=40 local.get $z f64.mul f64.add local.set $gi
            end
            local.get $p i64.const 1 i64.add local.set $p
            local.get $fE
            if
              local.get $p i32.const 0 i64.load offset=144 i64.ge_u
              if
                ;; worn out by this pulse: stuck, the remaining pulses only cost energy
                i32.const 0 i64.load offset=144 local.set $p
                local.get $stk i32.const 2 i32.eq
                if
                  local.get $hi local.get $gi local.get $gi local.get $hi f64.gt select local.set $gi
                  local.get $lo local.get $gi local.get $gi local.get $lo f64.lt select local.set $gi
                else
                  local.get $gs local.set $gi
                end
                local.get $energy
                local.get $cnt local.get $q i32.sub i32.const 1 i32.sub f64.convert_i32_s local.get $ec f64.mul local.get $gi f64.mul
                f64.add local.set $energy
                br $pend
              end
              ;; the window shrinks towards the stuck conductance by (p/endurance)² (p < 2³³ here: the
              ;; signed conversion is exact and, unlike the unsigned one, a single instruction)
              local.get $p f64.convert_i64_s i32.const 0 f64.load offset=48 f64.mul local.set $r
              local.get $r local.get $r f64.mul local.set $r
              local.get $lo0 local.get $gs local.get $lo0 f64.sub local.get $r f64.mul f64.add local.set $lo
              local.get $hi0 local.get $hi0 local.get $gs f64.sub local.get $r f64.mul f64.sub local.set $hi
            end
            local.get $fQ
            if
              ;; gi = lo0 + roundHalfUp((gi − lo0)/qs)·qs
              local.get $gi local.get $lo0 f64.sub local.get $iqs f64.mul local.set $x
              local.get $x f64.floor local.set $fl
              local.get $lo0
              local.get $fl
              local.get $x local.get $fl f64.sub f64.const 0.5 f64.ge f64.convert_i32_s
              f64.add local.get $qs f64.mul
              f64.add local.set $gi
            end
                        ;; clip: gi < lo ? lo : gi > hi ? hi : gi, selecting the bits as i64 (a conditional move): V8
            ;; turns an f64 select into a branch, mispredicted whenever devices sit at their bounds
            ;; (measured: +14 ns per pulse on the bench's random single pulses)
            local.get $lo i64.reinterpret_f64
            local.get $hi i64.reinterpret_f64 local.get $gi i64.reinterpret_f64 local.get $gi local.get $hi f64.gt select
            local.get $gi local.get $lo f64.lt
            select f64.reinterpret_i64 local.set $gi
            local.get $q i32.const 1 i32.add local.tee $q
            local.get $cnt i32.lt_s br_if $pulse
          end
        end
        end
        local.get $i i32.const 2 i32.shl local.get $bG i32.add local.get $gi f32.demote_f64 f32.store
        ;; pulseCount = min(p, 2³² − 2) (2³² − 1 marks faults)
        local.get $i i32.const 2 i32.shl local.get $bPc i32.add
        i64.const 4294967294 local.get $p local.get $p i64.const 4294967294 i64.gt_u select
        i64.store32
        local.get $i i32.const 2 i32.shl local.get $bTp i32.add local.get $tNowF f32.store
        br $next
      end
    end
    i32.const 0 local.get $energy f64.store offset=104
    i32.const 0 local.get $s0 f64.store offset=112
    i32.const 0 local.get $s1 f64.store offset=120
    i32.const 0 local.get $s2 f64.store offset=128
    i32.const 0 local.get $s3 f64.store offset=136
    local.get $pulses)
)
