;; WebAssembly SIMD kernels of dense all-to-all weights — the column normalisation
;; (learning/homeostasis.ts) and the propagation of spikes (core/synapses/projection.ts's
;; propagateDense) — working in place on a store's weight memory (core/wasm.ts's
;; weightArrays) — the source of core/synapses/weights-wasm-bytes.ts. Rebuild with
;; `node scripts/build-wasm.mjs`.
;;
;; The memory is the store's, imported as env.mem. Its first WEIGHT_WORK_BYTES (131 072) are this
;; module's work area, laid out by core/synapses/weights-wasm.ts:
;;   f64 at   0 belowUp, 8 belowDown, 16 1/stepUp, 24 1/stepDown, 32 stepUp, 40 stepDown
;;   i32 at  64 nPre, 68 nPost (even, ≤ 4096), 72 byte offset of the weights, 76 of the residual
;;          (0: none), 80 pulse entries written by $feedback, 84 their capacity
;;   f64 at 256 one per column: the column sum ($colSums), then what learning/homeostasis.ts
;;          writes there (the factor target/sum − 1, or target/sum for $scale)
;;   i64 at 33 024 one per column: −1 when the column is left alone (it sums to ≤ 0), else 0
;;   i32 pairs at 65 792: the pulse entries (synapse, count) of $feedback
;; and, for $propagate, between two normalisations: f64 at 256 a copy of the target variable (one
;; per column), i32 at 65 792 the spiking rows.
;;
;; Bit identity with the JavaScript loops of learning/homeostasis.ts: a weight w and residual χ are
;; singles; the loops add and multiply them as doubles (exact promotions, then IEEE-754 double
;; operations in the same order) and round on storing to the Float32Array, which demote does the
;; same way (to nearest, ties to even). Two columns per instruction, rows in increasing order, so
;; every column's sum takes the same additions in the same order.
(module
  (import "env" "mem" (memory 1))

  ;; factor[i] = Σ_rows (w + χ) (Σ w without a residual), for every column i
  (func $colSums (export "colSums")
    (local $j i32) (local $i i32) (local $nPre i32) (local $colBytes i32) (local $rowBytes i32) (local $pw i32) (local $pr i32)
    i32.const 0 i32.load offset=64 local.set $nPre
    i32.const 0 i32.load offset=68 i32.const 3 i32.shl local.set $colBytes
    i32.const 0 i32.load offset=68 i32.const 2 i32.shl local.set $rowBytes
    i32.const 0 i32.load offset=72 local.set $pw
    i32.const 0 i32.load offset=76 local.set $pr
    block $zeroed
      loop $zero
        local.get $i local.get $colBytes i32.ge_u br_if $zeroed
        local.get $i f64.const 0 f64x2.splat v128.store offset=256
        local.get $i i32.const 16 i32.add local.set $i
        br $zero
      end
    end
    block $rowsDone
      loop $rows
        local.get $j local.get $nPre i32.ge_u br_if $rowsDone
        i32.const 0 local.set $i
        ;; two pairs of columns per iteration while two are left, then the odd pair; with and
        ;; without a residual as separate loops (the sums take the same additions either way)
        local.get $pr
        if
          block $resDone
            loop $res
              local.get $i i32.const 16 i32.add local.get $colBytes i32.ge_u br_if $resDone
              local.get $i
              local.get $i v128.load offset=256
              local.get $pw local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat f64x2.promote_low_f32x4
              local.get $pr local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat f64x2.promote_low_f32x4
              f64x2.add f64x2.add
              v128.store offset=256
              local.get $i
              local.get $i v128.load offset=272
              local.get $pw local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat offset=8 f64x2.promote_low_f32x4
              local.get $pr local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat offset=8 f64x2.promote_low_f32x4
              f64x2.add f64x2.add
              v128.store offset=272
              local.get $i i32.const 32 i32.add local.set $i
              br $res
            end
          end
          local.get $i local.get $colBytes i32.lt_u
          if
            local.get $i
            local.get $i v128.load offset=256
            local.get $pw local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat f64x2.promote_low_f32x4
            local.get $pr local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat f64x2.promote_low_f32x4
            f64x2.add f64x2.add
            v128.store offset=256
          end
          local.get $pr local.get $rowBytes i32.add local.set $pr
        else
          block $plainDone
            loop $plain
              local.get $i i32.const 16 i32.add local.get $colBytes i32.ge_u br_if $plainDone
              local.get $i
              local.get $i v128.load offset=256
              local.get $pw local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat f64x2.promote_low_f32x4
              f64x2.add
              v128.store offset=256
              local.get $i
              local.get $i v128.load offset=272
              local.get $pw local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat offset=8 f64x2.promote_low_f32x4
              f64x2.add
              v128.store offset=272
              local.get $i i32.const 32 i32.add local.set $i
              br $plain
            end
          end
          local.get $i local.get $colBytes i32.lt_u
          if
            local.get $i
            local.get $i v128.load offset=256
            local.get $pw local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=256
          end
        end
        local.get $pw local.get $rowBytes i32.add local.set $pw
        local.get $j i32.const 1 i32.add local.set $j
        br $rows
      end
    end)

  ;; target[i] += w[row, i] for each of the $nSpikes rows listed at 65 792, in list order, into the
  ;; copy of the target at 256 (as propagateDense: a single promoted and added to a double)
  (func $propagate (export "propagate") (param $nSpikes i32) (param $nPost i32)
    (local $s i32) (local $i i32) (local $base i32) (local $colBytes i32)
    local.get $nPost i32.const 3 i32.shl local.set $colBytes
    block $spikesDone
      loop $spikes
        local.get $s local.get $nSpikes i32.ge_u br_if $spikesDone
        ;; base = weights + 4·row·nPost
        i32.const 0 i32.load offset=72
        local.get $s i32.const 2 i32.shl i32.load offset=65792 local.get $nPost i32.mul i32.const 2 i32.shl
        i32.add local.set $base
        i32.const 0 local.set $i
        block $colsDone
          loop $cols
            local.get $i local.get $colBytes i32.ge_u br_if $colsDone
            local.get $i
            local.get $i v128.load offset=256
            local.get $base local.get $i i32.const 1 i32.shr_u i32.add v128.load64_splat f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=256
            local.get $i i32.const 16 i32.add local.set $i
            br $cols
          end
        end
        local.get $s i32.const 1 i32.add local.set $s
        br $spikes
      end
    end)

  ;; w ← w·f where f = factor[i] is a number (NaN: the column is left alone), rounded to a single
  (func $scale (export "scale")
    (local $k i32) (local $total i32) (local $ci i32) (local $colBytes i32) (local $pw i32)
    (local $w v128) (local $f v128)
    i32.const 0 i32.load offset=64 i32.const 0 i32.load offset=68 i32.mul local.set $total
    i32.const 0 i32.load offset=68 i32.const 3 i32.shl local.set $colBytes
    i32.const 0 i32.load offset=72 local.set $pw
    block $done
      loop $pairs
        local.get $k local.get $total i32.ge_u br_if $done
        local.get $pw local.get $k i32.const 2 i32.shl i32.add v128.load64_splat f64x2.promote_low_f32x4 local.set $w
        local.get $ci v128.load offset=256 local.set $f
        local.get $pw local.get $k i32.const 2 i32.shl i32.add
        local.get $w local.get $f f64x2.mul local.get $w local.get $f local.get $f f64x2.eq v128.bitselect
        f32x4.demote_f64x2_zero i64x2.extract_lane 0 i64.store
        local.get $k i32.const 2 i32.add local.set $k
        local.get $ci i32.const 16 i32.add local.tee $ci local.get $colBytes i32.eq
        if
          i32.const 0 local.set $ci
        end
        br $pairs
      end
    end)

  ;; One synapse of $feedback off the quiet path: r = χ + (w + χ)·factor at synapse $k, not within a
  ;; step of 0 or not known to be. χ ← r − count·step, count = trunc(r/step) pulses (step by sign);
  ;; a nonzero count is appended to the pulse entries. Returns the new number of entries.
  (func $slow (param $r f64) (param $k i32) (param $hits i32) (result i32)
    (local $count f64) (local $at i32)
    i32.const 0 i32.load offset=76 local.get $k i32.const 2 i32.shl i32.add local.set $at
    local.get $r i32.const 0 f64.load offset=0 f64.lt
    local.get $r i32.const 0 f64.load offset=8 f64.gt i32.and
    if
      local.get $at local.get $r f32.demote_f64 f32.store
      local.get $hits
      return
    end
    local.get $r f64.const 0 f64.gt
    if
      local.get $r i32.const 0 f64.load offset=16 f64.mul f64.trunc local.set $count
    else
      local.get $r i32.const 0 f64.load offset=24 f64.mul f64.trunc local.set $count
    end
    local.get $count f64.const 0 f64.eq
    if
      local.get $at local.get $r f32.demote_f64 f32.store
      local.get $hits
      return
    end
    local.get $count f64.const 0 f64.gt
    if
      local.get $at local.get $r local.get $count i32.const 0 f64.load offset=32 f64.mul f64.sub f32.demote_f64 f32.store
    else
      local.get $at local.get $r local.get $count i32.const 0 f64.load offset=40 f64.mul f64.sub f32.demote_f64 f32.store
    end
    local.get $hits i32.const 3 i32.shl local.get $k i32.store offset=65792
    local.get $hits i32.const 3 i32.shl local.get $count i32.trunc_sat_f64_s i32.store offset=65796
    local.get $hits i32.const 1 i32.add)

  ;; The accumulator's pass over every synapse from $k (even) on, row by row: r = χ + (w + χ)·factor;
  ;; |r| below (1 − 10⁻⁹) of a step: χ ← r; else $slow. Columns left alone are not touched. Stops
  ;; early when the pulse entries might overflow; returns the synapse to resume from (nPre·nPost when
  ;; done) and writes the number of entries to the header.
  (func $feedback (export "feedback") (param $k i32) (result i32)
    (local $total i32) (local $ci i32) (local $colBytes i32) (local $pw i32) (local $pr i32) (local $hits i32) (local $cap i32)
    (local $bu v128) (local $bd v128) (local $w v128) (local $chi v128) (local $r v128) (local $skip v128)
    i32.const 0 i32.load offset=64 i32.const 0 i32.load offset=68 i32.mul local.set $total
    i32.const 0 i32.load offset=68 i32.const 3 i32.shl local.set $colBytes
    i32.const 0 i32.load offset=72 local.set $pw
    i32.const 0 i32.load offset=76 local.set $pr
    i32.const 0 i32.load offset=84 i32.const 2 i32.sub local.set $cap
    i32.const 0 v128.load64_splat offset=0 local.set $bu
    i32.const 0 v128.load64_splat offset=8 local.set $bd
    ;; the column of synapse k: k mod nPost, as a byte offset into the per-column f64 arrays
    local.get $k i32.const 0 i32.load offset=68 i32.rem_u i32.const 3 i32.shl local.set $ci
    block $done
      loop $pairs
        local.get $k local.get $total i32.ge_u br_if $done
        local.get $hits local.get $cap i32.gt_u br_if $done
        local.get $pw local.get $k i32.const 2 i32.shl i32.add v128.load64_splat f64x2.promote_low_f32x4 local.set $w
        local.get $pr local.get $k i32.const 2 i32.shl i32.add v128.load64_splat f64x2.promote_low_f32x4 local.set $chi
        ;; r = χ + (w + χ)·factor
        local.get $chi
        local.get $w local.get $chi f64x2.add local.get $ci v128.load offset=256 f64x2.mul
        f64x2.add local.set $r
        local.get $ci v128.load offset=33024 local.set $skip
        local.get $r local.get $bu f64x2.lt local.get $r local.get $bd f64x2.gt v128.and local.get $skip v128.or
        v128.not v128.any_true
        if
          ;; rare: lane by lane (columns left alone are skipped)
          local.get $skip i64x2.extract_lane 0 i64.eqz
          if
            local.get $r f64x2.extract_lane 0 local.get $k local.get $hits call $slow local.set $hits
          end
          local.get $skip i64x2.extract_lane 1 i64.eqz
          if
            local.get $r f64x2.extract_lane 1 local.get $k i32.const 1 i32.add local.get $hits call $slow local.set $hits
          end
        else
          ;; both quiet: χ ← r (lanes of columns left alone keep χ)
          local.get $pr local.get $k i32.const 2 i32.shl i32.add
          local.get $chi local.get $r local.get $skip v128.bitselect
          f32x4.demote_f64x2_zero i64x2.extract_lane 0 i64.store
        end
        local.get $k i32.const 2 i32.add local.set $k
        local.get $ci i32.const 16 i32.add local.tee $ci local.get $colBytes i32.eq
        if
          i32.const 0 local.set $ci
        end
        br $pairs
      end
    end
    i32.const 0 local.get $hits i32.store offset=80
    local.get $k)
)
