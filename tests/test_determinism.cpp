// SPDX-License-Identifier: MIT
// Determinism: the thread count, the executor, the work split and the instruction set never
// change a bit.
#include <catch2/catch.hpp>
#include <resample/resample.hpp>

#include <cstdint>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <random>
#include <type_traits>
#include <vector>

#include "random_cases.hpp"

namespace determinism_tests {

namespace {

struct random_case {
  resample::dims shape;
  resample::options opts;
  bool channels_last = false;
};

random_case make_case(std::mt19937& rng) {
  using resample::mode;
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  random_case c;
  const int rank = 3 + pick(3);
  const std::vector<std::vector<mode>> modes = {
      {mode::nearest, mode::nearest_exact, mode::linear, mode::area},
      {mode::nearest, mode::nearest_exact, mode::bilinear, mode::bicubic, mode::area},
      {mode::nearest, mode::nearest_exact, mode::trilinear, mode::area}};
  const auto& choices = modes[static_cast<std::size_t>(rank - 3)];
  c.opts.mode = choices[static_cast<std::size_t>(pick(static_cast<int>(choices.size())))];
  if (c.opts.mode == mode::bilinear || c.opts.mode == mode::bicubic) c.opts.antialias = pick(2) == 1;
  if (resample::takes_align_corners(c.opts.mode) && pick(2) == 1) c.opts.align_corners = true;
  c.shape = {1 + pick(2), 1 + pick(5)};
  for (int a = 2; a < rank; ++a) {
    c.shape.push_back(1 + pick(rank == 5 ? 12 : 40));
    c.opts.size.push_back(1 + pick(rank == 5 ? 16 : 60));
  }
  c.channels_last = pick(3) == 0;
  return c;
}

/// Uniform values in [-4, 4) (any byte for uint8) for every element of `shape`.
template <class T>
std::vector<T> random_values(const resample::dims& shape, std::mt19937& rng) {
  std::int64_t count = 1;
  for (auto e : shape) count *= e;
  std::vector<T> values(static_cast<std::size_t>(count));
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    for (auto& v : values) v = static_cast<T>(rng());  // every byte value, so saturation is exercised
  } else {
    std::uniform_real_distribution<T> uniform(-4, 4);
    for (auto& v : values) v = uniform(rng);
  }
  return values;
}

template <class T>
resample::tensor<T> run(const random_case& c, const std::vector<T>& values, const resample::execution& exec) {
  const resample::dims out_shape = resample::output_shape(c.shape, c.opts);
  resample::tensor<T> result(out_shape);
  const resample::tensor_view<const T> input =
      c.channels_last ? resample::channels_last_view(values.data(), c.shape)
                      : resample::tensor_view<const T>(values.data(), c.shape);
  // The output keeps the logical (contiguous) order so that results compare directly.
  resample::interpolate(input, result.view(), c.opts, exec);
  return result;
}

}  // namespace

TEMPLATE_TEST_CASE("thread count, executor and grain do not change a bit", "[threads]", float, double, std::uint8_t) {
  std::mt19937 rng(20261124);
  resample::thread_pool pool(2);
  const resample::executor pool_executor = [&pool](std::int64_t count, const std::function<void(std::int64_t)>& task) {
    pool(count, task);
  };
  for (int iteration = 0; iteration < test_support::random_case_count(300); ++iteration) {
    const random_case c = make_case(rng);
    const std::vector<TestType> values = random_values<TestType>(c.shape, rng);

    resample::execution serial;
    serial.max_threads = 1;
    const auto expected = run(c, values, serial);

    resample::execution threaded;
    threaded.pool = pool_executor;
    threaded.max_threads = 3;
    threaded.min_parallel_elements = 0;
    threaded.grain_elements = 1 + static_cast<std::int64_t>(rng() % 97);
    const auto got = run(c, values, threaded);

    INFO("mode " << resample::to_string(c.opts.mode) << ", shape " << c.shape.size() << "-D, channels_last "
                 << c.channels_last << ", grain " << threaded.grain_elements);
    REQUIRE(got.extents() == expected.extents());
    REQUIRE(std::memcmp(got.data(), expected.data(), expected.size() * sizeof(TestType)) == 0);
  }
}

TEMPLATE_TEST_CASE("every instruction set gives the same bits", "[simd]", float, double, std::uint8_t) {
  std::mt19937 rng(777);
  const std::vector<resample::instruction_set> sets = {resample::instruction_set::portable, resample::instruction_set::sse2,
                                                       resample::instruction_set::avx2};
  int compared = 0;
  for (int iteration = 0; iteration < test_support::random_case_count(300); ++iteration) {
    const random_case c = make_case(rng);
    const std::vector<TestType> values = random_values<TestType>(c.shape, rng);
    const auto expected = run(c, values, resample::execution{});
    for (resample::instruction_set isa : sets) {
      if (!resample::is_supported(isa)) continue;
      resample::execution exec;
      exec.isa = isa;
      const auto got = run(c, values, exec);
      INFO("mode " << resample::to_string(c.opts.mode) << ", instruction set " << static_cast<int>(isa));
      REQUIRE(std::memcmp(got.data(), expected.data(), expected.size() * sizeof(TestType)) == 0);
      ++compared;
    }
  }
  CHECK(compared >= test_support::random_case_count(300));
}

