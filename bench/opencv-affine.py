#!/usr/bin/env python3
# OpenCV's cv2.warpAffine on the T1/T2 batch (64x224x224x3, rotation ±15°,
# zoom 0.9-1.1, reflect (BORDER_REFLECT = dcba|abcd, fastaug's 'reflect'),
# bilinear), one thread (cv2.setNumThreads(1)), one call per image, for the
# comparison with `npm run bench -- T1 T2`. Not part of CI; needs
# python3-opencv (Debian) and numpy. Prints the median of 9 runs per dtype,
# as CPU time (time.process_time: a shared host's wait for a core left out,
# as bench/cpu.mjs measures fastaug) and wall time.
#
# With a file argument: fastaug's own matrices of the batch (the output-to-
# input matrices, 6 per image, as JSON, e.g. from
#   node -e "const f=require('./dist/cjs/index.js');const p=f.affineParams({data:new Float32Array(64*224*224*3),shape:[64,224,224,3]},{rotation:15,zoom:[0.9,1.1],fill:'reflect',seed:1});console.log(JSON.stringify([...p.matrix]))" > m.json
# ), given to warpAffine with WARP_INVERSE_MAP; without, OpenCV's own
# rotation matrices of drawn angles and zooms (the same ranges).
import json
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
n, h, w, c = 64, 224, 224, 3
if len(sys.argv) > 1:
    with open(sys.argv[1]) as f:
        flat = json.load(f)
    mats = [np.array(flat[6 * i : 6 * i + 6], dtype=np.float64).reshape(2, 3) for i in range(n)]
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    source = "fastaug's matrices (WARP_INVERSE_MAP)"
else:
    rng = np.random.default_rng(1)
    angles = rng.uniform(-15, 15, n)
    zooms = rng.uniform(0.9, 1.1, n)
    mats = [cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), float(a), float(z)) for a, z in zip(angles, zooms)]
    flags = cv2.INTER_LINEAR
    source = "OpenCV's rotation matrices"
for dtype in (np.float32, np.uint8):
    batch = (np.arange(n * h * w * c) % 251).astype(dtype).reshape(n, h, w, c)
    out = np.empty_like(batch)
    cpu, wall = [], []
    for _ in range(9):
        c0, t0 = time.process_time(), time.perf_counter()
        for i in range(n):
            cv2.warpAffine(batch[i], mats[i], (w, h), dst=out[i], flags=flags, borderMode=cv2.BORDER_REFLECT)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    print(f"cv2.warpAffine {np.dtype(dtype).name} {n}x{h}x{w}x{c}, 1 thread, {source}: "
          f"median CPU {sorted(cpu)[4]:.2f} ms, wall {sorted(wall)[4]:.2f} ms (OpenCV {cv2.__version__})")
