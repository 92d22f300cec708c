// Node-API glue: JS arguments → a plain params struct → a kernel call, run
// either on the calling thread or on the libuv pool (a Promise). Arguments
// were validated by the TypeScript facade (src/validate.ts); the checks here
// only keep a wrong internal call from touching memory it was not given.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "isa/dispatch.h"
#include "kernels/params.h"
#include "kernels/philox_scalar.h"

#ifndef FASTAUG_VERSION
#define FASTAUG_VERSION "0.0.0"
#endif

namespace fastaug {
namespace {

#include "kernels/rounding.h"  // round_half_even, this file's own copy (baseline flags)

using Job = std::function<void()>;

// 2^53 − 1, the largest integer a JS number holds exactly: the bound of
// every index, stream position and element count the addon takes.
constexpr uint64_t kMaxSafeInteger = (uint64_t(1) << 53) - 1;

// A job's own failure as a message (kernels allocate nothing; this is a
// guard for any job that does), or "" when it ran.
std::string RunCatching(const Job& job) {
  try {
    job();
    return "";
  } catch (const std::bad_alloc&) {
    return "fastaug native: out of memory";
  } catch (const std::exception& e) {
    return std::string("fastaug native: ") + e.what();
  }
}

// Runs a job on the libuv thread pool. References keep the typed arrays the
// job reads and writes from being collected until the promise settles; they
// cannot stop a transfer from detaching one (Node-API has no way to pin an
// ArrayBuffer's memory), so the facade passes only arrays no caller can
// detach: on a SharedArrayBuffer, created for the call, or staging copies
// (runOnLentArrays in src/ops/common.ts).
class JobWorker : public Napi::AsyncWorker {
 public:
  JobWorker(Napi::Env env, Job job, const std::vector<Napi::Object>& pinned)
      : Napi::AsyncWorker(env, "fastaug"), deferred_(Napi::Promise::Deferred::New(env)), job_(std::move(job)) {
    for (const auto& object : pinned) pins_.push_back(Napi::Persistent(object));
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    const std::string failure = RunCatching(job_);
    if (!failure.empty()) SetError(failure);
  }
  void OnOK() override {
    Settle([&] { deferred_.Resolve(Env().Undefined()); });
  }
  // A RangeError, as the same failure is on the synchronous path.
  void OnError(const Napi::Error& error) override {
    Settle([&] { deferred_.Reject(Napi::RangeError::New(Env(), error.Message()).Value()); });
  }

 private:
  // A Worker that ends (terminate(), process.exit) while its call is pending
  // still gets this completion, in an environment that can no longer run
  // JavaScript: settling the promise then fails, and the exception must not
  // leave this C callback (std::terminate would end the whole process).
  template <class F>
  static void Settle(F settle) {
    try {
      settle();
    } catch (const Napi::Error&) {
    }
  }

  Napi::Promise::Deferred deferred_;
  Job job_;
  std::vector<Napi::ObjectReference> pins_;
};

// Helper threads the addon owns, for jobs run together (Crew::Run): the
// calling thread and up to `helpers` of these claim the jobs one by one, and
// Run returns once every job has run. The calling thread blocks meanwhile,
// so no JavaScript can run, and no array the jobs use can be transferred or
// detached: that is what lets …Async calls work on the caller's ordinary
// (detachable) arrays in place, a slice at a time (runAsyncWork in
// src/ops/common.ts), with no staging copies. The threads sleep on a
// condition variable between runs (libuv's pool would add a queue and a
// completion callback per job, ~50 µs) and live as long as the addon
// instance.
class Crew {
 public:
  Crew() = default;
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;
  ~Crew() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  // Runs every job; returns the first failure's message, or "".
  std::string Run(std::vector<Job>& jobs, size_t helpers) {
    if (jobs.empty()) return "";
    helpers = std::min(helpers, jobs.size() - 1);
    std::unique_lock<std::mutex> lock(mutex_);
    while (threads_.size() < helpers) threads_.emplace_back([this] { Serve(); });
    jobs_ = &jobs;
    next_ = 0;
    finished_ = 0;
    wanted_ = helpers;
    failure_.clear();
    if (helpers > 0) {
      lock.unlock();
      wake_.notify_all();
      lock.lock();
    }
    Claim(lock);
    // jobs helpers claimed may still run: wait for them, not for helpers that never woke
    done_.wait(lock, [&] { return finished_ == jobs.size(); });
    jobs_ = nullptr;
    wanted_ = 0;
    return failure_;
  }

 private:
  // Runs unclaimed jobs until none is left (the lock held between jobs).
  void Claim(std::unique_lock<std::mutex>& lock) {
    while (jobs_ != nullptr && next_ < jobs_->size()) {
      Job& job = (*jobs_)[next_++];
      lock.unlock();
      const std::string failure = RunCatching(job);
      lock.lock();
      if (!failure.empty() && failure_.empty()) failure_ = failure;
      if (++finished_ == jobs_->size()) done_.notify_one();
    }
  }

  void Serve() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || (jobs_ != nullptr && next_ < jobs_->size() && joined_ < wanted_); });
      if (stop_) return;
      ++joined_;
      Claim(lock);
      --joined_;
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;
  std::vector<Job>* jobs_ = nullptr;
  size_t next_ = 0, finished_ = 0, wanted_ = 0, joined_ = 0;
  std::string failure_;
  bool stop_ = false;
};

// Jobs of synchronous calls made between beginJobs() and runJobs(): queued
// instead of run, then run together on the crew. One per addon instance.
struct JobQueue {
  bool queueing = false;
  std::vector<Job> jobs;
  Crew crew;
};

JobQueue& QueueOf(Napi::Env env);

Napi::Value RunJob(Napi::Env env, Job job, const std::vector<Napi::Object>& pinned, bool async) {
  if (!async && QueueOf(env).queueing) {
    QueueOf(env).jobs.push_back(std::move(job));
    return env.Undefined();
  }
  if (!async) {
    const std::string failure = RunCatching(job);
    if (!failure.empty()) throw Napi::RangeError::New(env, failure);
    return env.Undefined();
  }
  auto* worker = new JobWorker(env, std::move(job), pinned);  // deletes itself when done
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

[[noreturn]] void ThrowType(Napi::Env env, const std::string& what) {
  throw Napi::TypeError::New(env, "fastaug native: " + what);
}

// `name` is the argument as the caller of the public function knows it
// (batch.data, out, x), in the facade's message shape.
[[noreturn]] void ThrowShort(Napi::Env env, const char* name, size_t needed, size_t length) {
  throw Napi::RangeError::New(env, "fastaug native: Expected an array of at least " + std::to_string(needed) + " elements for " + name +
                                       " but received " + std::to_string(length));
}

// Arguments are read with one Node-API call each (a call on one 28×28 image
// reads ~25 of them: the wrappers' two or three calls per argument were
// ~1 µs of it). A value of the wrong kind makes the call fail without a
// pending exception; the ThrowType then names the argument.

// Argument i's type (napi_uint8_array, …), data and element count; false when it is no typed array.
bool TypedArrayArg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type* type, void** data, size_t* length) {
  return i < info.Length() && napi_get_typedarray_info(info.Env(), info[i], type, length, data, nullptr, nullptr) == napi_ok;
}

