{
  # node-gyp has no per-file flags, so each ISA is its own static library
  # with its own -m flags; the addon itself builds with baseline flags.
  # -fschedule-insns -fsched-pressure on the ISA files: GCC then interleaves
  # the software-pipelined generator's Philox and Box–Muller slices
  # (native/kernels/random.h; 16.7 M normals: AVX-512 8.3 -> 6.9 ms,
  # AVX2 19.7 -> 16.9 ms, SSE4.1 39.1 -> 34.7 ms). The AVX-512 file also
  # silences GCC 12's false "'__Y' is used uninitialized" from its own
  # avx512fintrin.h (_mm512_undefined_*, GCC bug 105593, fixed in GCC 13).
  # The ISA files drop Node's -fno-omit-frame-pointer (the cmake-js build
  # never had it): the generator's loops are short of general registers, and
  # with rbp reserved GCC parked pointers in vector registers (float32 noise
  # per pixel, 64x224x224x3: 6.6 -> 6.2 ms; 16.7 M normals 11.2 -> 11.1 ms).
  # The avx512vbmi file is the avx512 flags plus -mavx512vbmi: only the uint8
  # byte-table kernels (native/kernels/byte_table.h), chosen at run time by
  # native/isa/dispatch.cc on CPUs with VBMI (the avx512 tier itself needs
  # f/bw/vl/dq only).

  # The AVX-512 file lifts GCC's growth limits for inlining (per translation
  # unit and per function): with every kernel in one file, GCC stopped
  # inlining into the generator and the noise loops, which took 1.2-1.6x
  # the time of the same headers compiled alone (native/tools/noise_ab.cc
  # against the addon's object, Zen 4: G3 7.4 vs 6.4 ms, W4 10.8 vs 7.5,
  # L1 12.8 vs 8.0; with these limits, equal). The bits do not change,
  # only what is inlined; the object grows 1.53 -> 1.62 MB. The SSE4.1 file
  # too: its object against the headers alone (noise_ab_obj.cc, Zen 4, mins)
  # W4 25.2 vs 21.8 ms, L1 26.2 vs 22.5, S1 2.09 vs 1.81; with them equal.
  # AVX2's object runs as its headers do without them.
  # The scalar file caps two of GCC's alias-query walks: its vectors are
  # arrays in memory, and walking their stores took half of its compile
  # time (x86: 80 -> 40 s, the longest file of the build by far); the bits
  # cannot change, only how hard GCC looks for redundant loads and stores.
  "target_defaults": {
    "cflags_cc": ["-std=gnu++17", "-O3", "-ffp-contract=off", "-fvisibility=hidden", "-fvisibility-inlines-hidden"],
    "cflags_cc!": ["-fno-exceptions", "-O2", "-O3", "-std=gnu++14", "-std=gnu++1y"],
    "cflags!": ["-fno-exceptions"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "OTHER_CPLUSPLUSFLAGS": ["-std=gnu++17", "-O3", "-ffp-contract=off", "-fvisibility=hidden"]
    }
  },
  "targets": [
    {
      "target_name": "fastaug",
      "sources": ["native/addon.cc", "native/isa/dispatch.cc"],
      "dependencies": ["fastaug_scalar"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["FASTAUG_VERSION=\"<!(node -p \"require('./package.json').version\")\""],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["fastaug_sse4", "fastaug_avx2", "fastaug_avx512", "fastaug_avx512vbmi"] }],
        ["target_arch=='arm64'", { "dependencies": ["fastaug_neon"] }]
      ]
    },
    {
      "target_name": "fastaug_scalar",
      "type": "static_library",
      "sources": ["native/isa/scalar.cc"],
      "conditions": [["clang==0", { "cflags_cc": ["--param=sccvn-max-alias-queries-per-access=50", "--param=dse-max-alias-queries-per-store=32"] }]]
    },
    {
      "target_name": "fastaug_sse4",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", { "sources": ["native/isa/sse4.cc"] }, { "type": "none" }],
        ["clang==0", { "cflags_cc": ["--param=inline-unit-growth=1000", "--param=large-function-growth=1000"] }]
      ],
      "cflags!": ["-fno-omit-frame-pointer"],
      "cflags_cc": ["-msse4.1", "-fschedule-insns", "-fsched-pressure"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-msse4.1"] }
    },
    {
      "target_name": "fastaug_avx2",
      "type": "static_library",
      "conditions": [["target_arch=='x64'", { "sources": ["native/isa/avx2.cc"] }, { "type": "none" }]],
      "cflags!": ["-fno-omit-frame-pointer"],
      "cflags_cc": ["-mavx2", "-mno-fma", "-fschedule-insns", "-fsched-pressure"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mno-fma"] }
    },
    {
      "target_name": "fastaug_avx512",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", { "sources": ["native/isa/avx512.cc"] }, { "type": "none" }],
        ["clang==0", { "cflags_cc": ["--param=inline-unit-growth=1000", "--param=large-function-growth=1000"] }]
      ],
      "cflags!": ["-fno-omit-frame-pointer"],
      "cflags_cc": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mno-fma", "-Wno-maybe-uninitialized", "-Wno-uninitialized", "-fschedule-insns", "-fsched-pressure"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mno-fma"] }
    },
    {
      "target_name": "fastaug_avx512vbmi",
      "type": "static_library",
      "conditions": [["target_arch=='x64'", { "sources": ["native/isa/avx512vbmi.cc"] }, { "type": "none" }]],
      "cflags!": ["-fno-omit-frame-pointer"],
      "cflags_cc": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx512vbmi", "-mno-fma", "-Wno-maybe-uninitialized", "-Wno-uninitialized", "-fschedule-insns", "-fsched-pressure"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx512vbmi", "-mno-fma"] }
    },
    {
      "target_name": "fastaug_neon",
      "type": "static_library",
      "conditions": [["target_arch=='arm64'", { "sources": ["native/isa/neon.cc"] }, { "type": "none" }]]
    }
  ]
}
