// SPDX-License-Identifier: MIT
// resample_bench: times every case of cases.hpp for resample, ATen, OpenCV and a memcpy of the
// same traffic, at each thread count, with Google Benchmark; then the backward of every case
// (grad_output to grad_input) for resample, ATen and the same memcpy. Before timing it checks
// once that resample and ATen compute the same tensors, forward and backward.
// bench/run_benchmarks builds, runs and tabulates it.
//
// Extra flags (the rest are Google Benchmark's):
//   --threads=1,2     thread counts to time (default 1,2)
//   --skip_check      skip the correctness check
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"

namespace bench {
namespace {

enum class contender { resample, resample_plan_reused, aten, opencv, memcpy };

/// Forward benchmarks are named case:NN/..., backward ones backward:NN/...
enum class direction { forward, backward };

const char* name_of(contender k) {
  switch (k) {
    case contender::resample: return "resample";
    case contender::resample_plan_reused: return "resample_plan_reused";
    case contender::aten: return "aten";
    case contender::opencv: return "opencv";
    case contender::memcpy: return "memcpy";
  }
  return "?";
}

bool available(const bench_case& c, contender k, direction d = direction::forward) {
  if (d == direction::backward) {
    if (c.type == dtype::u8 || c.type == dtype::f16 || c.type == dtype::bf16) return false;  // float, double only
    if (k == contender::resample || k == contender::memcpy) return true;
#if defined(RESAMPLE_BENCH_HAVE_ATEN)
    if (k == contender::aten) return aten_backward_supports(c);
#endif
    return false;
  }
  switch (k) {
    case contender::resample:
    case contender::memcpy: return true;
    case contender::resample_plan_reused: return c.whole_call;
    case contender::aten:
#if defined(RESAMPLE_BENCH_HAVE_ATEN)
      return aten_supports(c);
#else
      return false;
#endif
    case contender::opencv:
#if defined(RESAMPLE_BENCH_HAVE_OPENCV)
      return opencv_supports(c);
#else
      return false;
#endif
  }
  return false;
}

runner_ptr make_runner(const case_data& data, contender k, direction d = direction::forward) {
  if (d == direction::backward) {
    if (k == contender::resample) return make_resample_backward_runner(data);
    if (k == contender::memcpy) return make_memcpy_runner(data);
#if defined(RESAMPLE_BENCH_HAVE_ATEN)
    if (k == contender::aten) return make_aten_backward_runner(data);
#endif
    return nullptr;
  }
  switch (k) {
    case contender::resample: return make_resample_runner(data, !data.spec.whole_call);
    case contender::resample_plan_reused: return make_resample_runner(data, true);
    case contender::memcpy: return make_memcpy_runner(data);
    case contender::aten:
#if defined(RESAMPLE_BENCH_HAVE_ATEN)
      return make_aten_runner(data);
#else
      break;
#endif
    case contender::opencv:
#if defined(RESAMPLE_BENCH_HAVE_OPENCV)
      return make_opencv_runner(data);
#else
      break;
#endif
  }
  return nullptr;
}

// Every case's input and prepared contenders, built on first use. Benchmarks run case by case,
// so by default a case is freed when the next one starts. With random interleaving the cases
// alternate, and rebuilding one (random input, outputs, tables, a first call) at every switch
// would cost more than keeping them all (about 1 GB).
class session {
 public:
  bool keep_all_cases = false;

  /// The runner for (case, contender, direction); nullptr with `failure` set when it cannot be
  /// built.
  runner* get(const bench_case& c, contender k, direction d, std::string& failure) {
    const std::pair<direction, int> key(d, c.id);
    if (!keep_all_cases && !cases_.empty() && cases_.count(key) == 0) cases_.clear();
    std::unique_ptr<case_state>& state = cases_[key];
    if (!state) state = std::make_unique<case_state>(c, d == direction::backward);
    auto found = state->runners.find(k);
    if (found == state->runners.end()) {
      runner_ptr r;
      try {
        r = make_runner(state->data, k, d);
        if (!r) state->failures[k] = "not available";
      } catch (const std::exception& e) {
        state->failures[k] = e.what();
      }
      found = state->runners.emplace(k, std::move(r)).first;
    }
    if (!found->second) failure = state->failures[k];
    return found->second.get();
  }

