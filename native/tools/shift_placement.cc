// Probe for W2's two speeds (docs/performance.md, round 5): the float32
// bilinear shift of 64x224x224x3 (W2, as shift_ab times it) and a memcpy of
// the same bytes, on PAIRS freshly allocated (input, output) buffer pairs in
// ONE process, each pair timed in turn within every round (CPU time,
// medians). For each pair it prints where the buffers sit: the virtual
// address modulo 4096 and 2 MiB, dst - src modulo 4096, and from
// /proc/self/pagemap and /proc/kpageflags (root) how many of their pages are
// transparent huge pages and how many distinct 2 MiB physical frames they
// use. Not part of the addon. Build with the avx512 (or avx2) flags of
// binding.gyp, e.g.
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx512f -mavx512bw -mavx512vl
//     -mavx512dq -mno-fma -I. -DNEW_ROOT=$PWD
//     -o /tmp/splace native/tools/shift_placement.cc   (one line)
//   PAIRS=8 /tmp/splace 9        # 9 rounds
// Environment: PAIRS=n (default 8); ALLOC=malloc (default: as Node's
// ArrayBuffers, calloc), mmap (page-aligned), thp (mmap, 2 MiB-aligned,
// madvise(MADV_HUGEPAGE)), nohuge (mmap + MADV_NOHUGEPAGE), advise
// (calloc, then MADV_HUGEPAGE on the whole 2 MiB pages inside), mixed,
// mixed-out, mixed-in (below); CALLS=n per
// sample (default 1); OP=w2|copy|both (default both); GAP=mb (below);
// SWEEP=step, SERIES=seconds (below).
#define OLD_ROOT NEW_ROOT
#include "ab_harness.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <alloca.h>
#include <set>
namespace fastaug {
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/shift.h)
}
}  // namespace fastaug
using namespace fastaug;

static const size_t kImages = 64, kH = 224, kW = 224, kC = 3, kLen = kImages * kH * kW * kC;

// W2's taps (shift_ab make_taps with spread 0, subpixel): small offsets.
struct Taps {
  std::vector<int32_t> kx, ky;
  std::vector<float> wx1, wx0, wy1, wy0;
};
static void axis(double d, int32_t& k, float& w1, float& w0) {
  const double whole = std::floor(d);
  k = int32_t(whole);
  w1 = float(d - whole);
  w0 = 1.0f - w1;
}
static Taps w2_taps() {
  Taps t;
  t.kx.resize(kImages); t.ky.resize(kImages); t.wx1.resize(kImages); t.wx0.resize(kImages); t.wy1.resize(kImages); t.wy0.resize(kImages);
  for (size_t i = 0; i < kImages; ++i) {
    axis(((i % 9) - 4.0) * 1.37, t.kx[i], t.wx1[i], t.wx0[i]);
    axis(((i % 7) - 3.0) * 0.83, t.ky[i], t.wy1[i], t.wy0[i]);
  }
  return t;
}

static float* allocate(size_t bytes, const std::string& how) {
  if (how == "malloc") return static_cast<float*>(calloc(bytes, 1));
  if (how == "advise") {  // calloc, then the whole 2 MiB pages inside it advised huge (before any write)
    char* p = static_cast<char*>(calloc(bytes, 1));
    const uintptr_t a = (reinterpret_cast<uintptr_t>(p) + (2 << 20) - 1) & ~uintptr_t((2 << 20) - 1);
    const uintptr_t b = (reinterpret_cast<uintptr_t>(p) + bytes) & ~uintptr_t((2 << 20) - 1);
    if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_HUGEPAGE);
    return reinterpret_cast<float*>(p);
  }
  const size_t huge = size_t(2) << 20;
  char* p = static_cast<char*>(mmap(nullptr, bytes + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p == MAP_FAILED) { perror("mmap"); exit(1); }
  if (how == "thp") {
    p += (huge - (reinterpret_cast<uintptr_t>(p) & (huge - 1))) & (huge - 1);
    madvise(p, bytes, MADV_HUGEPAGE);
  } else if (how == "nohuge") {
    madvise(p, bytes, MADV_NOHUGEPAGE);
  }
  return reinterpret_cast<float*>(p);
}

