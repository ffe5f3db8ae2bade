;; WebAssembly SIMD (f64x2) column sums of the crossbar vmm (core/crossbar/kernel.ts `vmmKernel`) —
;; the source of core/crossbar/vmm-wasm-bytes.ts. Rebuild with `node scripts/build-wasm.mjs`.
;;
;; Each accelerated Crossbar owns one fixed-size memory (never grown), imported as env.mem, holding
;; (core/crossbar/vmm-wasm.ts) the effective weights ŵ and read-noise variances ŝ² (Float32,
;; row-major rows × cols), the column accumulators acc and var (Float64, cols) and, per row tile,
;; the list of driven rows: their indices (Int32) and quantised inputs u (Float64), in row order.
;; Arguments are byte offsets into that memory.
;;
;;   columns:       acc[j] += u_k·ŵ[row_k, j]                      for k = 0 … m−1, every j < cols
;;   columnsNoisy:  the same and var[j] += u_k²·ŝ²[row_k, j]       (u_k² computed as u_k·u_k)
;;
;; Bit identity with the JavaScript loops: every acc[j] (var[j]) receives the same IEEE-754 double
;; products and sums in the same (row) order — Float32 weights are promoted exactly, no fused
;; multiply-add, no relaxed SIMD. Only the loop nest differs: columns are taken 8 at a time (four
;; f64x2 accumulators held in registers over all rows of the list, instead of a load and a store of
;; acc per row and column), then 2 at a time, then one. test/core/crossbar/vmm-wasm.test.ts runs
;; both kernels side by side.
(module
  (import "env" "mem" (memory 1))

  (func $columns (export "columns") (param $m i32) (param $cols i32) (param $w i32) (param $rows i32) (param $us i32) (param $acc i32)
    (local $jb i32) (local $k i32) (local $p i32) (local $q i32)
    (local $uu v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $u f64) (local $s f64)
    ;; 8 columns at a time
    block $done8
      loop $block8
        local.get $jb i32.const 8 i32.add local.get $cols i32.gt_s br_if $done8
        local.get $acc local.get $jb i32.const 3 i32.shl i32.add local.set $q
        local.get $q v128.load offset=0 local.set $a0
        local.get $q v128.load offset=16 local.set $a1
        local.get $q v128.load offset=32 local.set $a2
        local.get $q v128.load offset=48 local.set $a3
        i32.const 0 local.set $k
        block $rowsDone
          loop $row
            local.get $k local.get $m i32.ge_s br_if $rowsDone
            ;; p = w + (row_k·cols + jb)·4
            local.get $rows local.get $k i32.const 2 i32.shl i32.add i32.load
            local.get $cols i32.mul local.get $jb i32.add i32.const 2 i32.shl local.get $w i32.add local.set $p
            local.get $us local.get $k i32.const 3 i32.shl i32.add f64.load f64x2.splat local.set $uu
            local.get $a0 local.get $uu local.get $p v128.load64_splat offset=0 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a0
            local.get $a1 local.get $uu local.get $p v128.load64_splat offset=8 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a1
            local.get $a2 local.get $uu local.get $p v128.load64_splat offset=16 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a2
            local.get $a3 local.get $uu local.get $p v128.load64_splat offset=24 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a3
            local.get $k i32.const 1 i32.add local.set $k
            br $row
          end
        end
        local.get $q local.get $a0 v128.store offset=0
        local.get $q local.get $a1 v128.store offset=16
        local.get $q local.get $a2 v128.store offset=32
        local.get $q local.get $a3 v128.store offset=48
        local.get $jb i32.const 8 i32.add local.set $jb
        br $block8
      end
    end
    ;; 2 columns at a time
    block $done2
      loop $block2
        local.get $jb i32.const 2 i32.add local.get $cols i32.gt_s br_if $done2
        local.get $acc local.get $jb i32.const 3 i32.shl i32.add local.set $q
        local.get $q v128.load offset=0 local.set $a0
        i32.const 0 local.set $k
        block $rowsDone2
          loop $row2
            local.get $k local.get $m i32.ge_s br_if $rowsDone2
            local.get $rows local.get $k i32.const 2 i32.shl i32.add i32.load
            local.get $cols i32.mul local.get $jb i32.add i32.const 2 i32.shl local.get $w i32.add local.set $p
            local.get $us local.get $k i32.const 3 i32.shl i32.add f64.load f64x2.splat local.set $uu
            local.get $a0 local.get $uu local.get $p v128.load64_splat offset=0 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a0
            local.get $k i32.const 1 i32.add local.set $k
            br $row2
          end
        end
        local.get $q local.get $a0 v128.store offset=0
        local.get $jb i32.const 2 i32.add local.set $jb
        br $block2
      end
    end
    ;; the last column of an odd width
    local.get $jb local.get $cols i32.lt_s
    if
      local.get $acc local.get $jb i32.const 3 i32.shl i32.add local.set $q
      local.get $q f64.load local.set $s
      i32.const 0 local.set $k
      block $rowsDone1
        loop $row1
          local.get $k local.get $m i32.ge_s br_if $rowsDone1
          local.get $rows local.get $k i32.const 2 i32.shl i32.add i32.load
          local.get $cols i32.mul local.get $jb i32.add i32.const 2 i32.shl local.get $w i32.add local.set $p
          local.get $us local.get $k i32.const 3 i32.shl i32.add f64.load local.set $u
          local.get $s local.get $u local.get $p f32.load f64.promote_f32 f64.mul f64.add local.set $s
          local.get $k i32.const 1 i32.add local.set $k
          br $row1
        end
      end
      local.get $q local.get $s f64.store
    end)

  (func $columnsNoisy (export "columnsNoisy") (param $m i32) (param $cols i32) (param $w i32) (param $s2 i32) (param $rows i32) (param $us i32) (param $acc i32) (param $var i32)
    (local $jb i32) (local $k i32) (local $off i32) (local $q i32) (local $r i32)
    (local $uu v128) (local $vv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $u f64) (local $s f64) (local $t f64)
    ;; 8 columns at a time
    block $done8
      loop $block8
        local.get $jb i32.const 8 i32.add local.get $cols i32.gt_s br_if $done8
        local.get $acc local.get $jb i32.const 3 i32.shl i32.add local.set $q
        local.get $var local.get $jb i32.const 3 i32.shl i32.add local.set $r
        local.get $q v128.load offset=0 local.set $a0
        local.get $q v128.load offset=16 local.set $a1
        local.get $q v128.load offset=32 local.set $a2
        local.get $q v128.load offset=48 local.set $a3
        local.get $r v128.load offset=0 local.set $v0
        local.get $r v128.load offset=16 local.set $v1
        local.get $r v128.load offset=32 local.set $v2
        local.get $r v128.load offset=48 local.set $v3
        i32.const 0 local.set $k
        block $rowsDone
          loop $row
            local.get $k local.get $m i32.ge_s br_if $rowsDone
            ;; off = (row_k·cols + jb)·4, the same element of ŵ and ŝ²
            local.get $rows local.get $k i32.const 2 i32.shl i32.add i32.load
            local.get $cols i32.mul local.get $jb i32.add i32.const 2 i32.shl local.set $off
            local.get $us local.get $k i32.const 3 i32.shl i32.add f64.load local.tee $u f64x2.splat local.set $uu
            local.get $u local.get $u f64.mul f64x2.splat local.set $vv
            local.get $a0 local.get $uu local.get $off local.get $w i32.add v128.load64_splat offset=0 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a0
            local.get $a1 local.get $uu local.get $off local.get $w i32.add v128.load64_splat offset=8 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a1
            local.get $a2 local.get $uu local.get $off local.get $w i32.add v128.load64_splat offset=16 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a2
            local.get $a3 local.get $uu local.get $off local.get $w i32.add v128.load64_splat offset=24 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a3
            local.get $v0 local.get $vv local.get $off local.get $s2 i32.add v128.load64_splat offset=0 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $v0
            local.get $v1 local.get $vv local.get $off local.get $s2 i32.add v128.load64_splat offset=8 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $v1
            local.get $v2 local.get $vv local.get $off local.get $s2 i32.add v128.load64_splat offset=16 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $v2
            local.get $v3 local.get $vv local.get $off local.get $s2 i32.add v128.load64_splat offset=24 f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $v3
            local.get $k i32.const 1 i32.add local.set $k
            br $row
          end
        end
        local.get $q local.get $a0 v128.store offset=0
        local.get $q local.get $a1 v128.store offset=16
        local.get $q local.get $a2 v128.store offset=32
        local.get $q local.get $a3 v128.store offset=48
        local.get $r local.get $v0 v128.store offset=0
        local.get $r local.get $v1 v128.store offset=16
        local.get $r local.get $v2 v128.store offset=32
        local.get $r local.get $v3 v128.store offset=48
        local.get $jb i32.const 8 i32.add local.set $jb
        br $block8
      end
    end
    ;; the remaining columns one at a time (fewer than 8)
    block $done1
      loop $col
        local.get $jb local.get $cols i32.ge_s br_if $done1
        local.get $acc local.get $jb i32.const 3 i32.shl i32.add local.set $q
        local.get $var local.get $jb i32.const 3 i32.shl i32.add local.set $r
        local.get $q f64.load local.set $s
        local.get $r f64.load local.set $t
        i32.const 0 local.set $k
        block $rowsDone1
          loop $row1
            local.get $k local.get $m i32.ge_s br_if $rowsDone1
            local.get $rows local.get $k i32.const 2 i32.shl i32.add i32.load
            local.get $cols i32.mul local.get $jb i32.add i32.const 2 i32.shl local.set $off
            local.get $us local.get $k i32.const 3 i32.shl i32.add f64.load local.set $u
            local.get $s local.get $u local.get $off local.get $w i32.add f32.load f64.promote_f32 f64.mul f64.add local.set $s
            local.get $t local.get $u local.get $u f64.mul local.get $off local.get $s2 i32.add f32.load f64.promote_f32 f64.mul f64.add local.set $t
            local.get $k i32.const 1 i32.add local.set $k
            br $row1
          end
        end
        local.get $q local.get $s f64.store
        local.get $r local.get $t f64.store
        local.get $jb i32.const 1 i32.add local.set $jb
        br $col
      end
    end)
)