  const case_data& data(const bench_case& c, direction d) const { return cases_.at({d, c.id})->data; }

 private:
  struct case_state {
    case_state(const bench_case& c, bool backward) : data(c, backward) {}
    case_data data;                            // declared first: the runners refer to it
    std::map<contender, runner_ptr> runners;
    std::map<contender, std::string> failures;
  };
  std::map<std::pair<direction, int>, std::unique_ptr<case_state>> cases_;
};

session& the_session() {
  static session s;
  return s;
}

void time_case(benchmark::State& state, const bench_case& c, contender k, direction d, int threads) {
  std::string failure;
  runner* r = the_session().get(c, k, d, failure);
  if (r == nullptr) {
    state.SkipWithError(failure.c_str());
    return;
  }
  r->set_threads(threads);
  for (auto _ : state) {
    r->run();
    benchmark::ClobberMemory();  // the output is observable: no store may be dropped or deferred
  }
  const case_data& data = the_session().data(c, d);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.input_bytes() + data.output_bytes()));
  state.SetLabel(c.title);
}

// ---------------------------------------------------------------------------------------------
// Correctness check.

/// Elementwise agreement of two outputs of the same layout. The error of a float sum scales
/// with its terms, which are of the order of the data (values in [0, 1)), not with the result,
/// which bicubic can bring near zero: errors are relative to max(|reference|, 1).
struct agreement {
  double max_error = 0.0;
  std::int64_t beyond_tolerance = 0;
  std::int64_t identical = 0;
  std::int64_t count = 0;
};

constexpr double check_tolerance = 1e-5;

template <class T>
double as_double(T x) {
  if constexpr (resample::detail::is_half_v<T>) {
    return static_cast<float>(x);
  } else {
    return static_cast<double>(x);
  }
}

template <class T>
agreement compare(const T* ours, const T* reference, std::int64_t count) {
  agreement a;
  a.count = count;
  for (std::int64_t i = 0; i < count; ++i) {
    if (std::memcmp(&ours[i], &reference[i], sizeof(T)) == 0) {
      ++a.identical;
      continue;
    }
    const double ref = as_double(reference[i]);
    const double error = std::abs(as_double(ours[i]) - ref) / std::max(std::abs(ref), 1.0);
    if (!(error <= check_tolerance)) ++a.beyond_tolerance;  // NaN counts as beyond
    a.max_error = std::max(a.max_error, std::isnan(error) ? INFINITY : error);
  }
  return a;
}

/// Compares two outputs of the case's forward, or with `backward` two grad_inputs.
agreement compare(const case_data& data, const void* ours, const void* reference, bool backward = false) {
  const std::int64_t n = element_count(backward ? data.spec.input_shape : data.output_shape);
  if (data.spec.type == dtype::f64) {
    return compare(static_cast<const double*>(ours), static_cast<const double*>(reference), n);
  }
  if (data.spec.type == dtype::u8) {
    return compare(static_cast<const std::uint8_t*>(ours), static_cast<const std::uint8_t*>(reference), n);
  }
  if (data.spec.type == dtype::f16) {
    return compare(static_cast<const resample::float16*>(ours), static_cast<const resample::float16*>(reference), n);
  }
  if (data.spec.type == dtype::bf16) {
    return compare(static_cast<const resample::bfloat16*>(ours), static_cast<const resample::bfloat16*>(reference), n);
  }
  return compare(static_cast<const float*>(ours), static_cast<const float*>(reference), n);
}

