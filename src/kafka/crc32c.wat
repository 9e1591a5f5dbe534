;; CRC-32C, slicing-by-16, for src/kafka/crc32c.ts. Regenerate src/kafka/crc32c-wasm.ts after
;; editing: `npx tsx scripts/gen-crc32c-wasm.ts` (a unit test fails while the two disagree).
;;
;; One page of memory: bytes [0, 16384) hold sixteen 256-entry tables of i32, table k at
;; k * 1024, filled by the caller (table k: the CRC of a byte followed by k zero bytes); the
;; caller copies the input to [16384, 65536) a chunk at a time and carries the CRC across calls.
(module
  (memory (export "memory") 1 1)

  ;; update: the running (pre-inverted) CRC over memory [$p, $end)
  (func (export "update") (param $p i32) (param $end i32) (param $crc i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (block $tail
      (loop $sixteen
        (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $a (i32.xor (local.get $crc) (i32.load (local.get $p))))
        (local.set $b (i32.load offset=4 (local.get $p)))
        (local.set $c (i32.load offset=8 (local.get $p)))
        (local.set $d (i32.load offset=12 (local.get $p)))
        (local.set $crc
          (i32.xor
            (i32.xor
              (i32.xor
                (i32.xor
                  (i32.load offset=15360 (i32.shl (i32.and (local.get $a) (i32.const 255)) (i32.const 2)))
                  (i32.load offset=14336 (i32.shl (i32.and (i32.shr_u (local.get $a) (i32.const 8)) (i32.const 255)) (i32.const 2))))
                (i32.xor
                  (i32.load offset=13312 (i32.shl (i32.and (i32.shr_u (local.get $a) (i32.const 16)) (i32.const 255)) (i32.const 2)))
                  (i32.load offset=12288 (i32.shl (i32.shr_u (local.get $a) (i32.const 24)) (i32.const 2)))))
              (i32.xor
                (i32.xor
                  (i32.load offset=11264 (i32.shl (i32.and (local.get $b) (i32.const 255)) (i32.const 2)))
                  (i32.load offset=10240 (i32.shl (i32.and (i32.shr_u (local.get $b) (i32.const 8)) (i32.const 255)) (i32.const 2))))
                (i32.xor
                  (i32.load offset=9216 (i32.shl (i32.and (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 255)) (i32.const 2)))
                  (i32.load offset=8192 (i32.shl (i32.shr_u (local.get $b) (i32.const 24)) (i32.const 2))))))
            (i32.xor
              (i32.xor
                (i32.xor
                  (i32.load offset=7168 (i32.shl (i32.and (local.get $c) (i32.const 255)) (i32.const 2)))
                  (i32.load offset=6144 (i32.shl (i32.and (i32.shr_u (local.get $c) (i32.const 8)) (i32.const 255)) (i32.const 2))))
                (i32.xor
                  (i32.load offset=5120 (i32.shl (i32.and (i32.shr_u (local.get $c) (i32.const 16)) (i32.const 255)) (i32.const 2)))
                  (i32.load offset=4096 (i32.shl (i32.shr_u (local.get $c) (i32.const 24)) (i32.const 2)))))
              (i32.xor
                (i32.xor
                  (i32.load offset=3072 (i32.shl (i32.and (local.get $d) (i32.const 255)) (i32.const 2)))
                  (i32.load offset=2048 (i32.shl (i32.and (i32.shr_u (local.get $d) (i32.const 8)) (i32.const 255)) (i32.const 2))))
                (i32.xor
                  (i32.load offset=1024 (i32.shl (i32.and (i32.shr_u (local.get $d) (i32.const 16)) (i32.const 255)) (i32.const 2)))
                  (i32.load (i32.shl (i32.shr_u (local.get $d) (i32.const 24)) (i32.const 2))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $sixteen)))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $crc
          (i32.xor
            (i32.load (i32.shl (i32.and (i32.xor (local.get $crc) (i32.load8_u (local.get $p))) (i32.const 255)) (i32.const 2)))
            (i32.shr_u (local.get $crc) (i32.const 8))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $byte)))
    (local.get $crc))
)
