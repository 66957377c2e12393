// SPDX-License-Identifier: MIT
// OpenCV's cv::resize as a contender, where it can do the same work: an NCHW tensor is N*C
// single-channel planes resized one after the other; a channels-last tensor is N interleaved
// images of C channels (C <= CV_CN_MAX); an NCW tensor is one (N*C) x W image whose rows are
// resized along W only. Matrices are headers over the shared input and a preallocated output.
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>  // setNumThreads, getBuildInformation
#include <opencv2/imgproc.hpp>

#include <sstream>
#include <stdexcept>

#include "harness.hpp"

namespace bench {
namespace {

using resample::mode;

/// The cv::resize flag for a case: the same filter, except that uint8 antialiased downscales
/// compare with INTER_AREA, OpenCV's antialiasing downscale.
int interpolation_for(const bench_case& c) {
  if (c.type == dtype::u8 && c.opts.antialias) return cv::INTER_AREA;
  switch (c.opts.mode) {
    case mode::nearest: return cv::INTER_NEAREST;
    case mode::nearest_exact: return cv::INTER_NEAREST_EXACT;
    case mode::linear:
    case mode::bilinear: return cv::INTER_LINEAR;
    case mode::bicubic: return cv::INTER_CUBIC;
    case mode::area: return cv::INTER_AREA;
    case mode::trilinear: break;
  }
  return -1;
}

class opencv_runner final : public runner {
 public:
  explicit opencv_runner(const case_data& data)
      : output_(data.output_bytes()), interpolation_(interpolation_for(data.spec)) {
    const resample::dims& in = data.spec.input_shape;
    const resample::dims& out = data.output_shape;
    const int depth = data.spec.type == dtype::f64 ? CV_64F : data.spec.type == dtype::u8 ? CV_8U : CV_32F;
    const std::size_t element = element_size(data.spec.type);
    unsigned char* src = data.input.bytes();
    unsigned char* dst = output_.bytes();
    const auto i = [](resample::index_t v) { return static_cast<int>(v); };
    if (in.size() == 3) {
      source_.emplace_back(i(in[0] * in[1]), i(in[2]), depth, src);
      destination_.emplace_back(i(out[0] * out[1]), i(out[2]), depth, dst);
    } else if (data.spec.memory == layout::contiguous) {
      const std::size_t in_plane = static_cast<std::size_t>(in[2] * in[3]) * element;
      const std::size_t out_plane = static_cast<std::size_t>(out[2] * out[3]) * element;
      for (resample::index_t p = 0; p < in[0] * in[1]; ++p) {
        source_.emplace_back(i(in[2]), i(in[3]), depth, src + p * in_plane);
        destination_.emplace_back(i(out[2]), i(out[3]), depth, dst + p * out_plane);
      }
    } else {
      const int type = CV_MAKETYPE(depth, i(in[1]));
      const std::size_t in_image = static_cast<std::size_t>(in[1] * in[2] * in[3]) * element;
      const std::size_t out_image = static_cast<std::size_t>(out[1] * out[2] * out[3]) * element;
      for (resample::index_t n = 0; n < in[0]; ++n) {
        source_.emplace_back(i(in[2]), i(in[3]), type, src + n * in_image);
        destination_.emplace_back(i(out[2]), i(out[3]), type, dst + n * out_image);
      }
    }
  }

  void set_threads(int threads) override { cv::setNumThreads(threads); }

  void run() override {
    for (std::size_t k = 0; k < source_.size(); ++k) {
      cv::resize(source_[k], destination_[k], destination_[k].size(), 0.0, 0.0, interpolation_);
    }
  }

  /// cv::resize reallocates a destination of the wrong size or type; make sure it did not.
  void check_in_place() const {
    const unsigned char* expected = output_.bytes();
    for (const cv::Mat& m : destination_) {
      if (m.data != expected) throw std::runtime_error("cv::resize did not write into the preallocated output");
      expected += m.total() * m.elemSize();
    }
  }

  const void* output() const override { return output_.bytes(); }

 private:
  aligned_buffer output_;
  int interpolation_;
  std::vector<cv::Mat> source_;
  std::vector<cv::Mat> destination_;
};


}  // namespace

bool opencv_supports(const bench_case& c) {
  // No such options; uint8 antialias is compared with INTER_AREA (see interpolation_for).
  if ((c.opts.antialias && c.type != dtype::u8) || c.opts.align_corners.value_or(false)) return false;
  if (c.type == dtype::f16 || c.type == dtype::bf16) return false;  // measured against resample's float32
  if (interpolation_for(c) < 0) return false;
  const std::size_t rank = c.input_shape.size();
  if (rank == 3) return c.memory == layout::contiguous;
  if (rank != 4) return false;  // no volumes
  return c.memory == layout::contiguous || c.input_shape[1] <= CV_CN_MAX;
}

runner_ptr make_opencv_runner(const case_data& data) {
  auto r = std::make_unique<opencv_runner>(data);
  r->set_threads(1);
  r->run();  // throws cv::Exception for a combination cv::resize rejects
  r->check_in_place();
  return r;
}

std::vector<std::pair<std::string, std::string>> opencv_context() {
  const std::string info = cv::getBuildInformation();
  return {{"opencv_version", CV_VERSION},
          {"opencv_parallel_framework", text_after(info, "Parallel framework:")},
          {"opencv_baseline_isa", text_after(info, "Baseline:")},
          {"opencv_dispatched_isa", text_after(info, "Dispatched code generation:")}};
}

}  // namespace bench