TEMPLATE_TEST_CASE("pyramids and fusion: threads, executors, grains and instruction sets do not change a bit",
                   "[threads][simd][pyramid][fusion]", float, double, std::uint8_t) {
  std::mt19937 rng(4242);
  resample::thread_pool pool(3);
  const resample::dims shape{2, 3, 71, 130};
  std::vector<std::vector<TestType>> images;
  std::vector<resample::tensor_view<const TestType>> stack;
  for (int i = 0; i < 3; ++i) images.push_back(random_values<TestType>(shape, rng));
  for (const auto& image : images) stack.emplace_back(image.data(), shape);
  using level_type = std::conditional_t<std::is_same_v<TestType, std::uint8_t>, float, TestType>;
  std::vector<level_type> mask(static_cast<std::size_t>(2 * 71 * 130));
  for (auto& v : mask) v = static_cast<level_type>(rng() % 3);
  const std::vector<resample::tensor_view<const level_type>> masks(3, {mask.data(), {2, 1, 71, 130}});
  // Everything the pyramid and fusion functions make from the stack, as bytes.
  const auto run_all = [&](const resample::execution& exec) {
    std::vector<unsigned char> bytes;
    const auto add = [&](const auto* data, std::size_t count) {
      const auto* p = reinterpret_cast<const unsigned char*>(data);
      bytes.insert(bytes.end(), p, p + count * sizeof(*data));
    };
    const auto add_pyramid = [&](const auto& p) {
      for (int l = 0; l < p.levels(); ++l) add(p.level(l).data_handle(), static_cast<std::size_t>(p.level(l).size()));
    };
    add_pyramid(resample::gaussian_pyramid(stack[0], {}, exec));
    const auto lap = resample::laplacian_pyramid(stack[0], {}, exec);
    add_pyramid(lap);
    const auto back = resample::collapse<TestType>(lap, exec);
    add(back.data(), back.size());
    for (const auto& fused : {resample::fuse_average(stack, {}, {}, exec), resample::fuse_max_abs(stack, {}, exec),
                              resample::fuse_weighted(stack, masks, {}, exec),
                              resample::merge_mertens(stack, {}, exec)}) {
      add(fused.data(), fused.size());
    }
    return bytes;
  };
  resample::execution reference;
  reference.max_threads = 1;
  reference.isa = resample::instruction_set::portable;
  const std::vector<unsigned char> expected = run_all(reference);
  std::vector<resample::execution> variants(3);
  variants[0].max_threads = 2;
  variants[1].max_threads = 4;
  variants[1].grain_elements = 300;
  variants[1].min_parallel_elements = 1;
  variants[2].pool = [&pool](std::int64_t count, const std::function<void(std::int64_t)>& task) { pool(count, task); };
  variants[2].grain_elements = 1000;
  variants[2].min_parallel_elements = 1;
  for (resample::instruction_set isa : {resample::instruction_set::sse2, resample::instruction_set::avx2}) {
    if (!resample::is_supported(isa)) continue;
    variants.emplace_back();
    variants.back().max_threads = 1;
    variants.back().isa = isa;
  }
  for (std::size_t v = 0; v < variants.size(); ++v) {
    INFO("variant " << v);
    REQUIRE(run_all(variants[v]) == expected);
  }
}

TEMPLATE_TEST_CASE("one plan executed by several threads at once gives the serial bits", "[threads]", float, double) {
  // A fresh plan builds some tables on its first execution that needs them (channels-last rows
  // of a few channels): here several threads make that first execution together.
  using T = TestType;
  std::mt19937 rng(4242u);
  for (const resample::mode m : {resample::mode::bilinear, resample::mode::bicubic}) {
    for (const std::int64_t channels : {2, 3, 4}) {
      const resample::dims shape{2, channels, 37, 53};
      resample::options opts;
      opts.mode = m;
      opts.size = {61, 29};
      const std::vector<T> values = random_values<T>(shape, rng);
      const resample::tensor_view<const T> input = resample::channels_last_view(values.data(), shape);
      const resample::dims out_shape = resample::output_shape(shape, opts);
      resample::tensor<T> expected(out_shape);
      resample::plan<T>(shape, opts).execute(input, expected.view());

      const resample::plan<T> shared(shape, opts);
      constexpr int workers = 4;
      std::vector<resample::tensor<T>> results(workers, resample::tensor<T>(out_shape));
      std::atomic<int> ready{0};
      std::vector<std::thread> threads;
      for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
          ready.fetch_add(1);
          while (ready.load() < workers) std::this_thread::yield();  // start together
          resample::execution serial;
          serial.max_threads = 1;
          shared.execute(input, results[static_cast<std::size_t>(w)].view(), serial);
        });
      }
      for (std::thread& t : threads) t.join();
      INFO(resample::to_string(m) << ", " << channels << " channels");
      for (const resample::tensor<T>& r : results) {
        CHECK(std::memcmp(r.data(), expected.data(), expected.values().size() * sizeof(T)) == 0);
      }
    }
  }
}

TEST_CASE("thread_pool runs every task once and rethrows a task's exception", "[threads]") {
  resample::thread_pool pool(2);
  CHECK(pool.concurrency() == 3);
  std::vector<int> hits(1000, 0);
  pool(1000, [&](std::int64_t i) { hits[static_cast<std::size_t>(i)] += 1; });
  CHECK(std::count(hits.begin(), hits.end(), 1) == 1000);
  CHECK_THROWS_AS(pool(10, [](std::int64_t i) { if (i == 7) throw std::runtime_error("task 7"); }), std::runtime_error);
  // The pool stays usable after a failure.
  int total = 0;
  std::mutex m;
  pool(5, [&](std::int64_t i) { std::lock_guard<std::mutex> lock(m); total += static_cast<int>(i); });
  CHECK(total == 10);
}

}  // namespace determinism_tests