// Elements of the output array (argument 2), or 0 when it is none: the
// kernels choose whether to stream by the whole op's output, which a
// threaded op cuts into calls of a few images each.
size_t OutputLength(const Napi::CallbackInfo& info) {
  napi_typedarray_type type;
  void* data;
  size_t length = 0;
  return TypedArrayArg(info, 2, &type, &data, &length) ? length : 0;
}

template <typename T, napi_typedarray_type kType>
T* TypedData(const Napi::CallbackInfo& info, size_t i, const char* what, const char* name, size_t* length) {
  napi_typedarray_type type;
  void* data = nullptr;
  if (!TypedArrayArg(info, i, &type, &data, length) || type != kType) ThrowType(info.Env(), std::string("Expected a ") + what + " for " + name);
  return static_cast<T*>(data);
}

double NumberArg(const Napi::CallbackInfo& info, size_t i) {
  double v = 0;
  if (i >= info.Length() || napi_get_value_double(info.Env(), info[i], &v) != napi_ok) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a number");
  return v;
}

uint32_t Uint32Arg(const Napi::CallbackInfo& info, size_t i) {
  const double v = NumberArg(info, i);
  if (!(v >= 0 && v <= 4294967295.0) || std::floor(v) != v) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a uint32");
  return uint32_t(v);
}

// A non-negative safe integer (an index or count up to 2^53 − 1).
uint64_t IndexArg(const Napi::CallbackInfo& info, size_t i) {
  const double v = NumberArg(info, i);
  if (!(v >= 0 && v <= double(kMaxSafeInteger)) || std::floor(v) != v) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a safe integer >= 0");
  return uint64_t(v);
}

// h · w · c within a safe integer, so that no size computed from it wraps
// (an empty batch can name any image size: its data has no elements).
bool ImageFits(int64_t h, int64_t w, int64_t c) {
  return double(h) * double(w) * double(c) <= double(kMaxSafeInteger);
}

// images · (h · w · c) elements, or a TypeError when that exceeds a safe
// integer: the product must not wrap before it is compared with the arrays'
// lengths (2049 images of 2^64 / 2048 elements wrapped to 512).
size_t ElementsOf(const Napi::CallbackInfo& info, const char* op, uint64_t images, uint64_t image) {
  if (image != 0 && images > kMaxSafeInteger / image) ThrowType(info.Env(), std::string(op) + ": more elements than any array");
  return size_t(images * image);
}

// An image op's (h, w, c), arguments i to i + 2, into p: each ≥ 1 and h · w · c
// within a safe integer; returns h · w · c, the elements of one image.
template <class Params>
uint64_t ReadImageSize(const Napi::CallbackInfo& info, size_t i, const char* op, Params* p) {
  p->h = Uint32Arg(info, i);
  p->w = Uint32Arg(info, i + 1);
  p->c = Uint32Arg(info, i + 2);
  if (p->h < 1 || p->w < 1 || p->c < 1) ThrowType(info.Env(), std::string(op) + ": bad dimensions");
  if (!ImageFits(p->h, p->w, p->c)) ThrowType(info.Env(), std::string(op) + ": an image larger than any array");
  return uint64_t(p->h) * uint64_t(p->w) * uint64_t(p->c);
}

// A shift's six per-image parameter arrays (kx, ky: Int32Array; wx1, wx0,
// wy1, wy0: Float32Array), arguments i to i + 5, into s; returns the fewest
// entries any of them has.
size_t ReadShiftTaps(const Napi::CallbackInfo& info, size_t i, ShiftParams* s) {
  size_t n_kx, n_ky, n_wx1, n_wx0, n_wy1, n_wy0;
  s->kx = TypedData<int32_t, napi_int32_array>(info, i, "Int32Array", "kx (per-image shift parameters)", &n_kx);
  s->ky = TypedData<int32_t, napi_int32_array>(info, i + 1, "Int32Array", "ky (per-image shift parameters)", &n_ky);
  s->wx1 = TypedData<float, napi_float32_array>(info, i + 2, "Float32Array", "wx1 (per-image shift parameters)", &n_wx1);
  s->wx0 = TypedData<float, napi_float32_array>(info, i + 3, "Float32Array", "wx0 (per-image shift parameters)", &n_wx0);
  s->wy1 = TypedData<float, napi_float32_array>(info, i + 4, "Float32Array", "wy1 (per-image shift parameters)", &n_wy1);
  s->wy0 = TypedData<float, napi_float32_array>(info, i + 5, "Float32Array", "wy0 (per-image shift parameters)", &n_wy0);
  return std::min({n_kx, n_ky, n_wx1, n_wx0, n_wy1, n_wy0});
}

// The arguments at `indices` (a job's arrays), kept alive until an async job is done.
std::vector<Napi::Object> Pinned(const Napi::CallbackInfo& info, std::initializer_list<size_t> indices) {
  std::vector<Napi::Object> pinned;
  for (size_t i : indices) pinned.push_back(info[i].As<Napi::Object>());
  return pinned;
}

// Truthiness, as ToBoolean; a boolean (what the facade passes) in one call.
bool BoolArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length()) return false;
  bool value = false;
  if (napi_get_value_bool(info.Env(), info[i], &value) == napi_ok) return value;
  return info[i].ToBoolean().Value();
}

// Runs an image kernel on the batch arrays of arguments 1 (src, the caller's
// batch.data) and 2 (dst, its out): both uint8 or both float32, holding at
// least `src_elements` and `dst_elements` values (the same for ops that keep
// the image size).
template <class RunU8, class RunF32>
Napi::Value RunImageJob(const Napi::CallbackInfo& info, size_t src_elements, size_t dst_elements, const std::vector<Napi::Object>& pinned,
                        bool async, RunU8 run_u8, RunF32 run_f32) {
  size_t n_src, n_dst;
  napi_typedarray_type type;
  void* data;
  if (TypedArrayArg(info, 1, &type, &data, &n_src) && type == napi_uint8_array) {
    const uint8_t* src = TypedData<uint8_t, napi_uint8_array>(info, 1, "Uint8Array", "batch.data", &n_src);
    uint8_t* dst = TypedData<uint8_t, napi_uint8_array>(info, 2, "Uint8Array", "out", &n_dst);
    if (n_src < src_elements) ThrowShort(info.Env(), "batch.data", src_elements, n_src);
    if (n_dst < dst_elements) ThrowShort(info.Env(), "out", dst_elements, n_dst);
    if (src_elements == 0 || dst_elements == 0) return RunJob(info.Env(), [] {}, pinned, async);  // nothing to do: no scratch either
    return RunJob(info.Env(), [=] { run_u8(src, dst); }, pinned, async);
  }
  const float* src = TypedData<float, napi_float32_array>(info, 1, "Float32Array", "batch.data", &n_src);
  float* dst = TypedData<float, napi_float32_array>(info, 2, "Float32Array", "out", &n_dst);
  if (n_src < src_elements) ThrowShort(info.Env(), "batch.data", src_elements, n_src);
  if (n_dst < dst_elements) ThrowShort(info.Env(), "out", dst_elements, n_dst);
  if (src_elements == 0 || dst_elements == 0) return RunJob(info.Env(), [] {}, pinned, async);
  return RunJob(info.Env(), [=] { run_f32(src, dst); }, pinned, async);
}

