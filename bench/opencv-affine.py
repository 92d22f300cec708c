#!/usr/bin/env python3
# OpenCV's cv2.warpAffine on the T1/T2 batch (64x224x224x3, rotation ±15°,
# zoom 0.9-1.1, reflect (BORDER_REFLECT = dcba|abcd, fastaug's 'reflect'),
# bilinear), one thread (cv2.setNumThreads(1)), one call per image, for the
# comparison with `npm run bench -- T1 T2`. Not part of CI; needs
# python3-opencv (Debian) and numpy. Prints the median of 9 runs per dtype.
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
n, h, w, c = 64, 224, 224, 3
rng = np.random.default_rng(1)
angles = rng.uniform(-15, 15, n)
zooms = rng.uniform(0.9, 1.1, n)
mats = [cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), float(a), float(z)) for a, z in zip(angles, zooms)]
for dtype in (np.float32, np.uint8):
    batch = (np.arange(n * h * w * c) % 251).astype(dtype).reshape(n, h, w, c)
    out = np.empty_like(batch)
    times = []
    for _ in range(9):
        t0 = time.perf_counter()
        for i in range(n):
            cv2.warpAffine(batch[i], mats[i], (w, h), dst=out[i], flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"cv2.warpAffine {np.dtype(dtype).name} {n}x{h}x{w}x{c}, 1 thread: median {sorted(times)[4]:.2f} ms (OpenCV {cv2.__version__})")
