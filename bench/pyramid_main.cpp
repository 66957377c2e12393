// SPDX-License-Identifier: MIT
// resample_pyramid_bench: pyramids and fusion against OpenCV in the same run, with Google
// Benchmark. Every case works on 1024 x 1024 RGB float32 images (resample: 1 x 3 x H x W planes;
// OpenCV: interleaved CV_32FC3, its usual layout), at 1 and 2 threads (cv::setNumThreads and
// execution::max_threads). Names: pyramid:<case>/<contender>/threads:<n>.
//
//   gaussian5    Gaussian pyramid of depth 5 (six levels): gaussian_pyramid / cv::buildPyramid
//   laplacian5   Laplacian pyramid of depth 5: laplacian_pyramid / buildPyramid, pyrUp, subtract
//   collapse5    collapsing it: collapse / pyrUp and add, level by level
//   mertens3     exposure fusion of three 8-bit images (conversion to float included):
//                merge_mertens / cv::createMergeMertens()->process
//   mertens3u8   the same through merge_mertens' uint8 entry point, on the interleaved bytes
//                themselves (uint8 result); resample only (compare with OpenCV's mertens3)
//   average3     average of three images through depth-5 Laplacian pyramids: fuse_average /
//                the same with buildPyramid, pyrUp and Mat arithmetic
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <resample/resample.hpp>

#if defined(RESAMPLE_BENCH_HAVE_OPENCV)
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#endif