// Pages of [p, p + bytes) that are THP (kpageflags bit 22), and the 2 MiB
// physical frames they use. Needs root; -1 when pagemap gives no frames.
struct Placement {
  long pages = 0, thp = 0, frames2m = 0;
  uint64_t first_pfn = 0;
};
static Placement placement(const void* p, size_t bytes) {
  Placement r;
  static int pm = open("/proc/self/pagemap", O_RDONLY), kf = open("/proc/kpageflags", O_RDONLY);
  if (pm < 0 || kf < 0) { r.frames2m = -1; return r; }
  const uintptr_t a0 = reinterpret_cast<uintptr_t>(p) & ~uintptr_t(4095);
  std::set<uint64_t> frames;
  for (uintptr_t a = a0; a < reinterpret_cast<uintptr_t>(p) + bytes; a += 4096) {
    uint64_t e = 0;
    if (pread(pm, &e, 8, off_t(a / 4096 * 8)) != 8 || !(e >> 63)) continue;
    const uint64_t pfn = e & ((uint64_t(1) << 55) - 1);
    if (pfn == 0) { r.frames2m = -1; return r; }
    if (r.pages == 0) r.first_pfn = pfn;
    ++r.pages;
    frames.insert(pfn >> 9);
    uint64_t f = 0;
    if (pread(kf, &f, 8, off_t(pfn * 8)) == 8 && (f >> 22 & 1)) ++r.thp;
  }
  r.frames2m = long(frames.size());
  return r;
}

// f() called with the stack pointer moved down by `offset` bytes: the
// kernels' row buffers on the stack (shift.h blend_plane_rows) then sit
// elsewhere against the buffers. Returns the stack address f() starts from.
template <class F>
[[gnu::noinline]] static uintptr_t call_at(size_t offset, const F& f) {
  volatile char* p = static_cast<volatile char*>(alloca(offset + 64));
  p[0] = 0;
  f();
  return reinterpret_cast<uintptr_t>(p);
}

// SWEEP=step: W2 on pair 0 with the stack moved by 0, step, 2 step, ... 4096
// bytes (alternated within each round); the median per offset.
static void sweep(int rounds, size_t step, const float* s, float* d, const ShiftParams& prm) {
  std::vector<std::function<double()>> measures;
  std::vector<uintptr_t> sp(4096 / step);
  for (size_t k = 0; k < 4096 / step; ++k)
    measures.push_back([=, &sp] {
      const double t0 = cpu_now();
      sp[k] = call_at(k * step, [&] { new_isa::shift_f32(s, d, prm, 0, kImages); });
      return (cpu_now() - t0) * 1e3;
    });
  const auto times = alternate(rounds, measures);
  for (size_t k = 0; k < times.size(); ++k) printf("stack -%4zu  sp%%4K %4lu  W2 %.3f ms (min %.3f)\n", k * step, (unsigned long)(sp[k] % 4096), median(times[k]), minimum(times[k]));
}

