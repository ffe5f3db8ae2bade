;; WebAssembly SIMD (f32x4) kernels of the multilayer perceptron's training and inference
;; (networks/mlp/kernels.ts) — the source of networks/mlp/mlp-wasm-bytes.ts. Rebuild with
;; `node scripts/build-wasm.mjs`.
;;
;; One fixed-size memory (never grown), imported as env.mem, holds every array of an MLP engine
;; (networks/mlp/engine.ts). Every argument that names an array is an ELEMENT index into that
;; memory (Float32 or Int32, 4 bytes each); the kernels turn them into byte addresses.
;;
;;   axpyRows:    out[j] += xs[k]·w[offs[k] + j]        for k = 0 … m−1 in order, every j < n
;;                (the one product of the MLP: a layer's forward pass over a sample's non-zero inputs,
;;                a weight gradient over the samples that drive an input, the back-propagated error,
;;                a bias gradient with xs = 1)
;;   scatterRows: out[offs[k] + j] += xs[k]·src[j]       one sample's outer product into a gradient
;;   reluList:    z ← max(z, 0) and the list of z's positive entries (the next layer's input list)
;;   reluMask:    d[j] ← a[j] > 0 ? d[j] : +0
;;   adam:        m ← β1·m + c1·g;  v ← β2·v + (c2·g)·g;  w ← w − (a·m)/(√v + e)   over count values
;;   sgd:         u ← μ·u + g;  w ← w − η·u                                          over count values
;;
;; Bit identity with the JavaScript kernels (kernels.ts): IEEE-754 single-precision operations,
;; each rounded to Float32, in the same order — JavaScript computes them in double and rounds with
;; Math.fround, which gives the same Float32 for +, −, ×, ÷ and √ (double has more than twice
;; float's precision plus two bits, so the double rounding is innocuous). No fused multiply-add, no
;; relaxed SIMD. Only the loop nest differs: axpyRows keeps 16 columns of out in four f32x4
;; registers over all k (then at most one block of 8, 4, 2 and 1 columns), instead of a load and a
;; store of out per k.
;; test/networks/mlp.test.ts runs both kernels side by side.
(module
  (import "env" "mem" (memory 1))

  ;; out[j] += xs[k]·w[offs[k] + j] for k = 0 … m−1 in order, every j < n: blocks of 16 columns held in
  ;; four f32x4 registers over all k, then at most one block of 8, of 4, of 2 and of 1 column(s)
  (func $axpyRows (export "axpyRows") (param $out i32) (param $n i32) (param $w i32) (param $offs i32) (param $xs i32) (param $m i32)
    (local $jb i32) (local $p i32) (local $q i32) (local $wb i32) (local $po i32) (local $px i32) (local $pe i32)
    (local $xx v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $x f32) (local $s0 f32) (local $s1 f32)
    ;; 16 columns at a time
    block $done16
      loop $cols16
        local.get $jb i32.const 16 i32.add local.get $n i32.gt_s br_if $done16
        local.get $out local.get $jb i32.add i32.const 2 i32.shl local.set $q
        local.get $w local.get $jb i32.add i32.const 2 i32.shl local.set $wb
        local.get $q v128.load offset=0 local.set $a0
        local.get $q v128.load offset=16 local.set $a1
        local.get $q v128.load offset=32 local.set $a2
        local.get $q v128.load offset=48 local.set $a3
        local.get $offs i32.const 2 i32.shl local.set $po
        local.get $xs i32.const 2 i32.shl local.set $px
        local.get $px local.get $m i32.const 2 i32.shl i32.add local.set $pe
        block $kd16
          loop $kl16
            local.get $px local.get $pe i32.ge_u br_if $kd16
            local.get $po i32.load i32.const 2 i32.shl local.get $wb i32.add local.set $p
            local.get $px v128.load32_splat local.set $xx
            local.get $a0 local.get $xx local.get $p v128.load offset=0 f32x4.mul f32x4.add local.set $a0
            local.get $a1 local.get $xx local.get $p v128.load offset=16 f32x4.mul f32x4.add local.set $a1
            local.get $a2 local.get $xx local.get $p v128.load offset=32 f32x4.mul f32x4.add local.set $a2
            local.get $a3 local.get $xx local.get $p v128.load offset=48 f32x4.mul f32x4.add local.set $a3
            local.get $po i32.const 4 i32.add local.set $po
            local.get $px i32.const 4 i32.add local.set $px
            br $kl16
          end
        end
        local.get $q local.get $a0 v128.store offset=0
        local.get $q local.get $a1 v128.store offset=16
        local.get $q local.get $a2 v128.store offset=32
        local.get $q local.get $a3 v128.store offset=48
        local.get $jb i32.const 16 i32.add local.set $jb
        br $cols16
      end
    end
    ;; 8 more columns
    local.get $jb i32.const 8 i32.add local.get $n i32.le_s
    if
      local.get $out local.get $jb i32.add i32.const 2 i32.shl local.set $q
      local.get $w local.get $jb i32.add i32.const 2 i32.shl local.set $wb
      local.get $q v128.load offset=0 local.set $a0
      local.get $q v128.load offset=16 local.set $a1
      local.get $offs i32.const 2 i32.shl local.set $po
      local.get $xs i32.const 2 i32.shl local.set $px
      local.get $px local.get $m i32.const 2 i32.shl i32.add local.set $pe
      block $kd8
        loop $kl8
          local.get $px local.get $pe i32.ge_u br_if $kd8
          local.get $po i32.load i32.const 2 i32.shl local.get $wb i32.add local.set $p
          local.get $px v128.load32_splat local.set $xx
          local.get $a0 local.get $xx local.get $p v128.load offset=0 f32x4.mul f32x4.add local.set $a0
          local.get $a1 local.get $xx local.get $p v128.load offset=16 f32x4.mul f32x4.add local.set $a1
          local.get $po i32.const 4 i32.add local.set $po
          local.get $px i32.const 4 i32.add local.set $px
          br $kl8
        end
      end
      local.get $q local.get $a0 v128.store offset=0
      local.get $q local.get $a1 v128.store offset=16
      local.get $jb i32.const 8 i32.add local.set $jb
    end
    ;; 4 more columns
    local.get $jb i32.const 4 i32.add local.get $n i32.le_s
    if
      local.get $out local.get $jb i32.add i32.const 2 i32.shl local.set $q
      local.get $w local.get $jb i32.add i32.const 2 i32.shl local.set $wb
      local.get $q v128.load offset=0 local.set $a0
      local.get $offs i32.const 2 i32.shl local.set $po
      local.get $xs i32.const 2 i32.shl local.set $px
      local.get $px local.get $m i32.const 2 i32.shl i32.add local.set $pe
      block $kd4
        loop $kl4
          local.get $px local.get $pe i32.ge_u br_if $kd4
          local.get $po i32.load i32.const 2 i32.shl local.get $wb i32.add local.set $p
          local.get $px v128.load32_splat local.set $xx
          local.get $a0 local.get $xx local.get $p v128.load offset=0 f32x4.mul f32x4.add local.set $a0
          local.get $po i32.const 4 i32.add local.set $po
          local.get $px i32.const 4 i32.add local.set $px
          br $kl4
        end
      end
      local.get $q local.get $a0 v128.store offset=0
      local.get $jb i32.const 4 i32.add local.set $jb
    end
    ;; 2 more columns
    local.get $jb i32.const 2 i32.add local.get $n i32.le_s
    if
      local.get $out local.get $jb i32.add i32.const 2 i32.shl local.set $q
      local.get $w local.get $jb i32.add i32.const 2 i32.shl local.set $wb
      local.get $q f32.load local.set $s0
      local.get $q f32.load offset=4 local.set $s1
      local.get $offs i32.const 2 i32.shl local.set $po
      local.get $xs i32.const 2 i32.shl local.set $px
      local.get $px local.get $m i32.const 2 i32.shl i32.add local.set $pe
      block $kd2
        loop $kl2
          local.get $px local.get $pe i32.ge_u br_if $kd2
          local.get $po i32.load i32.const 2 i32.shl local.get $wb i32.add local.set $p
          local.get $px f32.load local.set $x
          local.get $s0 local.get $x local.get $p f32.load f32.mul f32.add local.set $s0
          local.get $s1 local.get $x local.get $p f32.load offset=4 f32.mul f32.add local.set $s1
          local.get $po i32.const 4 i32.add local.set $po
          local.get $px i32.const 4 i32.add local.set $px
          br $kl2
        end
      end
      local.get $q local.get $s0 f32.store
      local.get $q local.get $s1 f32.store offset=4
      local.get $jb i32.const 2 i32.add local.set $jb
    end
    ;; the last column
    local.get $jb i32.const 1 i32.add local.get $n i32.le_s
    if
      local.get $out local.get $jb i32.add i32.const 2 i32.shl local.set $q
      local.get $w local.get $jb i32.add i32.const 2 i32.shl local.set $wb
      local.get $q f32.load local.set $s0
      local.get $offs i32.const 2 i32.shl local.set $po
      local.get $xs i32.const 2 i32.shl local.set $px
      local.get $px local.get $m i32.const 2 i32.shl i32.add local.set $pe
      block $kd1
        loop $kl1
          local.get $px local.get $pe i32.ge_u br_if $kd1
          local.get $po i32.load i32.const 2 i32.shl local.get $wb i32.add local.set $p
          local.get $px f32.load local.set $x
          local.get $s0 local.get $x local.get $p f32.load f32.mul f32.add local.set $s0
          local.get $po i32.const 4 i32.add local.set $po
          local.get $px i32.const 4 i32.add local.set $px
          br $kl1
        end
      end
      local.get $q local.get $s0 f32.store
      local.get $jb i32.const 1 i32.add local.set $jb
    end)

  ;; out[offs[k] + j] += xs[k]·src[j] for k = 0 … m−1 in order, every j < n (one sample's outer
  ;; product added into the rows of a gradient: the same sums, in the same sample order, as axpyRows
  ;; over the transposed list; cheaper for narrow layers)
  (func $scatterRows (export "scatterRows") (param $out i32) (param $n i32) (param $offs i32) (param $xs i32) (param $m i32) (param $src i32)
    (local $po i32) (local $px i32) (local $pe i32) (local $p i32) (local $ps i32) (local $j i32) (local $n4 i32)
    (local $xx v128) (local $x f32)
    local.get $offs i32.const 2 i32.shl local.set $po
    local.get $xs i32.const 2 i32.shl local.set $px
    local.get $px local.get $m i32.const 2 i32.shl i32.add local.set $pe
    local.get $n i32.const -4 i32.and local.set $n4
    block $kd
      loop $kl
        local.get $px local.get $pe i32.ge_u br_if $kd
        local.get $out local.get $po i32.load i32.add i32.const 2 i32.shl local.set $p
        local.get $src i32.const 2 i32.shl local.set $ps
        local.get $px f32.load local.set $x
        local.get $x f32x4.splat local.set $xx
        i32.const 0 local.set $j
        block $d4
          loop $l4
            local.get $j local.get $n4 i32.ge_s br_if $d4
            local.get $p local.get $p v128.load local.get $xx local.get $ps v128.load f32x4.mul f32x4.add v128.store
            local.get $p i32.const 16 i32.add local.set $p
            local.get $ps i32.const 16 i32.add local.set $ps
            local.get $j i32.const 4 i32.add local.set $j
            br $l4
          end
        end
        block $d1
          loop $l1
            local.get $j local.get $n i32.ge_s br_if $d1
            local.get $p local.get $p f32.load local.get $x local.get $ps f32.load f32.mul f32.add f32.store
            local.get $p i32.const 4 i32.add local.set $p
            local.get $ps i32.const 4 i32.add local.set $ps
            local.get $j i32.const 1 i32.add local.set $j
            br $l1
          end
        end
        local.get $po i32.const 4 i32.add local.set $po
        local.get $px i32.const 4 i32.add local.set $px
        br $kl
      end
    end)

  ;; ReLU of a row z (n values) in place, and the list of its positive values: for j < n in order,
  ;; offs[c] = j·stride, xs[c] = z[j], units[c] = j, z[j] ← z[j] > 0 ? z[j] : +0, c moving on only
  ;; where z[j] > 0 (written without a branch: the sign of a hidden unit is unpredictable). Returns c.
  (func $reluList (export "reluList") (param $z i32) (param $n i32) (param $offs i32) (param $xs i32) (param $units i32) (param $stride i32) (result i32)
    (local $pz i32) (local $pe i32) (local $po i32) (local $px i32) (local $pu i32) (local $j i32) (local $on i32) (local $a f32) (local $zero f32)
    local.get $z i32.const 2 i32.shl local.set $pz
    local.get $z local.get $n i32.add i32.const 2 i32.shl local.set $pe
    local.get $offs i32.const 2 i32.shl local.set $po
    local.get $xs i32.const 2 i32.shl local.set $px
    local.get $units i32.const 2 i32.shl local.set $pu
    block $done
      loop $unit
        local.get $pz local.get $pe i32.ge_u br_if $done
        local.get $pz f32.load local.set $a
        local.get $a local.get $zero f32.gt local.set $on
        local.get $po local.get $j local.get $stride i32.mul i32.store
        local.get $px local.get $a f32.store
        local.get $pu local.get $j i32.store
        ;; z[j] ← z[j] if on, else +0: the bits masked by −on (a select on f32 becomes a branch in V8)
        local.get $pz local.get $pz i32.load i32.const 0 local.get $on i32.sub i32.and i32.store
        local.get $on i32.const 2 i32.shl local.set $on
        local.get $po local.get $on i32.add local.set $po
        local.get $px local.get $on i32.add local.set $px
        local.get $pu local.get $on i32.add local.set $pu
        local.get $pz i32.const 4 i32.add local.set $pz
        local.get $j i32.const 1 i32.add local.set $j
        br $unit
      end
    end
    local.get $po local.get $offs i32.const 2 i32.shl i32.sub i32.const 2 i32.shr_u)

  ;; d[j] ← d[j] where a[j] > 0, else +0, for j < n (the ReLU's derivative applied to an error row)
  (func $reluMask (export "reluMask") (param $d i32) (param $a i32) (param $n i32)
    (local $pd i32) (local $pa i32) (local $pe i32) (local $zero v128)
    local.get $d i32.const 2 i32.shl local.set $pd
    local.get $a i32.const 2 i32.shl local.set $pa
    local.get $n i32.const -4 i32.and i32.const 2 i32.shl local.get $pd i32.add local.set $pe
    block $d4
      loop $l4
        local.get $pd local.get $pe i32.ge_u br_if $d4
        local.get $pd local.get $pd v128.load local.get $pa v128.load local.get $zero f32x4.gt v128.and v128.store
        local.get $pd i32.const 16 i32.add local.set $pd
        local.get $pa i32.const 16 i32.add local.set $pa
        br $l4
      end
    end
    local.get $d local.get $n i32.add i32.const 2 i32.shl local.set $pe
    block $d1
      loop $l1
        local.get $pd local.get $pe i32.ge_u br_if $d1
        local.get $pa f32.load i32.const 0 f32.convert_i32_s f32.gt i32.eqz
        if
          local.get $pd i32.const 0 i32.store
        end
        local.get $pd i32.const 4 i32.add local.set $pd
        local.get $pa i32.const 4 i32.add local.set $pa
        br $l1
      end
    end)

  (func $adam (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $count i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $a f32) (param $e f32)
    (local $pw i32) (local $pg i32) (local $pm i32) (local $pv i32) (local $pe i32)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $A v128) (local $E v128)
    (local $gg v128) (local $mm v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    local.get $b1 f32x4.splat local.set $B1
    local.get $c1 f32x4.splat local.set $C1
    local.get $b2 f32x4.splat local.set $B2
    local.get $c2 f32x4.splat local.set $C2
    local.get $a f32x4.splat local.set $A
    local.get $e f32x4.splat local.set $E
    local.get $w i32.const 2 i32.shl local.set $pw
    local.get $g i32.const 2 i32.shl local.set $pg
    local.get $m i32.const 2 i32.shl local.set $pm
    local.get $v i32.const 2 i32.shl local.set $pv
    ;; pe: the first byte past the last whole quad of w
    local.get $count i32.const -4 i32.and i32.const 2 i32.shl local.get $pw i32.add local.set $pe
    block $done4
      loop $quad
        local.get $pw local.get $pe i32.ge_u br_if $done4
        local.get $pg v128.load local.set $gg
        ;; m ← β1·m + c1·g
        local.get $B1 local.get $pm v128.load f32x4.mul local.get $C1 local.get $gg f32x4.mul f32x4.add local.set $mm
        ;; v ← β2·v + (c2·g)·g
        local.get $B2 local.get $pv v128.load f32x4.mul local.get $C2 local.get $gg f32x4.mul local.get $gg f32x4.mul f32x4.add local.set $vv
        local.get $pm local.get $mm v128.store
        local.get $pv local.get $vv v128.store
        ;; w ← w − (a·m)/(√v + e)
        local.get $pw
        local.get $pw v128.load local.get $A local.get $mm f32x4.mul local.get $vv f32x4.sqrt local.get $E f32x4.add f32x4.div f32x4.sub
        v128.store
        local.get $pw i32.const 16 i32.add local.set $pw
        local.get $pg i32.const 16 i32.add local.set $pg
        local.get $pm i32.const 16 i32.add local.set $pm
        local.get $pv i32.const 16 i32.add local.set $pv
        br $quad
      end
    end
    ;; the last count mod 4 values, one at a time
    local.get $w local.get $count i32.add i32.const 2 i32.shl local.set $pe
    block $done1
      loop $one
        local.get $pw local.get $pe i32.ge_u br_if $done1
        local.get $pg f32.load local.set $gs
        local.get $b1 local.get $pm f32.load f32.mul local.get $c1 local.get $gs f32.mul f32.add local.set $ms
        local.get $b2 local.get $pv f32.load f32.mul local.get $c2 local.get $gs f32.mul local.get $gs f32.mul f32.add local.set $vs
        local.get $pm local.get $ms f32.store
        local.get $pv local.get $vs f32.store
        local.get $pw
        local.get $pw f32.load local.get $a local.get $ms f32.mul local.get $vs f32.sqrt local.get $e f32.add f32.div f32.sub
        f32.store
        local.get $pw i32.const 4 i32.add local.set $pw
        local.get $pg i32.const 4 i32.add local.set $pg
        local.get $pm i32.const 4 i32.add local.set $pm
        local.get $pv i32.const 4 i32.add local.set $pv
        br $one
      end
    end)

  (func $sgd (export "sgd") (param $w i32) (param $g i32) (param $u i32) (param $count i32) (param $mu f32) (param $eta f32)
    (local $pw i32) (local $pg i32) (local $pu i32) (local $pe i32)
    (local $MU v128) (local $ETA v128) (local $uu v128) (local $us f32)
    local.get $mu f32x4.splat local.set $MU
    local.get $eta f32x4.splat local.set $ETA
    local.get $w i32.const 2 i32.shl local.set $pw
    local.get $g i32.const 2 i32.shl local.set $pg
    local.get $u i32.const 2 i32.shl local.set $pu
    local.get $count i32.const -4 i32.and i32.const 2 i32.shl local.get $pw i32.add local.set $pe
    block $done4
      loop $quad
        local.get $pw local.get $pe i32.ge_u br_if $done4
        ;; u ← μ·u + g;  w ← w − η·u
        local.get $MU local.get $pu v128.load f32x4.mul local.get $pg v128.load f32x4.add local.set $uu
        local.get $pu local.get $uu v128.store
        local.get $pw local.get $pw v128.load local.get $ETA local.get $uu f32x4.mul f32x4.sub v128.store
        local.get $pw i32.const 16 i32.add local.set $pw
        local.get $pg i32.const 16 i32.add local.set $pg
        local.get $pu i32.const 16 i32.add local.set $pu
        br $quad
      end
    end
    local.get $w local.get $count i32.add i32.const 2 i32.shl local.set $pe
    block $done1
      loop $one
        local.get $pw local.get $pe i32.ge_u br_if $done1
        local.get $mu local.get $pu f32.load f32.mul local.get $pg f32.load f32.add local.set $us
        local.get $pu local.get $us f32.store
        local.get $pw local.get $pw f32.load local.get $eta local.get $us f32.mul f32.sub f32.store
        local.get $pw i32.const 4 i32.add local.set $pw
        local.get $pg i32.const 4 i32.add local.set $pg
        local.get $pu i32.const 4 i32.add local.set $pu
        br $one
      end
    end)
)