namespace {

constexpr int side = 1024;
constexpr int depth = 5;  // pyr_down steps: six levels

struct images {
  std::vector<std::vector<std::uint8_t>> u8;  // interleaved RGB
  std::vector<std::vector<float>> planar;     // 1 x 3 x H x W in [0, 1]
};

/// Three smooth random "exposures" of one scene, so the pyramids see image-like data.
const images& data() {
  static const images d = [] {
    images r;
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
    const std::size_t plane = static_cast<std::size_t>(side) * side;
    for (int k = 0; k < 3; ++k) {
      std::vector<std::uint8_t> u8(plane * 3);
      std::vector<float> planar(plane * 3);
      for (int y = 0; y < side; ++y) {
        for (int x = 0; x < side; ++x) {
          for (int c = 0; c < 3; ++c) {
            const float scene = 0.5f + 0.3f * std::sin(0.02f * static_cast<float>(x + 7 * c)) *
                                           std::cos(0.013f * static_cast<float>(y));
            const float v = std::min(1.0f, std::max(0.0f, scene * (0.5f + 0.5f * static_cast<float>(k)) + noise(rng)));
            const auto q = static_cast<std::uint8_t>(v * 255.0f + 0.5f);
            const std::size_t i = static_cast<std::size_t>(y) * side + static_cast<std::size_t>(x);
            u8[i * 3 + static_cast<std::size_t>(c)] = q;
            planar[static_cast<std::size_t>(c) * plane + i] = static_cast<float>(q) * (1.0f / 255.0f);
          }
        }
      }
      r.u8.push_back(std::move(u8));
      r.planar.push_back(std::move(planar));
    }
    return r;
  }();
  return d;
}

resample::execution threads(int n) {
  resample::execution e;
  e.max_threads = n;
  return e;
}

resample::tensor_view<const float> view_of(const std::vector<float>& v) {
  return resample::tensor_view<const float>(v.data(), {1, 3, side, side});
}

resample::pyramid_options depth5() {
  resample::pyramid_options p;
  p.levels = depth + 1;
  return p;
}

// ---- resample -----------------------------------------------------------------------------------

void resample_gaussian(benchmark::State& state) {
  const auto exec = threads(static_cast<int>(state.range(0)));
  const auto in = view_of(data().planar[0]);
  for (auto _ : state) benchmark::DoNotOptimize(resample::gaussian_pyramid(in, depth5(), exec));
}

void resample_laplacian(benchmark::State& state) {
  const auto exec = threads(static_cast<int>(state.range(0)));
  const auto in = view_of(data().planar[0]);
  for (auto _ : state) benchmark::DoNotOptimize(resample::laplacian_pyramid(in, depth5(), exec));
}

void resample_collapse(benchmark::State& state) {
  const auto exec = threads(static_cast<int>(state.range(0)));
  const resample::pyramid<float> lap = resample::laplacian_pyramid(view_of(data().planar[0]), depth5());
  resample::tensor<float> out(lap.shape(0));
  for (auto _ : state) {
    resample::collapse(lap, out.view(), exec);
    benchmark::DoNotOptimize(out.data());
  }
}

void resample_mertens(benchmark::State& state) {
  const auto exec = threads(static_cast<int>(state.range(0)));
  const std::size_t plane = static_cast<std::size_t>(side) * side;
  for (auto _ : state) {
    std::vector<resample::tensor<float>> floats;
    std::vector<resample::tensor_view<const float>> views;
    for (const auto& u8 : data().u8) {
      resample::tensor<float> t({1, 3, side, side});
      for (std::size_t i = 0; i < plane; ++i) {
        for (std::size_t c = 0; c < 3; ++c) t.data()[c * plane + i] = static_cast<float>(u8[i * 3 + c]) * (1.0f / 255.0f);
      }
      floats.push_back(std::move(t));
    }
    for (const auto& t : floats) views.push_back(t.view());
    benchmark::DoNotOptimize(resample::merge_mertens(views, {}, exec));
  }
}

/// The uint8 entry point on the interleaved bytes themselves (a channels-last view): OpenCV's
/// input, no conversion by the caller; the result is uint8 (OpenCV's float result times 255, rounded).
void resample_mertens_u8(benchmark::State& state) {
  const auto exec = threads(static_cast<int>(state.range(0)));
  std::vector<resample::tensor_view<const std::uint8_t>> views;
  for (const auto& u8 : data().u8) views.push_back(resample::channels_last_view(u8.data(), {1, 3, side, side}));
  for (auto _ : state) benchmark::DoNotOptimize(resample::merge_mertens(views, {}, exec));
}

void resample_average(benchmark::State& state) {
  const auto exec = threads(static_cast<int>(state.range(0)));
  std::vector<resample::tensor_view<const float>> views;
  for (const auto& p : data().planar) views.push_back(view_of(p));
  for (auto _ : state) benchmark::DoNotOptimize(resample::fuse_average(views, {}, depth5(), exec));
}

// ---- OpenCV -------------------------------------------------------------------------------------

#if defined(RESAMPLE_BENCH_HAVE_OPENCV)
cv::Mat interleaved(int k) {
  cv::Mat u8(side, side, CV_8UC3, const_cast<std::uint8_t*>(data().u8[static_cast<std::size_t>(k)].data()));
  cv::Mat f;
  u8.convertTo(f, CV_32F, 1.0 / 255.0);
  return f;
}

std::vector<cv::Mat> opencv_laplacian(const cv::Mat& image) {
  std::vector<cv::Mat> pyr;
  cv::buildPyramid(image, pyr, depth);
  for (int l = 0; l < depth; ++l) {
    cv::Mat up;
    cv::pyrUp(pyr[static_cast<std::size_t>(l + 1)], up, pyr[static_cast<std::size_t>(l)].size());
    pyr[static_cast<std::size_t>(l)] -= up;
  }
  return pyr;
}

cv::Mat opencv_collapse(const std::vector<cv::Mat>& lap) {
  cv::Mat sum = lap.back().clone();
  for (int l = depth; l > 0; --l) {
    cv::Mat up;
    cv::pyrUp(sum, up, lap[static_cast<std::size_t>(l - 1)].size());
    sum = lap[static_cast<std::size_t>(l - 1)] + up;
  }
  return sum;
}

void opencv_gaussian(benchmark::State& state) {
  cv::setNumThreads(static_cast<int>(state.range(0)));
  const cv::Mat in = interleaved(0);
  for (auto _ : state) {
    std::vector<cv::Mat> pyr;
    cv::buildPyramid(in, pyr, depth);
    benchmark::DoNotOptimize(pyr.back().data);
  }
}

void opencv_laplacian_case(benchmark::State& state) {
  cv::setNumThreads(static_cast<int>(state.range(0)));
  const cv::Mat in = interleaved(0);
  for (auto _ : state) benchmark::DoNotOptimize(opencv_laplacian(in).back().data);
}

void opencv_collapse_case(benchmark::State& state) {
  cv::setNumThreads(static_cast<int>(state.range(0)));
  const std::vector<cv::Mat> lap = opencv_laplacian(interleaved(0));
  for (auto _ : state) benchmark::DoNotOptimize(opencv_collapse(lap).data);
}

void opencv_mertens(benchmark::State& state) {
  cv::setNumThreads(static_cast<int>(state.range(0)));
  std::vector<cv::Mat> stack;
  for (const auto& u8 : data().u8) stack.emplace_back(side, side, CV_8UC3, const_cast<std::uint8_t*>(u8.data()));
  const cv::Ptr<cv::MergeMertens> merge = cv::createMergeMertens();
  for (auto _ : state) {
    cv::Mat out;
    merge->process(stack, out);
    benchmark::DoNotOptimize(out.data);
  }
}

void opencv_average(benchmark::State& state) {
  cv::setNumThreads(static_cast<int>(state.range(0)));
  std::vector<cv::Mat> images;
  for (int k = 0; k < 3; ++k) images.push_back(interleaved(k));
  for (auto _ : state) {
    std::vector<cv::Mat> acc;
    for (const cv::Mat& image : images) {
      const std::vector<cv::Mat> lap = opencv_laplacian(image);
      if (acc.empty()) {
        for (const cv::Mat& level : lap) acc.push_back(level * (1.0 / 3));
      } else {
        for (std::size_t l = 0; l < lap.size(); ++l) cv::scaleAdd(lap[l], 1.0 / 3, acc[l], acc[l]);
      }
    }
    benchmark::DoNotOptimize(opencv_collapse(acc).data);
  }
}
#endif

void register_all() {
  struct entry {
    const char* name;
    void (*resample)(benchmark::State&);
    void (*opencv)(benchmark::State&);
  };
  const std::vector<entry> cases = {
#if defined(RESAMPLE_BENCH_HAVE_OPENCV)
      {"gaussian5", resample_gaussian, opencv_gaussian},     {"laplacian5", resample_laplacian, opencv_laplacian_case},
      {"collapse5", resample_collapse, opencv_collapse_case}, {"mertens3", resample_mertens, opencv_mertens},
      {"mertens3u8", resample_mertens_u8, nullptr},           {"average3", resample_average, opencv_average},
#else
      {"gaussian5", resample_gaussian, nullptr}, {"laplacian5", resample_laplacian, nullptr},
      {"collapse5", resample_collapse, nullptr}, {"mertens3", resample_mertens, nullptr},
      {"mertens3u8", resample_mertens_u8, nullptr}, {"average3", resample_average, nullptr},
#endif
  };
  for (int n : {1, 2}) {
    for (const entry& e : cases) {
      benchmark::RegisterBenchmark((std::string("pyramid:") + e.name + "/resample/threads:" + std::to_string(n)).c_str(),
                                   e.resample)
          ->Arg(n)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
      if (e.opencv != nullptr) {
        benchmark::RegisterBenchmark((std::string("pyramid:") + e.name + "/opencv/threads:" + std::to_string(n)).c_str(),
                                     e.opencv)
            ->Arg(n)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
