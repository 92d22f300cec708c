// Memory's own thread scaling (issue 20's "≥ 1.7× with two threads"), no
// Node: how much faster two threads copy, write or read a batch than one.
// An op that moves its batch at about memcpy speed (W2, E4, the colour maps)
// cannot gain more from a second thread than memcpy does, so this is the
// ceiling the bench's "2 threads / 1" of such ops is judged against.
//
// For each size (default: the float32 batch 64×224×224×3, 38,535,168 bytes,
// as W2, E4 and T1 move; the uint8 one, 9,633,792 bytes, as W1, F1, B1),
// and each operation:
//   copy   memcpy(dst, src, n)   (what TypedArray.prototype.set does)
//   write  memset(dst, 1, n)
//   read   a sum of src's 64-bit words (vectorized by the compiler)
// it times one thread doing all n bytes against two threads doing a half
// each (the calling thread and one helper, woken through a condition
// variable as the addon's Crew does; the halves are 4096-byte aligned), in
// alternating order, and prints medians and minima of wall time, the
// process's CPU time, and two threads' speed-up (1-thread wall / 2-thread
// wall); then the same speed-up over only the rounds that ran as timed (no
// wait for a CPU: report_clean) and how long after the calling thread the
// helper started its half (median). Buffers are touched before timing (no
// page faults inside).
//
// Build (one line; no ISA flags: glibc's memcpy and memset pick their own):
//   g++ -std=gnu++17 -O3 -pthread -o /tmp/memcpy_threads
//     native/tools/memcpy_threads.cc
//   /tmp/memcpy_threads [ROUNDS=41] [BYTES ...]
// Say the load (`uptime`) with every figure: a helper that waits for a vCPU
// makes two threads look slower than they are (at load 8 every row came out
// at 0.5–0.9×). On the 2-vCPU Zen 4 host, 2026-12-07, a copy of 38.5 MB
// gained 1.21–1.31× at load ~1 (the lead's C probe) and 1.44× here at load
// 2.3, with the two threads' CPU 1.32× one thread's: they share the memory's
// bandwidth (docs/performance.md, "Two threads that scale … (round 4)").
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace {

double clock_ms(clockid_t id) {
  timespec t;
  clock_gettime(id, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One helper thread that runs a job when asked and says when it is done.
class Helper {
 public:
  Helper() : thread_([this] { Serve(); }) {}
  ~Helper() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  // Runs `mine` on this thread and `theirs` on the helper; returns when both have run.
  void Together(const std::function<void()>& mine, const std::function<void()>& theirs) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &theirs;
      done_ = false;
    }
    wake_.notify_one();
    mine();
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [&] { return done_; });
  }

 private:
  void Serve() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || job_ != nullptr; });
      if (stop_) return;
      const std::function<void()>* job = job_;
      job_ = nullptr;
      lock.unlock();
      (*job)();
      lock.lock();
      done_ = true;
      finished_.notify_one();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  const std::function<void()>* job_ = nullptr;
  bool done_ = false, stop_ = false;
  std::thread thread_;
};

volatile uint64_t sink;  // keeps the reads' sums alive

uint64_t sum_words(const unsigned char* p, size_t n) {
  const auto* w = reinterpret_cast<const uint64_t*>(p);
  uint64_t s = 0;
  for (size_t i = 0; i < n / 8; ++i) s += w[i];
  return s;
}

// [from, to) of n bytes on one thread: the whole; on two: a 4096-byte-aligned half each.
using Range = std::function<void(size_t from, size_t to)>;

// Plain medians on a host where other programs hold a CPU measure the
// scheduler, not the memory (Zen 5, 2026-12-07, round 7: at load 4-7 the
// two-thread wall equalled its CPU time, the halves one after the other).
// So medians are also taken over the rounds that ran as timed: one-thread
// rounds whose wall is at most kUnpreempted times their CPU time, and
// two-thread rounds whose process CPU time is at least kTogether times their
// wall (the halves overlapped for most of the round; quiet, a 9.6 MB copy's
// two halves took 1.36x their wall in CPU, the helper starting ~25 us late).
constexpr double kUnpreempted = 1.1, kTogether = 1.25;

