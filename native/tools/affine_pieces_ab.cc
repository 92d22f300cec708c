// A/B of the affine warp cut as …Async calls cut it (issue 20: two threads
// that scale, the cost of a kernel call), no Node: the float32 warp of two
// source trees (ab_harness.h) on bench case T1 (64×224×224×3, the matrices
// of affine_ab.cc's file, the whole output's images in p.shift.out_images as
// the addon sets them), alternated, medians of wall and CPU time, and the
// CPU time of the calling thread and of one helper (CLOCK_THREAD_CPUTIME_ID):
//   1  the 64 images in one call, one thread
//   k  64 calls of one image each, one thread (a call's own cost × 63)
//   s  the pieces of a threads: 2 …Async call (slices of 11 and 53 images, 8
//      pieces each: src/ops/common.ts at a quiet host's timing), one thread
//   p  the same pieces claimed one by one by this thread and a helper woken
//      through a condition variable (the addon's Crew)
//   h  two halves, one per thread
// Modes s against 1 and k against 1 give the cost of cutting; p and h
// against s give what running at once costs (CPU above s: the two threads
// slow each other, e.g. sharing memory bandwidth). With `taskset -c 0` the
// threads never run at once. Build with the flags of binding.gyp's ISA
// library, e.g. AVX-512 with the main repo as OLD (one line):
//   g++ -std=gnu++17 -O3 -ffp-contract=off -mavx512f -mavx512bw -mavx512vl
//     -mavx512dq -mno-fma -Wno-maybe-uninitialized -Wno-uninitialized
//     -fschedule-insns -fsched-pressure --param=inline-unit-growth=1000
//     --param=large-function-growth=1000 -Inative -pthread
//     -DOLD_ROOT=/work/main -DNEW_ROOT=$PWD -DISA=avx512
//     -o /tmp/affine_pieces_ab native/tools/affine_pieces_ab.cc
//   /tmp/affine_pieces_ab /tmp/m.txt 21 1skph   # matrices as for affine_ab, 21 rounds, modes
// Not part of the addon.
#include "ab_harness.h"
#include <condition_variable>
#include <mutex>
#include <thread>
namespace fastaug {
namespace old_isa {
#include AB_TREE_FILE(OLD_ROOT, simd/ISA.h)
#include AB_TREE_FILE(OLD_COPY_ROOT, kernels/copy.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/random.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/shift.h)
#include AB_TREE_FILE(OLD_ROOT, kernels/affine.h)
}
namespace new_isa {
#include AB_TREE_FILE(NEW_ROOT, simd/ISA.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/copy.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/random.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/shift.h)
#include AB_TREE_FILE(NEW_ROOT, kernels/affine.h)
}
}
using namespace fastaug;