/// `disagreement` names a result beyond the tolerance: a mismatch for ATen, which computes the
/// same function, a mere difference for OpenCV, which does not quite.
std::string describe(const agreement& a, const char* disagreement) {
  char text[160];
  const double identical = a.count == 0 ? 100.0 : 100.0 * static_cast<double>(a.identical) / a.count;
  if (a.beyond_tolerance == 0) {
    std::snprintf(text, sizeof text, "ok: max rel. error %.2g, %.1f%% bit-identical", a.max_error, identical);
  } else {
    std::snprintf(text, sizeof text, "%s: %lld of %lld beyond %.0e (max rel. error %.2g)", disagreement,
                  static_cast<long long>(a.beyond_tolerance), static_cast<long long>(a.count), check_tolerance,
                  a.max_error);
  }
  return text;
}

/// Runs resample (1 thread and the most threads timed) and ATen once per case and reports
/// whether they agree. Reports, never fails: ATen's AVX2 kernels are built with FMA
/// contraction, so the last bits may differ. OpenCV's agreement is shown for information: its
/// conventions are close to PyTorch's but not the same.
void check(int most_threads) {
  std::printf("Check: resample vs ATen (tolerance %.0e, relative to max(|ATen|, 1))\n", check_tolerance);
  for (const bench_case& c : all_cases()) {
    const case_data data(c);
    std::string versus_aten = c.type == dtype::u8    ? "ATen 1.13 has no uint8 kernel for this mode"
                              : c.type == dtype::f16 || c.type == dtype::bf16 ? "compared with resample's float32 (case 1)"
                                                                              : "ATen not built in";
    std::string versus_threads;
    std::string versus_opencv;
    try {
      runner_ptr ours = make_resample_runner(data, true);
      ours->set_threads(1);
      ours->run();
      if (most_threads > 1) {
        runner_ptr wide = make_resample_runner(data, true);
        wide->set_threads(most_threads);
        wide->run();
        const agreement same = compare(data, wide->output(), ours->output());
        versus_threads = std::string(same.identical == same.count ? "identical" : "DIFFERENT") + " with " +
                         std::to_string(most_threads) + " threads";
      }
      if (available(c, contender::aten)) {
        versus_aten = describe(compare(data, ours->output(), make_runner(data, contender::aten)->output()),
                               "MISMATCH");
      }
      if (available(c, contender::opencv)) {
        versus_opencv = describe(compare(data, ours->output(), make_runner(data, contender::opencv)->output()),
                                 "differs");
      }
    } catch (const std::exception& e) {
      versus_aten = std::string("ERROR: ") + e.what();
    }
    std::printf("  %2d %-48s %s%s%s\n", c.id, c.title.c_str(), versus_aten.c_str(),
                versus_threads.empty() ? "" : "; resample ", versus_threads.c_str());
    const std::string id = std::to_string(c.id);
    benchmark::AddCustomContext("check:" + id, versus_aten);
    if (!versus_threads.empty()) benchmark::AddCustomContext("check_threads:" + id, versus_threads);
    if (!versus_opencv.empty()) benchmark::AddCustomContext("check_opencv:" + id, versus_opencv);
  }
  std::fflush(stdout);
}

/// The same for the backward: resample's grad_input (1 thread and the most threads timed)
/// against ATen's, from the same grad_output.
void check_backward(int most_threads) {
  std::printf("Check: resample backward vs ATen backward (tolerance %.0e, relative to max(|ATen|, 1))\n",
              check_tolerance);
  for (const bench_case& c : all_cases()) {
    if (!available(c, contender::resample, direction::backward)) continue;
    const case_data data(c, true);
    std::string versus_aten = "ATen not built in";
    std::string versus_threads;
    try {
      runner_ptr ours = make_runner(data, contender::resample, direction::backward);
      ours->set_threads(1);
      ours->run();
      if (most_threads > 1) {
        runner_ptr wide = make_runner(data, contender::resample, direction::backward);
        wide->set_threads(most_threads);
        wide->run();
        const agreement same = compare(data, wide->output(), ours->output(), true);
        versus_threads = std::string(same.identical == same.count ? "identical" : "DIFFERENT") + " with " +
                         std::to_string(most_threads) + " threads";
      }
      if (available(c, contender::aten, direction::backward)) {
        runner_ptr theirs = make_runner(data, contender::aten, direction::backward);
        versus_aten = describe(compare(data, ours->output(), theirs->output(), true), "MISMATCH");
      }
    } catch (const std::exception& e) {
      versus_aten = std::string("ERROR: ") + e.what();
    }
    std::printf("  %2d %-48s %s%s%s\n", c.id, c.title.c_str(), versus_aten.c_str(),
                versus_threads.empty() ? "" : "; resample ", versus_threads.c_str());
    const std::string id = std::to_string(c.id);
    benchmark::AddCustomContext("check_backward:" + id, versus_aten);
    if (!versus_threads.empty()) benchmark::AddCustomContext("check_backward_threads:" + id, versus_threads);
  }
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------

std::string compiler() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown";
#endif
}