// Medians over the rounds that ran as timed (above), with their counts.
void report_clean(const char* op, size_t bytes, const std::vector<double> (&wall)[2], const std::vector<double> (&cpu)[2]) {
  std::vector<double> one, two;
  for (size_t i = 0; i < wall[0].size(); ++i)
    if (wall[0][i] <= cpu[0][i] * kUnpreempted) one.push_back(wall[0][i]);
  for (size_t i = 0; i < wall[1].size(); ++i)
    if (cpu[1][i] >= wall[1][i] * kTogether) two.push_back(wall[1][i]);
  if (one.empty() || two.empty()) {
    std::printf("%-5s %10zu B  rounds as timed: 1 thread %zu, 2 threads together %zu of %zu: no figure\n", op, bytes, one.size(), two.size(), wall[1].size());
    return;
  }
  std::printf("%-5s %10zu B  rounds as timed: 1 thread %zu, %7.3f ms; 2 threads together %zu of %zu, %7.3f ms; speed-up %.2fx\n", op, bytes,
              one.size(), median(one), two.size(), wall[1].size(), median(two), median(one) / median(two));
}

void report(const char* op, size_t bytes, const std::vector<double> (&wall)[2], const std::vector<double> (&cpu)[2]) {
  const double w1 = median(wall[0]), w2 = median(wall[1]);
  std::printf("%-5s %10zu B  1 thread %7.3f ms (min %7.3f, cpu %7.3f)  2 threads %7.3f ms (min %7.3f, cpu %7.3f)  speed-up %.2fx (min/min %.2fx)  1 thread %.1f GB/s\n",
              op, bytes, w1, *std::min_element(wall[0].begin(), wall[0].end()), median(cpu[0]), w2,
              *std::min_element(wall[1].begin(), wall[1].end()), median(cpu[1]), w1 / w2,
              *std::min_element(wall[0].begin(), wall[0].end()) / *std::min_element(wall[1].begin(), wall[1].end()), bytes / w1 * 1e-6);
}

void probe(Helper& helper, const char* op, size_t bytes, int rounds, const Range& range) {
  const size_t half = (bytes / 2) & ~size_t(4095);
  std::vector<double> wall[2], cpu[2], wake;  // wake: the helper's start after the caller's
  for (int r = 0; r < rounds; ++r) {
    for (int k = 0; k < 2; ++k) {
      const int threads = (r + k) % 2;  // alternate which goes first
      const double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
      if (threads == 0) {
        range(0, bytes);
      } else {
        double mine = 0, theirs = 0;  // when each half started
        helper.Together([&] { mine = clock_ms(CLOCK_MONOTONIC), range(0, half); }, [&] { theirs = clock_ms(CLOCK_MONOTONIC), range(half, bytes); });
        wake.push_back(theirs - mine);
      }
      wall[threads].push_back(clock_ms(CLOCK_MONOTONIC) - w0);
      cpu[threads].push_back(clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0);
    }
  }
  report(op, bytes, wall, cpu);
  report_clean(op, bytes, wall, cpu);
  std::printf("%-5s %10zu B  the helper started %.1f us after the calling thread (median; min %.1f; negative: the caller waited for a CPU)\n", op, bytes, median(wake) * 1e3, *std::min_element(wake.begin(), wake.end()) * 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 41;
  std::vector<size_t> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {size_t(64) * 224 * 224 * 3 * 4, size_t(64) * 224 * 224 * 3};
  Helper helper;
  for (size_t bytes : sizes) {
    std::vector<unsigned char> src(bytes, 1), dst(bytes, 2);  // touched: no page faults while timed
    unsigned char* s = src.data();
    unsigned char* d = dst.data();
    probe(helper, "copy", bytes, rounds, [=](size_t a, size_t b) { std::memcpy(d + a, s + a, b - a); });
    probe(helper, "write", bytes, rounds, [=](size_t a, size_t b) { std::memset(d + a, 1, b - a); });
    probe(helper, "read", bytes, rounds, [=](size_t a, size_t b) { sink = sum_words(s + a, b - a); });
  }
  return 0;
}