static double thread_cpu() { timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static double wall() { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

struct Piece { size_t first, count; };

// One helper thread claiming pieces from a shared list, as the addon's Crew does.
struct Crew {
  std::mutex mu; std::condition_variable wake, done;
  const std::vector<Piece>* pieces = nullptr; size_t next = 0, finished = 0; bool stop = false; int gen = 0;
  std::function<void(size_t, size_t)> run;
  double helper_cpu = 0; int helper_pieces = 0;
  std::thread t;
  Crew() { t = std::thread([this] { serve(); }); }
  ~Crew() { { std::lock_guard<std::mutex> l(mu); stop = true; } wake.notify_all(); t.join(); }
  void claim(std::unique_lock<std::mutex>& l, double* cpu, int* count) {
    while (pieces && next < pieces->size()) {
      Piece p = (*pieces)[next++];
      l.unlock();
      const double c0 = thread_cpu();
      run(p.first, p.count);
      const double c1 = thread_cpu();
      l.lock();
      *cpu += c1 - c0; ++*count;
      if (++finished == pieces->size()) done.notify_one();
    }
  }
  void serve() {
    std::unique_lock<std::mutex> l(mu);
    for (;;) {
      wake.wait(l, [&] { return stop || (pieces && next < pieces->size()); });
      if (stop) return;
      claim(l, &helper_cpu, &helper_pieces);
    }
  }
  // Runs every piece (with the helper when `helpers`); returns the calling thread's CPU time in them.
  double go(const std::vector<Piece>& ps, bool helpers, int* caller_pieces) {
    std::unique_lock<std::mutex> l(mu);
    pieces = &ps; next = 0; finished = 0;
    if (helpers) { l.unlock(); wake.notify_all(); l.lock(); }
    double cpu = 0;
    claim(l, &cpu, caller_pieces);
    done.wait(l, [&] { return finished == ps.size(); });
    pieces = nullptr;
    return cpu;
  }
};

static std::vector<Piece> split(size_t start, size_t count, size_t parts) {
  std::vector<Piece> out; size_t s = 0;
  for (size_t i = 0; i < parts; ++i) { size_t e = i == parts - 1 ? count : (size_t)std::llround(double(count) * (i + 1) / parts); if (e > s) out.push_back({start + s, e - s}); s = e; }
  return out;
}

int main(int argc, char** argv) {
  std::vector<double> m; FILE* f = std::fopen(argv[1], "r"); double v; while (f && std::fscanf(f, "%lf", &v) == 1) m.push_back(v);
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 15;
  const char* modes = argc > 3 ? argv[3] : "1skph";
  if (m.size() != 384) { std::fprintf(stderr, "usage: affine_pieces_ab MATRICES_FILE (384 numbers) [ROUNDS] [MODES 1skph]\n"); return 2; }
  std::vector<uint8_t> translate(64, 0);
  WarpParams p{}; p.h = 224; p.w = 224; p.c = 3; p.fill = 2; p.matrix = m.data(); p.translate = translate.data(); p.shift.out_images = 64;
  const size_t total = size_t(64 * 224 * 224 * 3);
  std::vector<float> src(total), dst(total);
  for (size_t i = 0; i < total; ++i) src[i] = float(((i * 7) & 255) / 255.0);
  Crew crew;
  void (*kern)(const float*, float*, const WarpParams&, size_t, size_t) = &new_isa::affine_f32;
  crew.run = [&](size_t a, size_t n) { kern(src.data(), dst.data(), p, a, n); };
  std::vector<float> ref(total);
  old_isa::affine_f32(src.data(), ref.data(), p, 0, 64);
  new_isa::affine_f32(src.data(), dst.data(), p, 0, 64);
  std::printf("bytes %s\n", std::memcmp(ref.data(), dst.data(), total * 4) == 0 ? "equal" : "DIFFER");
  // the slices of a threads: 2 call on a quiet host: 11, then 53 images, 8 pieces each
  std::vector<std::vector<Piece>> slices2 = {split(0, 11, 8), split(11, 53, 8)};
  std::vector<std::vector<Piece>> halves = {split(0, 64, 2)};
  std::vector<std::vector<Piece>> one = {split(0, 64, 1)};
  std::vector<std::vector<Piece>> each = {split(0, 64, 64)};
  struct R { double wall, cpu, caller, helper; int hp; };
  auto measure = [&](const std::vector<std::vector<Piece>>& sl, bool helpers) {
    crew.helper_cpu = 0; crew.helper_pieces = 0; int cp = 0;
    const double w0 = wall(), p0 = cpu_now(); double caller = 0;
    for (auto& s : sl) caller += crew.go(s, helpers, &cp);
    R r{(wall() - w0) * 1e3, (cpu_now() - p0) * 1e3, caller * 1e3, crew.helper_cpu * 1e3, crew.helper_pieces};
    return r;
  };
  std::vector<std::string> names; std::vector<std::function<R()>> fns;
  for (const char* c = modes; *c; ++c) for (int tree = 0; tree < 2; ++tree) {
    auto K = tree ? &new_isa::affine_f32 : &old_isa::affine_f32;
    const std::string tn = tree ? "new " : "old ";
    auto add = [&](const char* name, std::function<R()> fn) { names.push_back(tn + name); fns.push_back([&kern, K, fn] { kern = K; return fn(); }); };
    if (*c == '1') { add("1 call, 1 thread", [&, K] { return measure(one, false); }); }
    if (*c == 's') { add("2-thread pieces, serial", [&, K] { return measure(slices2, false); }); }
    if (*c == 'p') { add("2-thread pieces, 2 threads", [&, K] { return measure(slices2, true); }); }
    if (*c == 'k') { add("64 calls, 1 thread", [&, K] { return measure(each, false); }); }
    if (*c == 'h') { add("halves, 2 threads", [&, K] { return measure(halves, true); }); }
  }
  std::vector<std::vector<R>> res(fns.size());
  for (int r = 0; r < rounds; ++r) for (size_t k = 0; k < fns.size(); ++k) { size_t i = r % 2 ? fns.size() - 1 - k : k; res[i].push_back(fns[i]()); }
  for (size_t i = 0; i < fns.size(); ++i) {
    auto col = [&](double R::*fld) { std::vector<double> v; for (auto& x : res[i]) v.push_back(x.*fld); return median(v); };
    std::vector<double> hp; for (auto& x : res[i]) hp.push_back(x.hp);
    std::printf("%-28s wall %6.2f  cpu %6.2f  caller %6.2f  helper %6.2f  helper pieces %.0f\n", names[i].c_str(), col(&R::wall), col(&R::cpu), col(&R::caller), col(&R::helper), median(hp));
  }
}
