// A/B harness for the shifts (native/kernels/shift.h), no Node: two source
// trees compiled into one process under two namespaces, so that their output
// is compared bit for bit and their speed is timed alternately with a memcpy
// of the same bytes (CPU time, medians). Not part of the addon. Checks: every
// fill, c = 1..5, widths 1..700, uint8 and float32, integer and subpixel
// offsets, NHWC and NCHW. Cases timed: the bench's 64x224x224x3 batches
// (B10-u8, B10-f32, W2, I10-* / I20-*). Build with the flags of binding.gyp's
// ISA library, e.g. for AVX2 with a copy of the old tree in /work/old:
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx2 -mno-fma -fschedule-insns
//     -fsched-pressure -I. -DOLD_ROOT=/work/old -DNEW_ROOT=$PWD
//     -o /tmp/shift_ab native/tools/shift_ab.cc   (one line)
//   /tmp/shift_ab 15 B10-u8 I20-u8-wrap     # 15 rounds of the cases named
// Environment: NOCHECK=1 skips the check, IMAGES=n (default 64) and CALLS=n
// (per sample, default 3) size the timing, OUT_SHIFT=k puts the timed output
// k elements into its buffer, PROFILE=s runs the new kernel
// alone for s seconds of CPU (for perf record).
// (SSE4.1: -msse4.1; AVX-512: the avx512 flags of binding.gyp.)
// An old tree from before native/kernels/copy.h (main before 2026-12-07,
// round 4): add -DOLD_COPY_ROOT=$PWD (ab_harness.h).
#include "ab_harness.h"
#include "../kernels/rounding.h"  // round_half_even, for the uint8 weights as axisTaps rounds them
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/shift.h)
}
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/shift.h)
}
}  // namespace fastaug
using namespace fastaug;

// Per-image offsets and weights as src/ops/shift.ts axisTaps resolves them.
struct Taps {
  std::vector<int32_t> kx, ky;
  std::vector<float> wx1, wx0, wy1, wy0;
};
static void axis(double d, bool u8, int32_t& k, float& w1, float& w0) {
  const double one = u8 ? 4096 : 1;
  double whole = std::floor(d);
  if (whole == d) { k = int32_t(whole); w1 = 0; w0 = float(one); return; }
  double weight = u8 ? round_half_even((d - whole) * one) : double(float(d - whole));
  if (weight == one) { whole += 1; weight = 0; }
  k = int32_t(whole);
  w1 = float(weight);
  w0 = u8 ? float(one - weight) : float(1.0f - float(weight));
}
// bench/cases/shift.mjs spreadOffsets, or W1/W2's small offsets (spread 0)
static Taps make_taps(int n, int h, int w, double spread, bool subpixel, bool u8) {
  Taps t;
  t.kx.resize(n); t.ky.resize(n); t.wx1.resize(n); t.wx0.resize(n); t.wy1.resize(n); t.wy0.resize(n);
  for (int i = 0; i < n; ++i) {
    double dx, dy;
    if (spread == 0) {
      dx = subpixel ? ((i % 9) - 4) * 1.37 : (i % 9) - 4;
      dy = subpixel ? ((i % 7) - 3) * 0.83 : (i % 7) - 3;
    } else {
      dx = (2 * std::fmod(i * 0.618034, 1.0) - 1) * spread * w;
      dy = (2 * std::fmod(i * 0.414214, 1.0) - 1) * spread * h;
      if (!subpixel) { dx = std::nearbyint(dx); dy = std::nearbyint(dy); }
    }
    axis(dx, u8, t.kx[i], t.wx1[i], t.wx0[i]);
    axis(dy, u8, t.ky[i], t.wy1[i], t.wy0[i]);
  }
  return t;
}
static ShiftParams params(const Taps& t, int64_t h, int64_t w, int64_t c, bool nchw, int fill, float fill_value) {
  return ShiftParams{h, w, c, nchw, fill, fill_value, t.kx.data(), t.ky.data(), t.wx1.data(), t.wx0.data(), t.wy1.data(), t.wy0.data()};
}