void add_context() {
  benchmark::AddCustomContext("resample_version", resample::version_string);
  benchmark::AddCustomContext("compiler", compiler());
  benchmark::AddCustomContext("build_type", RESAMPLE_BENCH_BUILD_TYPE);
  benchmark::AddCustomContext("cxx_flags", RESAMPLE_BENCH_CXX_FLAGS);
#if defined(_OPENMP)
  benchmark::AddCustomContext("openmp", std::to_string(_OPENMP));
#else
  benchmark::AddCustomContext("openmp", "off");
#endif
#if defined(RESAMPLE_BENCH_HAVE_ATEN)
  for (const auto& [key, value] : aten_context()) benchmark::AddCustomContext(key, value);
#endif
#if defined(RESAMPLE_BENCH_HAVE_OPENCV)
  for (const auto& [key, value] : opencv_context()) benchmark::AddCustomContext(key, value);
#endif
  for (const bench_case& c : all_cases()) {
    benchmark::AddCustomContext("case:" + std::to_string(c.id), c.title);
  }
}

std::vector<int> parse_threads(const std::string& list) {
  std::vector<int> threads;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    const int t = std::atoi(list.substr(begin, end - begin).c_str());
    if (t > 0) threads.push_back(t);
    begin = end + 1;
  }
  if (threads.empty()) threads = {1, 2};
  return threads;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  std::vector<int> threads = {1, 2};
  bool skip_check = false;
  bool min_time_given = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--threads=", 0) == 0) {
      threads = parse_threads(arg.substr(10));
    } else if (arg == "--skip_check") {
      skip_check = true;
    } else {
      min_time_given = min_time_given || arg.rfind("--benchmark_min_time", 0) == 0;
      if (arg.rfind("--benchmark_enable_random_interleaving", 0) == 0) {
        the_session().keep_all_cases = arg.find("=false") == std::string::npos && arg.find("=0") == std::string::npos;
      }
      args.push_back(argv[i]);
    }
  }
  // A short default keeps the full run (every case, contender and thread count) to a few minutes.
  static char default_min_time[] = "--benchmark_min_time=0.1";
  if (!min_time_given) args.push_back(default_min_time);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;

  add_context();
  if (!skip_check) {
    check(*std::max_element(threads.begin(), threads.end()));
    check_backward(*std::max_element(threads.begin(), threads.end()));
  }

  // The forward suite, then the backward one, each case by case.
  for (direction d : {direction::forward, direction::backward}) {
    for (const bench_case& c : all_cases()) {
      for (int t : threads) {
        for (contender k : {contender::resample, contender::resample_plan_reused, contender::aten, contender::opencv,
                            contender::memcpy}) {
          if (!available(c, k, d)) continue;
          char name[96];
          std::snprintf(name, sizeof name, "%s:%02d/%s/threads:%d", d == direction::forward ? "case" : "backward",
                        c.id, name_of(k), t);
          benchmark::RegisterBenchmark(name, time_case, std::cref(c), k, d, t)
              ->UseRealTime()
              ->Unit(benchmark::kMillisecond)
              ->MinWarmUpTime(0.02);
        }
      }
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