// SERIES=s: W2 and memcpy on pair 0, alternately, for s seconds of wall
// time; each half second the medians of its calls (does the speed change
// within one process, or only between processes?).
static void series(double seconds, const float* s, float* d, const ShiftParams& prm) {
  timespec w0;
  clock_gettime(CLOCK_MONOTONIC, &w0);
  auto wall = [&] { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec - w0.tv_sec + 1e-9 * (t.tv_nsec - w0.tv_nsec); };
  double next = 0.5;
  std::vector<double> a, b;
  while (wall() < seconds) {
    double t0 = cpu_now();
    new_isa::shift_f32(s, d, prm, 0, kImages);
    a.push_back((cpu_now() - t0) * 1e3);
    t0 = cpu_now();
    memcpy(d, s, kLen * sizeof(float));
    asm volatile("" ::: "memory");
    b.push_back((cpu_now() - t0) * 1e3);
    if (wall() >= next) {
      printf("t %5.1f s  W2 %.3f  memcpy %.3f ms  (%zu calls)\n", wall(), median(a), median(b), a.size());
      fflush(stdout);
      a.clear(), b.clear();
      next += 0.5;
    }
  }
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 9;
  const int pairs = getenv("PAIRS") ? atoi(getenv("PAIRS")) : 8;
  const int calls = getenv("CALLS") ? atoi(getenv("CALLS")) : 1;
  const std::string how = getenv("ALLOC") ? getenv("ALLOC") : "malloc";
  const std::string op = getenv("OP") ? getenv("OP") : "both";
  const Taps t = w2_taps();
  const ShiftParams prm{int64_t(kH), int64_t(kW), int64_t(kC), false, 2, 0.0f, t.kx.data(), t.ky.data(), t.wx1.data(), t.wx0.data(), t.wy1.data(), t.wy0.data()};
  const size_t bytes = kLen * sizeof(float);
  std::vector<float*> in(pairs), out(pairs);
  for (int k = 0; k < pairs; ++k) {
    // ALLOC=mixed: even pairs as thp, odd ones as nohuge (huge pages against
    // 4 KiB ones, alternated in one process)
    // ALLOC=mixed-out: every input by calloc, the outputs of even pairs
    // "advise"d, of odd ones calloc (what advising the output alone gives)
    // ALLOC=mixed-in: the same with the inputs
    const std::string kind = how == "mixed" ? (k % 2 == 0 ? "thp" : "nohuge") : how == "mixed-out" ? "malloc"
                             : how == "mixed-in" ? (k % 2 == 0 ? "advise" : "malloc") : how;
    const std::string out_kind = how == "mixed-out" ? (k % 2 == 0 ? "advise" : "malloc") : how == "mixed-in" ? "malloc" : kind;
    in[k] = allocate(bytes, kind);
    out[k] = allocate(bytes, out_kind);
    for (size_t i = 0; i < kLen; ++i) in[k][i] = float((i * 2654435761u) >> 24) / 255.0f;
    memset(out[k], 0, bytes);
    // GAP=mb: that much memory taken (and touched, kept) after each pair, so
    // that the next pairs get physical pages further on
    if (getenv("GAP")) {
      const size_t gap = size_t(atol(getenv("GAP"))) << 20;
      char* g = static_cast<char*>(malloc(gap));
      for (size_t i = 0; i < gap; i += 4096) g[i] = 1;
    }
  }
  if (getenv("SERIES")) {
    series(atof(getenv("SERIES")), in[0], out[0], prm);
    return 0;
  }
  if (getenv("SWEEP")) {
    sweep(rounds, size_t(atoi(getenv("SWEEP"))), in[0], out[0], prm);
    return 0;
  }
  std::vector<std::function<double()>> measures;
  for (int k = 0; k < pairs; ++k) {
    float *s = in[k], *d = out[k];
    auto w2 = [=] { new_isa::shift_f32(s, d, prm, 0, kImages); };
    auto mc = [=] { memcpy(d, s, bytes); asm volatile("" ::: "memory"); };
    auto timed = [=](auto f) { return [=] { const double t0 = cpu_now(); for (int c = 0; c < calls; ++c) f(); return (cpu_now() - t0) * 1e3 / calls; }; };
    measures.push_back(op == "copy" ? std::function<double()>([] { return 0.0; }) : std::function<double()>(timed(w2)));
    measures.push_back(op == "w2" ? std::function<double()>([] { return 0.0; }) : std::function<double()>(timed(mc)));
  }
  const auto times = alternate(rounds, measures);
  printf("pair  in%%4K out%%4K  in%%2M    out%%2M   (out-in)%%4K  in: thp/pages 2M-frames pfn0   out: thp/pages 2M-frames pfn0   W2 ms (min)   memcpy ms (min)\n");
  for (int k = 0; k < pairs; ++k) {
    const Placement a = placement(in[k], bytes), b = placement(out[k], bytes);
    const uintptr_t s = reinterpret_cast<uintptr_t>(in[k]), d = reinterpret_cast<uintptr_t>(out[k]);
    printf("%3d  %5lu %5lu  %7lu  %7lu  %6lu     %4ld/%4ld %4ld %9lx    %4ld/%4ld %4ld %9lx    %6.3f (%6.3f)  %6.3f (%6.3f)\n", k, s % 4096, d % 4096,
           s % (2 << 20), d % (2 << 20), (d - s) % 4096, a.thp, a.pages, a.frames2m, (unsigned long)a.first_pfn, b.thp, b.pages, b.frames2m,
           (unsigned long)b.first_pfn, median(times[2 * k]), minimum(times[2 * k]), median(times[2 * k + 1]), minimum(times[2 * k + 1]));
  }
  return 0;
}