template <class T>
static void fill_input(std::vector<T>& v, unsigned seed) {
  uint32_t s = seed * 2654435761u + 1;
  for (size_t i = 0; i < v.size(); ++i) {
    s = s * 1664525u + 1013904223u;
    const uint32_t b = (s >> 24) & 255;
    // runs of equal bytes now and then (ties of the uint8 rounding happen on flat areas)
    v[i] = (i / 7) % 5 == 0 ? T(128) : (sizeof(T) == 1 ? T(b) : T(float(b) / 255.0f));
  }
}

static int check() {
  int bad = 0, count = 0;
  const int64_t widths[] = {1, 2, 3, 5, 8, 11, 16, 21, 31, 33, 64, 100, 224, 257, 700};
  for (int64_t w : widths)
    for (int64_t c = 1; c <= 5; ++c)
      for (int fill = 0; fill < 5; ++fill)
        for (int nchw = 0; nchw < 2; ++nchw)
          for (int sub = 0; sub < 2; ++sub) {
            const int64_t n = 9, h = 13;
            for (int u8 = 0; u8 < 2; ++u8) {
              Taps t = make_taps(int(n), int(h), int(w), 0.3 + 0.1 * fill, sub, u8);
              if (sub) { t.wx1[3] = u8 ? 0 : 0.0f; t.wx0[3] = u8 ? 4096 : 1.0f; t.wy1[4] = 0; t.wy0[4] = u8 ? 4096 : 1.0f; }
              const ShiftParams p = params(t, h, w, c, nchw, fill, u8 ? 77.0f : 0.3f);
              const size_t len = size_t(n * h * w * c);
              if (u8) {
                std::vector<uint8_t> in(len), a(len + 64, 1), b(len + 64, 1);
                fill_input(in, unsigned(w * 31 + c));
                old_isa::shift_u8(in.data(), a.data(), p, 0, size_t(n));
                new_isa::shift_u8(in.data(), b.data(), p, 0, size_t(n));
                ++count;
                if (a != b) { if (bad++ < 10) printf("DIFF u8 w %lld c %lld fill %d nchw %d sub %d\n", (long long)w, (long long)c, fill, nchw, sub); }
              } else {
                std::vector<float> in(len), a(len + 16, 1), b(len + 16, 1);
                fill_input(in, unsigned(w * 31 + c));
                old_isa::shift_f32(in.data(), a.data(), p, 0, size_t(n));
                new_isa::shift_f32(in.data(), b.data(), p, 0, size_t(n));
                ++count;
                if (memcmp(a.data(), b.data(), a.size() * 4) != 0) { if (bad++ < 10) printf("DIFF f32 w %lld c %lld fill %d nchw %d sub %d\n", (long long)w, (long long)c, fill, nchw, sub); }
              }
            }
          }
  printf("check: %d cases, %d differ\n", count, bad);
  return bad;
}

struct Case {
  std::string id;
  bool u8;
  double spread;
  bool subpixel;
  int fill;
};
static bool parse(const std::string& id, Case& c) {
  const char* fills[] = {"constant", "nearest", "reflect", "mirror", "wrap"};
  if (id == "B10-u8") { c = {id, true, 0.1, true, 2}; return true; }
  if (id == "B10-f32") { c = {id, false, 0.1, true, 2}; return true; }
  if (id == "W2") { c = {id, false, 0, true, 2}; return true; }
  if (id == "W1") { c = {id, true, 0, false, 0}; return true; }
  int pct; char dt[8], fl[16];
  if (sscanf(id.c_str(), "I%d-%7[^-]-%15s", &pct, dt, fl) == 3) {
    for (int f = 0; f < 5; ++f)
      if (std::string(fl) == fills[f]) { c = {id, std::string(dt) == "u8", pct / 100.0, false, f}; return true; }
  }
  return false;
}