template <class RunU8, class RunF32>
Napi::Value RunImageJob(const Napi::CallbackInfo& info, size_t elements, const std::vector<Napi::Object>& pinned,
                        bool async, RunU8 run_u8, RunF32 run_f32) {
  return RunImageJob(info, elements, elements, pinned, async, run_u8, run_f32);
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
        InstanceMethod("isas", &Addon::Isas),
        InstanceMethod("philox4x32", &Addon::Philox4x32),
        InstanceMethod("perSampleWords", &Addon::PerSampleWords),
        InstanceMethod("randomUniform", &Addon::RandomUniform),
        InstanceMethod("randomNormal", &Addon::RandomNormal),
        InstanceMethod("shift", &Addon::Shift),
        InstanceMethod("noise", &Addon::Noise),
        InstanceMethod("gaussianDropout", &Addon::GaussianDropout),
        InstanceMethod("dropoutMask", &Addon::DropoutMask),
        InstanceMethod("memoryOverlap", &Addon::MemoryOverlap),
        InstanceMethod("flip", &Addon::Flip),
        InstanceMethod("crop", &Addon::Crop),
        InstanceMethod("affine", &Addon::Affine),
        InstanceMethod("colorAffine", &Addon::ColorAffine),
        InstanceMethod("contrast", &Addon::Contrast),
        InstanceMethod("mix", &Addon::Mix),
        InstanceMethod("resizedCrop", &Addon::ResizedCrop),
        InstanceMethod("gamma", &Addon::Gamma),
        InstanceMethod("erase", &Addon::Erase),
        InstanceMethod("channelSums", &Addon::ChannelSums),
        InstanceMethod("blur", &Addon::Blur),
        InstanceMethod("beginJobs", &Addon::BeginJobs),
        InstanceMethod("runJobs", &Addon::RunJobs),
        InstanceMethod("dropJobs", &Addon::DropJobs),
        InstanceMethod("drawnShiftPixels", &Addon::DrawnShiftPixels),
        InstanceValue("version", Napi::String::New(env, FASTAUG_VERSION)),
    });
  }

 private:
  // beginJobs(): from now on, synchronous kernel calls queue their work
  // instead of running it, until runJobs or dropJobs.
  Napi::Value BeginJobs(const Napi::CallbackInfo& info) {
    queue_.jobs.clear();
    queue_.queueing = true;
    return info.Env().Undefined();
  }

  // runJobs(helpers): runs the queued jobs on the calling thread and up to
  // `helpers` crew threads, and returns when all have run (a RangeError if
  // one failed, as the same call would throw unqueued).
  Napi::Value RunJobs(const Napi::CallbackInfo& info) {
    queue_.queueing = false;
    std::vector<Job> jobs;
    jobs.swap(queue_.jobs);
    const uint32_t helpers = Uint32Arg(info, 0);
    if (helpers > 255) ThrowType(info.Env(), "runJobs: at most 255 helpers");
    const std::string failure = queue_.crew.Run(jobs, helpers);
    if (!failure.empty()) throw Napi::RangeError::New(info.Env(), failure);
    return info.Env().Undefined();
  }

  // dropJobs(): forgets queued jobs (a call failed while they were queued).
  Napi::Value DropJobs(const Napi::CallbackInfo& info) {
    queue_.queueing = false;
    queue_.jobs.clear();
    return info.Env().Undefined();
  }

 public:
  JobQueue& Queue() { return queue_; }

 private:
  JobQueue queue_;

  // Names of the ISAs this CPU can run, best first; other calls take an index
  // into this list.
  Napi::Value Isas(const Napi::CallbackInfo& info) {
    const auto& list = supported_kernels();
    Napi::Array names = Napi::Array::New(info.Env(), list.size());
    for (uint32_t i = 0; i < list.size(); ++i) names.Set(i, Napi::String::New(info.Env(), list[i]->name));
    return names;
  }

  const Kernels& KernelsArg(const Napi::CallbackInfo& info, size_t i) {
    const auto& list = supported_kernels();
    const uint32_t index = Uint32Arg(info, i);
    if (index >= list.size()) ThrowType(info.Env(), "ISA index out of range");
    return *list[index];
  }

  // philox4x32(counter: Uint32Array(4), key: Uint32Array(2), out: Uint32Array(4))
  Napi::Value Philox4x32(const Napi::CallbackInfo& info) {
    size_t n_ctr, n_key, n_out;
    const uint32_t* ctr = TypedData<uint32_t, napi_uint32_array>(info, 0, "Uint32Array", "counter", &n_ctr);
    const uint32_t* key = TypedData<uint32_t, napi_uint32_array>(info, 1, "Uint32Array", "key", &n_key);
    uint32_t* out = TypedData<uint32_t, napi_uint32_array>(info, 2, "Uint32Array", "out", &n_out);
    if (n_ctr != 4 || n_key != 2 || n_out != 4) ThrowType(info.Env(), "philox4x32 takes 4 + 2 words and 4 out");
    philox4x32_10(ctr, key, out);
    return info.Env().Undefined();
  }

  // perSampleWords(out: Uint32Array(4 n), key0, key1, index, epoch, stream):
  // block 0 of each sample's parameter stream, counter (0, index + k, epoch,
  // stream), as batch.ts draws them in js. One call for the batch: drawn in
  // TypeScript these cost ~50 ns per image, a good part of a shift of a
  // 28x28 image (issue 20); here ~10 (one block at a time is enough).
  Napi::Value PerSampleWords(const Napi::CallbackInfo& info) {
    size_t n_out;
    uint32_t* out = TypedData<uint32_t, napi_uint32_array>(info, 0, "Uint32Array", "out", &n_out);
    const uint32_t key[2] = {Uint32Arg(info, 1), Uint32Arg(info, 2)};
    const uint32_t index = Uint32Arg(info, 3), epoch = Uint32Arg(info, 4), stream = Uint32Arg(info, 5);
    if (n_out % 4 != 0 || uint64_t(index) + n_out / 4 > (uint64_t(1) << 32)) ThrowType(info.Env(), "perSampleWords: 4 words per sample, sample indices below 2^32");
    for (size_t k = 0; k < n_out / 4; ++k) {
      const uint32_t counter[4] = {0, uint32_t(index + k), epoch, stream};
      philox4x32_10(counter, key, out + 4 * k);
    }
    return info.Env().Undefined();
  }

  // drawnShiftPixels(kx: Int32Array, ky: Int32Array, count, key0, key1, index, epoch, stream, loX, spanX, width, loY, spanY, height):
  // drawn whole-pixel shift offsets of `count` images, as drawAxis in
  // src/ops/shift.ts computes them for the js backend: image k's are
  // round-half-even((lo + span · U(w)) · size) in float64, w word 0 (x) or 1
  // (y) of block 0 of its parameter stream (perSampleWords). Drawn in
  // TypeScript these were ~18 µs of a shift of 1024 28×28 images (W7, issue
  // 20). Returns bit 0 set when an x offset before rounding exceeds 2^30 in
  // magnitude, bit 1 for y (the facade then throws; such an entry is 0).
  Napi::Value DrawnShiftPixels(const Napi::CallbackInfo& info) {
    size_t n_kx, n_ky;
    int32_t* kx = TypedData<int32_t, napi_int32_array>(info, 0, "Int32Array", "kx", &n_kx);
    int32_t* ky = TypedData<int32_t, napi_int32_array>(info, 1, "Int32Array", "ky", &n_ky);
    const uint32_t count = Uint32Arg(info, 2);
    const uint32_t key[2] = {Uint32Arg(info, 3), Uint32Arg(info, 4)};
    const uint32_t index = Uint32Arg(info, 5), epoch = Uint32Arg(info, 6), stream = Uint32Arg(info, 7);
    const double lo_x = NumberArg(info, 8), span_x = NumberArg(info, 9), width = NumberArg(info, 10);
    const double lo_y = NumberArg(info, 11), span_y = NumberArg(info, 12), height = NumberArg(info, 13);
    if (count > n_kx || count > n_ky || uint64_t(index) + count > (uint64_t(1) << 32)) {
      ThrowType(info.Env(), "drawnShiftPixels: count within kx and ky, sample indices below 2^32");
    }
    uint32_t out_of_range = 0;
    for (uint32_t k = 0; k < count; ++k) {
      const uint32_t counter[4] = {0, index + k, epoch, stream};
      uint32_t words[4];
      philox4x32_10(counter, key, words);
      out_of_range |= DrawnPixels(lo_x, span_x, width, words[0], &kx[k]) ? 0 : 1;
      out_of_range |= DrawnPixels(lo_y, span_y, height, words[1], &ky[k]) ? 0 : 2;
    }
    return Napi::Number::New(info.Env(), out_of_range);
  }

  // One drawn offset, drawAxis's float64 operations in its order (the addon
  // builds with -ffp-contract=off): false, and 0 stored, when |d| > 2^30.
  static bool DrawnPixels(double lo, double span, double size, uint32_t word, int32_t* out) {
    const double u = (double(word >> 9) + 0.5) * 0x1p-23;  // U(w), exact
    const double d = (lo + span * u) * size;
    if (!(std::fabs(d) <= 1073741824.0)) {
      *out = 0;
      return false;
    }
    *out = int32_t(round_half_even(d));  // exact: |d| <= 2^30
    return true;
  }

  // (isa, out: Float32Array, key0, key1, first, epoch, stream, offset, scale, async)
  using StreamKernel = void (*)(float*, size_t, const StreamParams&, const AffineParams&);
  Napi::Value RunStream(const Napi::CallbackInfo& info, StreamKernel Kernels::*which) {
    const Kernels& kernels = KernelsArg(info, 0);
    size_t n;
    float* out = TypedData<float, napi_float32_array>(info, 1, "Float32Array", "out", &n);
    const StreamParams sp = StreamArgs(info, 2);
    const AffineParams ap{float(NumberArg(info, 7)), float(NumberArg(info, 8))};
    StreamKernel kernel = kernels.*which;
    return RunJob(info.Env(), [=] { kernel(out, n, sp, ap); }, {info[1].As<Napi::Object>()}, BoolArg(info, 9));
  }

  Napi::Value RandomUniform(const Napi::CallbackInfo& info) { return RunStream(info, &Kernels::random_uniform); }
  Napi::Value RandomNormal(const Napi::CallbackInfo& info) { return RunStream(info, &Kernels::random_normal); }

  // (isa, src, dst, h, w, c, nchw, fill, fillValue, kx, ky, wx1, wx0, wy1, wy0, first, count, async)
  Napi::Value Shift(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    ShiftParams p;
    p.h = Uint32Arg(info, 3);
    p.w = Uint32Arg(info, 4);
    p.c = Uint32Arg(info, 5);
    p.nchw = BoolArg(info, 6);
    p.fill = int(Uint32Arg(info, 7));
    p.fill_value = float(NumberArg(info, 8));
    const size_t taps = ReadShiftTaps(info, 9, &p);
    const size_t first = Uint32Arg(info, 15), count = Uint32Arg(info, 16);
    const size_t images = first + count;
    if (taps < images) ThrowType(info.Env(), "shift: fewer per-image parameters than images");
    if (p.h < 1 || p.w < 1 || p.c < 1 || p.fill < 0 || p.fill > 4) ThrowType(info.Env(), "shift: bad dimensions or fill");
    if (!ImageFits(p.h, p.w, p.c)) ThrowType(info.Env(), "shift: an image larger than any array");
    const size_t elements = ElementsOf(info, "shift", images, uint64_t(p.h * p.w * p.c));
    p.out_images = int64_t(OutputLength(info) / uint64_t(p.h * p.w * p.c));
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 9, 10, 11, 12, 13, 14});
    auto shift_u8 = kernels.shift_u8;
    auto shift_f32 = kernels.shift_f32;
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 17),
        [=](const uint8_t* src, uint8_t* dst) { shift_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { shift_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, nchw, fill, fillValue, nearest, matrix: Float64Array (6 per image),
  //  translate: Uint8Array, kx, ky, wx1, wx0, wy1, wy0 (the shift of the translate images), first, count, async)
  Napi::Value Affine(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    WarpParams p;
    const uint64_t image = ReadImageSize(info, 3, "affine", &p);
    p.nchw = BoolArg(info, 6);
    p.fill = int(Uint32Arg(info, 7));
    p.fill_value = float(NumberArg(info, 8));
    p.nearest = BoolArg(info, 9);
    size_t n_m, n_t;
    p.matrix = TypedData<double, napi_float64_array>(info, 10, "Float64Array", "matrix (per-image affine matrices)", &n_m);
    p.translate = TypedData<uint8_t, napi_uint8_array>(info, 11, "Uint8Array", "translate (per-image flags)", &n_t);
    ShiftParams& s = p.shift;
    s.h = p.h;
    s.w = p.w;
    s.c = p.c;
    s.nchw = p.nchw;
    s.fill = p.fill;
    s.fill_value = p.fill_value;
    const size_t taps = ReadShiftTaps(info, 12, &s);
    const size_t first = Uint32Arg(info, 18), count = Uint32Arg(info, 19);
    const size_t images = first + count;
    if (n_m < 6 * images) ThrowType(info.Env(), "affine: fewer per-image matrices than images");
    if (n_t < images || taps < images) ThrowType(info.Env(), "affine: fewer per-image parameters than images");
    if (p.fill < 0 || p.fill > 4) ThrowType(info.Env(), "affine: bad fill");
    const size_t elements = ElementsOf(info, "affine", images, image);
    if (image > 0) s.out_images = int64_t(OutputLength(info) / image);  // streams by the op's output (warp_images, shift_images)
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 10, 11, 12, 13, 14, 15, 16, 17});
    auto affine_u8 = kernels.affine_u8;
    auto affine_f32 = kernels.affine_f32;
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 20),
        [=](const uint8_t* src, uint8_t* dst) { affine_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { affine_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, nchw, perChannel, kind, key0, key1, epoch, stream, firstSample,
  //  offset, scale, clip, clipLo, clipHi, pepperBelow, saltBelow, pepperValue, saltValue, begin, end, async)
  Napi::Value Noise(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    NoiseParams p;
    const uint64_t image = ReadImageSize(info, 3, "noise", &p);
    p.nchw = BoolArg(info, 6);
    p.per_channel = BoolArg(info, 7);
    p.kind = int(Uint32Arg(info, 8));
    p.key0 = Uint32Arg(info, 9);
    p.key1 = Uint32Arg(info, 10);
    p.epoch = Uint32Arg(info, 11);
    p.stream = Uint32Arg(info, 12);
    p.first_sample = Uint32Arg(info, 13);
    size_t n_offset, n_scale, n_pepper, n_salt;
    p.offset = TypedData<float, napi_float32_array>(info, 14, "Float32Array", "offset (per-image noise parameters)", &n_offset);
    p.scale = TypedData<float, napi_float32_array>(info, 15, "Float32Array", "scale (per-image noise parameters)", &n_scale);
    p.clip = BoolArg(info, 16);
    p.clip_lo = float(NumberArg(info, 17));
    p.clip_hi = float(NumberArg(info, 18));
    p.pepper_below = TypedData<uint32_t, napi_uint32_array>(info, 19, "Uint32Array", "pepperBelow (per-image noise parameters)", &n_pepper);
    p.salt_below = TypedData<uint32_t, napi_uint32_array>(info, 20, "Uint32Array", "saltBelow (per-image noise parameters)", &n_salt);
    p.pepper_value = float(NumberArg(info, 21));
    p.salt_value = float(NumberArg(info, 22));
    // stream positions [begin, end) of the batch, image after image
    const uint64_t begin = IndexArg(info, 23), end = IndexArg(info, 24);
    if (p.kind < 0 || p.kind > 3) ThrowType(info.Env(), "noise: bad kind");
    const uint64_t positions = uint64_t(noise_positions(p));
    if (begin > end || (p.per_channel && p.nchw && (begin % p.c != 0 || end % p.c != 0))) ThrowType(info.Env(), "noise: bad position range");
    const size_t images = size_t((end + positions - 1) / positions);
    for (size_t n : {n_offset, n_scale, n_pepper, n_salt}) {
      if (n < images) ThrowType(info.Env(), "noise: fewer per-image parameters than images");
    }
    const size_t elements = ElementsOf(info, "noise", images, image);
    p.out_elements = int64_t(OutputLength(info));
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 14, 15, 19, 20});
    auto noise_u8 = kernels.noise_u8;
    auto noise_f32 = kernels.noise_f32;
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 25),
        [=](const uint8_t* src, uint8_t* dst) { noise_u8(src, dst, p, begin, end); },
        [=](const float* src, float* dst) { noise_f32(src, dst, p, begin, end); });
  }

  StreamParams StreamArgs(const Napi::CallbackInfo& info, size_t at) {
    StreamParams sp;
    sp.key0 = Uint32Arg(info, at);
    sp.key1 = Uint32Arg(info, at + 1);
    const double first = NumberArg(info, at + 2);
    if (!(first >= 0 && first <= double(kMaxSafeInteger)) || std::floor(first) != first) ThrowType(info.Env(), "stream position must be a safe integer");
    sp.first = uint64_t(first);
    sp.epoch = Uint32Arg(info, at + 3);
    sp.stream = Uint32Arg(info, at + 4);
    return sp;
  }

  // (isa, x, out, key0, key1, first, epoch, stream, offset, scale, async)
  Napi::Value GaussianDropout(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    size_t n_x, n_out;
    const float* x = TypedData<float, napi_float32_array>(info, 1, "Float32Array", "x", &n_x);
    float* out = TypedData<float, napi_float32_array>(info, 2, "Float32Array", "out", &n_out);
    if (n_out < n_x) ThrowShort(info.Env(), "out", n_x, n_out);
    const StreamParams sp = StreamArgs(info, 3);
    const AffineParams ap{float(NumberArg(info, 8)), float(NumberArg(info, 9))};
    auto kernel = kernels.gaussian_dropout;
    return RunJob(info.Env(), [=] { kernel(x, out, n_x, sp, ap); }, {info[1].As<Napi::Object>(), info[2].As<Napi::Object>()}, BoolArg(info, 10));
  }

  // (isa, out, key0, key1, first, epoch, stream, rate, keepValue, async)
  // memoryOverlap(a, b): how the bytes of two typed arrays relate in memory,
  // which JavaScript cannot see for two SharedArrayBuffer objects over the
  // same memory (structuredClone, postMessage): 0 disjoint, 1 the same first
  // byte, 2 any other overlap. Only addresses are compared; nothing is read.
  Napi::Value MemoryOverlap(const Napi::CallbackInfo& info) {
    uintptr_t begin[2], end[2];
    for (size_t i : {0, 1}) {
      if (i >= info.Length() || !info[i].IsTypedArray()) ThrowType(info.Env(), "memoryOverlap takes two typed arrays");
      Napi::TypedArray array = info[i].As<Napi::TypedArray>();
      void* data = nullptr;
      size_t length = 0;
      napi_typedarray_type type;
      napi_value buffer;
      size_t offset = 0;
      if (napi_get_typedarray_info(info.Env(), array, &type, &length, &data, &buffer, &offset) != napi_ok) {
        ThrowType(info.Env(), "memoryOverlap: cannot read a typed array");
      }
      begin[i] = reinterpret_cast<uintptr_t>(data);
      end[i] = begin[i] + array.ByteLength();
    }
    if (begin[0] == end[0] || begin[1] == end[1] || begin[0] >= end[1] || begin[1] >= end[0]) return Napi::Number::New(info.Env(), 0);
    return Napi::Number::New(info.Env(), begin[0] == begin[1] ? 1 : 2);
  }

  Napi::Value DropoutMask(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    size_t n;
    float* out = TypedData<float, napi_float32_array>(info, 1, "Float32Array", "out", &n);
    const StreamParams sp = StreamArgs(info, 2);
    const float rate = float(NumberArg(info, 7)), keep = float(NumberArg(info, 8));
    auto kernel = kernels.dropout_mask;
    return RunJob(info.Env(), [=] { kernel(out, n, sp, rate, keep); }, {info[1].As<Napi::Object>()}, BoolArg(info, 9));
  }

  // (isa, src, dst, h, w, c, nchw, horizontal: Uint8Array, vertical: Uint8Array, first, count, async);
  // dst may be src (in place)
  Napi::Value Flip(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    FlipParams p;
    const uint64_t image = ReadImageSize(info, 3, "flip", &p);
    p.nchw = BoolArg(info, 6);
    size_t n_horizontal, n_vertical;
    p.horizontal = TypedData<uint8_t, napi_uint8_array>(info, 7, "Uint8Array", "horizontal (per-image flips)", &n_horizontal);
    p.vertical = TypedData<uint8_t, napi_uint8_array>(info, 8, "Uint8Array", "vertical (per-image flips)", &n_vertical);
    const size_t first = Uint32Arg(info, 9), count = Uint32Arg(info, 10);
    const size_t images = first + count;
    if (n_horizontal < images || n_vertical < images) ThrowType(info.Env(), "flip: fewer per-image flips than images");
    const size_t elements = ElementsOf(info, "flip", images, image);
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 7, 8});
    auto flip_u8 = kernels.flip_u8;
    auto flip_f32 = kernels.flip_f32;
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 11),
        [=](const uint8_t* src, uint8_t* dst) { flip_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { flip_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, nchw, outH, outW, fill, fillValue, top: Int32Array, left: Int32Array, first, count, async)
  Napi::Value Crop(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    CropParams p;
    const uint64_t image = ReadImageSize(info, 3, "crop", &p);
    p.nchw = BoolArg(info, 6);
    p.out_h = Uint32Arg(info, 7);
    p.out_w = Uint32Arg(info, 8);
    p.fill = int(Uint32Arg(info, 9));
    p.fill_value = float(NumberArg(info, 10));
    size_t n_top, n_left;
    p.top = TypedData<int32_t, napi_int32_array>(info, 11, "Int32Array", "top (per-image crop offsets)", &n_top);
    p.left = TypedData<int32_t, napi_int32_array>(info, 12, "Int32Array", "left (per-image crop offsets)", &n_left);
    const size_t first = Uint32Arg(info, 13), count = Uint32Arg(info, 14);
    const size_t images = first + count;
    if (n_top < images || n_left < images) ThrowType(info.Env(), "crop: fewer per-image offsets than images");
    if (p.out_h < 1 || p.out_w < 1 || p.fill < 0 || p.fill > 4) ThrowType(info.Env(), "crop: bad output size or fill");
    if (!ImageFits(p.out_h, p.out_w, p.c)) ThrowType(info.Env(), "crop: an image larger than any array");
    const size_t src_elements = ElementsOf(info, "crop", images, image);
    const size_t dst_elements = ElementsOf(info, "crop", images, uint64_t(p.out_h * p.out_w * p.c));
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 11, 12});
    auto crop_u8 = kernels.crop_u8;
    auto crop_f32 = kernels.crop_f32;
    return RunImageJob(
        info, src_elements, dst_elements, pinned, BoolArg(info, 15),
        [=](const uint8_t* src, uint8_t* dst) { crop_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { crop_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, nchw, scale: Float32Array, offset: Float32Array, clip, clipLo, clipHi, first, count, async);
  // scale and offset hold one value per channel of every image; dst may be src (in place)
  Napi::Value ColorAffine(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    ColorParams p;
    const uint64_t image = ReadImageSize(info, 3, "colorAffine", &p);
    p.nchw = BoolArg(info, 6);
    size_t n_scale, n_offset;
    p.scale = TypedData<float, napi_float32_array>(info, 7, "Float32Array", "scale (per-image colour parameters)", &n_scale);
    p.offset = TypedData<float, napi_float32_array>(info, 8, "Float32Array", "offset (per-image colour parameters)", &n_offset);
    p.clip = BoolArg(info, 9);
    p.clip_lo = float(NumberArg(info, 10));
    p.clip_hi = float(NumberArg(info, 11));
    const size_t first = Uint32Arg(info, 12), count = Uint32Arg(info, 13);
    const size_t images = first + count;
    if (uint64_t(n_scale) < uint64_t(images) * uint64_t(p.c) || uint64_t(n_offset) < uint64_t(images) * uint64_t(p.c)) {
      ThrowType(info.Env(), "colorAffine: fewer per-channel parameters than images");
    }
    const size_t elements = ElementsOf(info, "colorAffine", images, image);
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 7, 8});
    auto run_u8 = kernels.color_affine_u8;
    auto run_f32 = kernels.color_affine_f32;
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 14),
        [=](const uint8_t* src, uint8_t* dst) { run_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { run_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, nchw, scale: Float32Array, offset: Float32Array, sums: Float64Array, perChannel,
  //  clip, clipLo, clipHi, first, count, async): per image its channel sums into sums, its offsets into offset
  // (one per channel of every image, as scale), then the colour map; dst may be src (in place)
  Napi::Value Contrast(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    ContrastParams p{};
    const uint64_t image = ReadImageSize(info, 3, "contrast", &p.color);
    p.color.nchw = BoolArg(info, 6);
    size_t n_scale, n_offset, n_sums;
    p.color.scale = TypedData<float, napi_float32_array>(info, 7, "Float32Array", "scale (per-image colour parameters)", &n_scale);
    p.offset = TypedData<float, napi_float32_array>(info, 8, "Float32Array", "offset (per-image colour parameters)", &n_offset);
    p.color.offset = p.offset;
    p.sums = TypedData<double, napi_float64_array>(info, 9, "Float64Array", "sums (per-image channel sums)", &n_sums);
    p.per_channel = BoolArg(info, 10);
    p.color.clip = BoolArg(info, 11);
    p.color.clip_lo = float(NumberArg(info, 12));
    p.color.clip_hi = float(NumberArg(info, 13));
    const size_t first = Uint32Arg(info, 14), count = Uint32Arg(info, 15);
    const size_t images = first + count;
    const uint64_t channels = uint64_t(images) * uint64_t(p.color.c);
    if (uint64_t(n_scale) < channels || uint64_t(n_offset) < channels || uint64_t(n_sums) < channels) {
      ThrowType(info.Env(), "contrast: fewer per-channel parameters than images");
    }
    const size_t elements = ElementsOf(info, "contrast", images, image);
    // the whole images src holds, past first + count too: the uint8 map prefetches the next one
    p.images = info[1].IsTypedArray() ? int64_t(info[1].As<Napi::TypedArray>().ElementLength() / image) : 0;
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 7, 8, 9});
    auto run_u8 = kernels.contrast_u8;
    auto run_f32 = kernels.contrast_f32;
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 16),
        [=](const uint8_t* src, uint8_t* dst) { run_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { run_f32(src, dst, p, first, count); });
  }

  // (isa, src, h, w, c, nchw, sums: Float64Array, first, count, async): per-image, per-channel sums
  Napi::Value ChannelSums(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    ColorParams p{};
    const uint64_t image = ReadImageSize(info, 2, "channelSums", &p);
    p.nchw = BoolArg(info, 5);
    size_t n_sums, n_src;
    double* sums = TypedData<double, napi_float64_array>(info, 6, "Float64Array", "sums (per-image channel sums)", &n_sums);
    const size_t first = Uint32Arg(info, 7), count = Uint32Arg(info, 8);
    const size_t images = first + count;
    if (uint64_t(n_sums) < uint64_t(images) * uint64_t(p.c)) ThrowType(info.Env(), "channelSums: fewer sums than channels of the images");
    const size_t elements = ElementsOf(info, "channelSums", images, image);
    std::vector<Napi::Object> pinned{info[1].As<Napi::Object>(), info[6].As<Napi::Object>()};
    const bool async = BoolArg(info, 9);
    if (info[1].IsTypedArray() && info[1].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
      const uint8_t* src = TypedData<uint8_t, napi_uint8_array>(info, 1, "Uint8Array", "batch.data", &n_src);
      if (n_src < elements) ThrowShort(info.Env(), "batch.data", elements, n_src);
      auto run = kernels.channel_sums_u8;
      return RunJob(info.Env(), [=] { run(src, p, first, count, sums); }, pinned, async);
    }
    const float* src = TypedData<float, napi_float32_array>(info, 1, "Float32Array", "batch.data", &n_src);
    if (n_src < elements) ThrowShort(info.Env(), "batch.data", elements, n_src);
    auto run = kernels.channel_sums_f32;
    return RunJob(info.Env(), [=] { run(src, p, first, count, sums); }, pinned, async);
  }
  // (isa, src, dst, h, w, c, nchw, fill, fillValue, radius: Int32Array, weights: Float32Array, stride, first, count, async);
  // image i has radius[i] and weights weights[i·stride … i·stride + 2·radius[i]]; not in place
  Napi::Value Blur(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    BlurParams p;
    const uint64_t image = ReadImageSize(info, 3, "blur", &p);
    p.nchw = BoolArg(info, 6);
    p.fill = int(Uint32Arg(info, 7));
    p.fill_value = float(NumberArg(info, 8));
    size_t n_radius, n_weights;
    p.radius = TypedData<int32_t, napi_int32_array>(info, 9, "Int32Array", "radius (per-image blur radii)", &n_radius);
    p.weights = TypedData<float, napi_float32_array>(info, 10, "Float32Array", "weights (per-image blur weights)", &n_weights);
    p.stride = Uint32Arg(info, 11);
    const size_t first = Uint32Arg(info, 12), count = Uint32Arg(info, 13);
    const size_t images = first + count;
    if (p.fill < 0 || p.fill > 4 || p.stride < 1 || p.stride % 2 != 1 || p.stride > 65535) {
      ThrowType(info.Env(), "blur: bad fill or stride");
    }
    if (n_radius < images || uint64_t(n_weights) < uint64_t(images) * uint64_t(p.stride)) ThrowType(info.Env(), "blur: fewer per-image weights than images");
    for (size_t i = first; i < images; ++i) {
      if (p.radius[i] < 0 || 2 * int64_t(p.radius[i]) + 1 > p.stride) ThrowType(info.Env(), "blur: a radius beyond the weights' stride");
    }
    const size_t elements = ElementsOf(info, "blur", images, image);
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 9, 10});
    auto run_u8 = kernels.blur_u8;
    auto run_f32 = kernels.blur_f32;
    const size_t scratch = size_t(blur_scratch_floats(p));
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 14),
        [=](const uint8_t* src, uint8_t* dst) {
          std::vector<float> buffer(scratch);
          run_u8(src, dst, p, first, count, buffer.data());
        },
        [=](const float* src, float* dst) {
          std::vector<float> buffer(scratch);
          run_f32(src, dst, p, first, count, buffer.data());
        });
  }

  // (isa, src, dst, h, w, c, nchw, n, paste, partner: Int32Array, wa: Float32Array, wb: Float32Array,
  //  top, left, height, width: Int32Array, first, count, async): mixup / cutmix of images
  // [first, first + count) of dst from src's n images; partners and boxes are checked here
  Napi::Value Mix(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    MixParams p;
    const uint64_t image = ReadImageSize(info, 3, "mix", &p);
    p.nchw = BoolArg(info, 6);
    const size_t n = Uint32Arg(info, 7);
    p.paste = BoolArg(info, 8);
    size_t lengths[7];
    p.partner = TypedData<int32_t, napi_int32_array>(info, 9, "Int32Array", "partner (per-image partners)", &lengths[0]);
    p.wa = TypedData<float, napi_float32_array>(info, 10, "Float32Array", "wa (per-image weights)", &lengths[1]);
    p.wb = TypedData<float, napi_float32_array>(info, 11, "Float32Array", "wb (per-image weights)", &lengths[2]);
    p.top = TypedData<int32_t, napi_int32_array>(info, 12, "Int32Array", "top (per-image boxes)", &lengths[3]);
    p.left = TypedData<int32_t, napi_int32_array>(info, 13, "Int32Array", "left (per-image boxes)", &lengths[4]);
    p.height = TypedData<int32_t, napi_int32_array>(info, 14, "Int32Array", "height (per-image boxes)", &lengths[5]);
    p.width = TypedData<int32_t, napi_int32_array>(info, 15, "Int32Array", "width (per-image boxes)", &lengths[6]);
    const size_t first = Uint32Arg(info, 16), count = Uint32Arg(info, 17);
    const size_t images = first + count;
    if (images > n) ThrowType(info.Env(), "mix: images beyond the batch");
    for (size_t length : lengths) {
      if (length < images) ThrowType(info.Env(), "mix: fewer per-image parameters than images");
    }
    for (size_t i = first; i < images; ++i) {
      if (p.partner[i] < 0 || size_t(p.partner[i]) >= n) ThrowType(info.Env(), "mix: a partner outside the batch");
      if (!p.paste) continue;
      const int64_t top = p.top[i], left = p.left[i], bh = p.height[i], bw = p.width[i];
      if (top < 0 || left < 0 || bh < 0 || bw < 0 || top + bh > p.h || left + bw > p.w) ThrowType(info.Env(), "mix: a box outside the image");
    }
    const size_t src_elements = ElementsOf(info, "mix", n, image);
    const size_t dst_elements = ElementsOf(info, "mix", images, image);
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 9, 10, 11, 12, 13, 14, 15});
    auto run_u8 = kernels.mix_u8;
    auto run_f32 = kernels.mix_f32;
    return RunImageJob(
        info, src_elements, dst_elements, pinned, BoolArg(info, 18),
        [=](const uint8_t* src, uint8_t* dst) { run_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { run_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, lut: Uint8Array, gamma: Float32Array, clip, clipLo, clipHi, first, count, async):
  // gamma of images [first, first + count); uint8 reads 256 table entries per image, float32 one gamma
  // per image; dst may be src (in place)
  Napi::Value Gamma(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    GammaParams p;
    const uint64_t image = ReadImageSize(info, 3, "gamma", &p);
    size_t n_lut, n_gamma;
    p.lut = TypedData<uint8_t, napi_uint8_array>(info, 6, "Uint8Array", "lut (per-image tables)", &n_lut);
    p.gamma = TypedData<float, napi_float32_array>(info, 7, "Float32Array", "gamma (per-image exponents)", &n_gamma);
    p.clip = BoolArg(info, 8);
    p.clip_lo = float(NumberArg(info, 9));
    p.clip_hi = float(NumberArg(info, 10));
    const size_t first = Uint32Arg(info, 11), count = Uint32Arg(info, 12);
    const size_t images = first + count;
    if (n_gamma < images) ThrowType(info.Env(), "gamma: fewer per-image exponents than images");
    const size_t elements = ElementsOf(info, "gamma", images, image);
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 6, 7});
    auto run_u8 = kernels.gamma_u8;
    auto run_f32 = kernels.gamma_f32;
    // the tables are checked only for uint8 data (float32 data passes an empty one)
    const bool tables_short = uint64_t(n_lut) < 256 * uint64_t(images);
    if (tables_short && info[1].IsTypedArray() && info[1].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
      ThrowType(info.Env(), "gamma: fewer per-image tables than images");
    }
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 13),
        [=](const uint8_t* src, uint8_t* dst) { run_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { run_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, nchw, boxes per image, top, left, height, width: Int32Array, noise,
  //  values: Float32Array, key0, key1, epoch, stream, firstSample, first, count, async): erase boxes
  // of images [first, first + count); boxes are checked to lie inside the image; dst may be src
  Napi::Value Erase(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    EraseParams p;
    const uint64_t image = ReadImageSize(info, 3, "erase", &p);
    p.nchw = BoolArg(info, 6);
    p.count = Uint32Arg(info, 7);
    size_t lengths[4], n_values;
    p.top = TypedData<int32_t, napi_int32_array>(info, 8, "Int32Array", "top (boxes)", &lengths[0]);
    p.left = TypedData<int32_t, napi_int32_array>(info, 9, "Int32Array", "left (boxes)", &lengths[1]);
    p.height = TypedData<int32_t, napi_int32_array>(info, 10, "Int32Array", "height (boxes)", &lengths[2]);
    p.width = TypedData<int32_t, napi_int32_array>(info, 11, "Int32Array", "width (boxes)", &lengths[3]);
    p.noise = BoolArg(info, 12);
    p.values = TypedData<float, napi_float32_array>(info, 13, "Float32Array", "values (per-channel fill)", &n_values);
    p.key0 = Uint32Arg(info, 14);
    p.key1 = Uint32Arg(info, 15);
    p.epoch = Uint32Arg(info, 16);
    p.stream = Uint32Arg(info, 17);
    p.first_sample = Uint32Arg(info, 18);
    const size_t first = Uint32Arg(info, 19), count = Uint32Arg(info, 20);
    const size_t images = first + count;
    if (uint64_t(p.first_sample) + images > (uint64_t(1) << 32)) ThrowType(info.Env(), "erase: sample indices beyond 2^32");
    if (uint64_t(n_values) < uint64_t(p.c)) ThrowType(info.Env(), "erase: fewer fill values than channels");
    const uint64_t boxes = uint64_t(images) * uint64_t(p.count);
    for (size_t length : lengths) {
      if (uint64_t(length) < boxes) ThrowType(info.Env(), "erase: fewer boxes than images");
    }
    for (uint64_t b = uint64_t(first) * uint64_t(p.count); b < boxes; ++b) {
      const int64_t top = p.top[b], left = p.left[b], bh = p.height[b], bw = p.width[b];
      if (top < 0 || left < 0 || bh < 0 || bw < 0 || top + bh > p.h || left + bw > p.w) ThrowType(info.Env(), "erase: a box outside the image");
    }
    const size_t elements = ElementsOf(info, "erase", images, image);
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 8, 9, 10, 11, 13});
    auto run_u8 = kernels.erase_u8;
    auto run_f32 = kernels.erase_f32;
    return RunImageJob(
        info, elements, pinned, BoolArg(info, 21),
        [=](const uint8_t* src, uint8_t* dst) { run_u8(src, dst, p, first, count); },
        [=](const float* src, float* dst) { run_f32(src, dst, p, first, count); });
  }

  // (isa, src, dst, h, w, c, nchw, outH, outW, x0, x1: Int32Array, wx0, wx1: Float32Array,
  //  y0, y1: Int32Array, wy0, wy1: Float32Array, first, count, async): resized crops of images
  // [first, first + count); every tap is checked to be inside the image here
  Napi::Value ResizedCrop(const Napi::CallbackInfo& info) {
    const Kernels& kernels = KernelsArg(info, 0);
    ResizedCropParams p;
    const uint64_t image = ReadImageSize(info, 3, "resizedCrop", &p);
    p.nchw = BoolArg(info, 6);
    p.out_h = Uint32Arg(info, 7);
    p.out_w = Uint32Arg(info, 8);
    size_t lengths[8];
    p.x0 = TypedData<int32_t, napi_int32_array>(info, 9, "Int32Array", "x0 (column taps)", &lengths[0]);
    p.x1 = TypedData<int32_t, napi_int32_array>(info, 10, "Int32Array", "x1 (column taps)", &lengths[1]);
    p.wx0 = TypedData<float, napi_float32_array>(info, 11, "Float32Array", "wx0 (column weights)", &lengths[2]);
    p.wx1 = TypedData<float, napi_float32_array>(info, 12, "Float32Array", "wx1 (column weights)", &lengths[3]);
    p.y0 = TypedData<int32_t, napi_int32_array>(info, 13, "Int32Array", "y0 (row taps)", &lengths[4]);
    p.y1 = TypedData<int32_t, napi_int32_array>(info, 14, "Int32Array", "y1 (row taps)", &lengths[5]);
    p.wy0 = TypedData<float, napi_float32_array>(info, 15, "Float32Array", "wy0 (row weights)", &lengths[6]);
    p.wy1 = TypedData<float, napi_float32_array>(info, 16, "Float32Array", "wy1 (row weights)", &lengths[7]);
    const size_t first = Uint32Arg(info, 17), count = Uint32Arg(info, 18);
    const size_t images = first + count;
    if (p.out_h < 1 || p.out_w < 1) ThrowType(info.Env(), "resizedCrop: bad output size");
    if (!ImageFits(p.out_h, p.out_w, p.c)) ThrowType(info.Env(), "resizedCrop: an image larger than any array");
    for (int k = 0; k < 8; ++k) {
      const uint64_t per_image = uint64_t(k < 4 ? p.out_w : p.out_h);
      if (lengths[k] < images * per_image) ThrowType(info.Env(), "resizedCrop: fewer taps or weights than output columns and rows");
    }
    for (size_t i = first * size_t(p.out_w); i < images * size_t(p.out_w); ++i) {
      if (p.x0[i] < 0 || p.x0[i] >= p.w || p.x1[i] < 0 || p.x1[i] >= p.w) ThrowType(info.Env(), "resizedCrop: a column tap outside the image");
    }
    for (size_t i = first * size_t(p.out_h); i < images * size_t(p.out_h); ++i) {
      if (p.y0[i] < 0 || p.y0[i] >= p.h || p.y1[i] < 0 || p.y1[i] >= p.h) ThrowType(info.Env(), "resizedCrop: a row tap outside the image");
    }
    const size_t src_elements = ElementsOf(info, "resizedCrop", images, image);
    const size_t dst_elements = ElementsOf(info, "resizedCrop", images, uint64_t(p.out_h * p.out_w * p.c));
    const std::vector<Napi::Object> pinned = Pinned(info, {1, 2, 9, 10, 11, 12, 13, 14, 15, 16});
    const size_t scratch = size_t(2 * p.out_w * (p.nchw ? 1 : p.c));
    auto run_u8 = kernels.resized_crop_u8;
    auto run_f32 = kernels.resized_crop_f32;
    return RunImageJob(
        info, src_elements, dst_elements, pinned, BoolArg(info, 19),
        [=](const uint8_t* src, uint8_t* dst) {
          std::vector<uint32_t> buffer(scratch);
          run_u8(src, dst, p, first, count, buffer.data());
        },
        [=](const float* src, float* dst) {
          std::vector<float> buffer(scratch);
          run_f32(src, dst, p, first, count, buffer.data());
        });
  }
};

JobQueue& QueueOf(Napi::Env env) { return env.GetInstanceData<Addon>()->Queue(); }

}  // namespace
}  // namespace fastaug

using FastaugAddon = fastaug::Addon;
NODE_API_ADDON(FastaugAddon)
