;; FastCDC 2020 cut-point search in WebAssembly, where the 64-bit gear hash is a native i64.
;; Same algorithm and results as fastcdc.ts (see ../shared/spec/fastcdc.md); the JS side copies the input
;; into linear memory and reads the chunk lengths back.
;;
;; Memory layout (bytes):  [0, 2048) GEAR[256] i64   [2048, 4096) GEAR_LS[256] i64   [4096, …) input, then output
(module
  (memory (export "memory") 1)

  ;; Length of the next chunk of the n bytes at p.
  (func $cut (param $p i32) (param $n i32) (param $min i32) (param $avg i32) (param $max i32)
             (param $ms i64) (param $ml i64) (result i32)
    (local $remaining i32) (local $center i32) (local $i i32) (local $stop i32) (local $a i32)
    (local $hash i64) (local $msls i64) (local $mlls i64)
    (local.set $remaining (local.get $n))
    (if (i32.le_u (local.get $remaining) (local.get $min)) (then (return (local.get $remaining))))
    (local.set $center (local.get $avg))
    (if (i32.gt_u (local.get $remaining) (local.get $max))
      (then (local.set $remaining (local.get $max)))
      (else (if (i32.lt_u (local.get $remaining) (local.get $center))
        (then (local.set $center (local.get $remaining))))))
    (local.set $msls (i64.shl (local.get $ms) (i64.const 1)))
    (local.set $mlls (i64.shl (local.get $ml) (i64.const 1)))
    (local.set $i (i32.shr_u (local.get $min) (i32.const 1)))
    ;; Below the average size: the harder mask.
    (local.set $stop (i32.shr_u (local.get $center) (i32.const 1)))
    (block $end1
      (loop $l1
        (br_if $end1 (i32.ge_u (local.get $i) (local.get $stop)))
        (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1))))
        (local.set $hash (i64.add (i64.shl (local.get $hash) (i64.const 2))
          (i64.load offset=2048 (i32.shl (i32.load8_u (local.get $a)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $hash) (local.get $msls)))
          (then (return (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $hash (i64.add (local.get $hash)
          (i64.load (i32.shl (i32.load8_u offset=1 (local.get $a)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $hash) (local.get $ms)))
          (then (return (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l1)))
    ;; Past the average size: the easier mask (normalized chunking).
    (local.set $stop (i32.shr_u (local.get $remaining) (i32.const 1)))
    (block $end2
      (loop $l2
        (br_if $end2 (i32.ge_u (local.get $i) (local.get $stop)))
        (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1))))
        (local.set $hash (i64.add (i64.shl (local.get $hash) (i64.const 2))
          (i64.load offset=2048 (i32.shl (i32.load8_u (local.get $a)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $hash) (local.get $mlls)))
          (then (return (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $hash (i64.add (local.get $hash)
          (i64.load (i32.shl (i32.load8_u offset=1 (local.get $a)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $hash) (local.get $ml)))
          (then (return (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l2)))
    (local.get $remaining))

  ;; Cuts the n bytes at p into chunks, writing their lengths (i32) at out; returns how many. Unless
  ;; `last`, stops while fewer than max bytes remain (they may belong to a chunk that continues).
  (func (export "cutAll") (param $p i32) (param $n i32) (param $min i32) (param $avg i32) (param $max i32)
        (param $ms i64) (param $ml i64) (param $last i32) (param $out i32) (result i32)
    (local $s i32) (local $len i32) (local $count i32)
    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $s) (local.get $n)))
        (br_if $end (i32.and (i32.eqz (local.get $last))
          (i32.lt_u (i32.sub (local.get $n) (local.get $s)) (local.get $max))))
        (local.set $len (call $cut (i32.add (local.get $p) (local.get $s)) (i32.sub (local.get $n) (local.get $s))
          (local.get $min) (local.get $avg) (local.get $max) (local.get $ms) (local.get $ml)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $len))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $s (i32.add (local.get $s) (local.get $len)))
        (br $next)))
    (local.get $count))
)