template <class T, class F>
static double time_calls(F f, int calls) {
  const double t0 = cpu_now();
  for (int i = 0; i < calls; ++i) f();
  return (cpu_now() - t0) * 1e3 / calls;
}

template <class T>
static void run_case(const Case& k, int rounds, int calls) {
  const int64_t n = getenv("IMAGES") ? atoi(getenv("IMAGES")) : 64, h = 224, w = 224, c = 3;
  const Taps t = make_taps(int(n), int(h), int(w), k.spread, k.subpixel, sizeof(T) == 1);
  const ShiftParams p = params(t, h, w, c, false, k.fill, 0.0f);
  const size_t len = size_t(n * h * w * c);
  // OUT_SHIFT=k: the timed output k elements into its buffer (the copies'
  // speed depends on the output's offset against the input modulo 64 bytes)
  const size_t out_shift = getenv("OUT_SHIFT") ? size_t(atoi(getenv("OUT_SHIFT"))) : 0;
  std::vector<T> in(len), out_old(len), out_new(len), copy(len + out_shift);
  fill_input(in, 5);
  auto op_old = [&](T* out) { if constexpr (sizeof(T) == 1) old_isa::shift_u8(in.data(), out, p, 0, size_t(n)); else old_isa::shift_f32(in.data(), out, p, 0, size_t(n)); };
  auto op_new = [&](T* out) { if constexpr (sizeof(T) == 1) new_isa::shift_u8(in.data(), out, p, 0, size_t(n)); else new_isa::shift_f32(in.data(), out, p, 0, size_t(n)); };
  op_old(out_old.data());
  op_new(out_new.data());
  const bool same = memcmp(out_old.data(), out_new.data(), len * sizeof(T)) == 0;
  // Timed, all three write ONE output buffer: a uint8 batch and its output
  // (19.2 MB) then fit a 32 MB L3 as a memcpy's do. With a buffer each (38 MB
  // touched a round), two builds of the same code differed by up to 20 %.
  T* out = copy.data() + out_shift;
  auto old_call = [&] { op_old(out); };
  auto new_call = [&] { op_new(out); };
  auto mc = [&] { memcpy(out, in.data(), len * sizeof(T)); asm volatile("" ::: "memory"); };
  if (getenv("PROFILE")) {  // the new kernel alone for PROFILE seconds (perf record)
    const double t0 = cpu_now();
    while (cpu_now() - t0 < atof(getenv("PROFILE"))) new_call();
    return;
  }
  mc();
  const auto times = alternate(rounds, {[&] { return time_calls<T>(mc, calls); }, [&] { return time_calls<T>(old_call, calls); },
                                         [&] { return time_calls<T>(new_call, calls); }});
  const std::vector<double>&tm = times[0], &to = times[1], &tn = times[2];
  // medians of each, then the medians of the ratios within a round (the
  // three samples of a round are minutes closer than two rounds)
  std::vector<double> ro, rn, rno;
  for (size_t r = 0; r < to.size(); ++r) {
    ro.push_back(to[r] / tm[r]);
    rn.push_back(tn[r] / tm[r]);
    rno.push_back(tn[r] / to[r]);
  }
  const double o = median(to), nw = median(tn), m = median(tm);
  printf("%-16s memcpy %.3f ms  old %.3f ms = %.2fx  new %.3f ms = %.2fx  new/old %.3f | per round: old %.2fx new %.2fx new/old %.3f  %s\n",
         k.id.c_str(), m, o, o / m, nw, nw / m, nw / o, median(ro), median(rn), median(rno), same ? "same bytes" : "DIFFERENT BYTES");
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 9;
  const int calls = getenv("CALLS") ? atoi(getenv("CALLS")) : 3;
  if (!getenv("NOCHECK") && check() != 0) return 1;
  for (int i = 2; i < argc; ++i) {
    Case k;
    if (!parse(argv[i], k)) { printf("unknown case %s\n", argv[i]); return 1; }
    if (k.u8) run_case<uint8_t>(k, rounds, calls);
    else run_case<float>(k, rounds, calls);
  }
  return 0;
}
