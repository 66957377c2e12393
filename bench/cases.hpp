// SPDX-License-Identifier: MIT
// The benchmark cases: one table from which the timed runs, the correctness check, the report
// and the JSON results are all derived. Ids are stable; add new cases at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <resample/resample.hpp>

namespace bench {

/// How the input and the output are laid out in memory.
enum class layout {
  contiguous,     ///< N, C, spatial... row-major (torch.contiguous_format)
  channels_last,  ///< N, spatial..., C (torch.channels_last / channels_last_3d)
};

enum class dtype { f32, f64, u8, f16, bf16 };

struct bench_case {
  int id;
  std::string title;
  resample::dims input_shape;  ///< N, C, spatial...
  layout memory;
  dtype type;
  resample::options opts;
  /// Time resample's whole one-shot call (plan construction included) rather than executing a
  /// plan built beforehand; a second run with a reused plan is reported next to it.
  bool whole_call;
};

inline resample::options scaled(resample::mode m, std::vector<double> scale, std::optional<bool> align_corners = {},
                                bool antialias = false) {
  resample::options o;
  o.mode = m;
  o.scale_factor = std::move(scale);
  o.align_corners = align_corners;
  o.antialias = antialias;
  return o;
}

inline resample::options sized(resample::mode m, std::vector<resample::index_t> size, bool antialias = false) {
  resample::options o;
  o.mode = m;
  o.size = std::move(size);
  o.antialias = antialias;
  return o;
}

inline const std::vector<bench_case>& all_cases() {
  using resample::mode;
  constexpr layout nchw = layout::contiguous;
  constexpr layout cl = layout::channels_last;
  static const std::vector<bench_case> table = {
      {1, "bilinear x2, NCHW 1x64x128x128", {1, 64, 128, 128}, nchw, dtype::f32, scaled(mode::bilinear, {2.0}), false},
      {2, "bilinear x2, channels-last 1x64x128x128", {1, 64, 128, 128}, cl, dtype::f32, scaled(mode::bilinear, {2.0}),
       false},
      {3, "nearest x2, NCHW 1x64x128x128", {1, 64, 128, 128}, nchw, dtype::f32, scaled(mode::nearest, {2.0}), false},
      {4, "nearest x2, channels-last 1x256x64x64", {1, 256, 64, 64}, cl, dtype::f32, scaled(mode::nearest, {2.0}),
       false},
      {5, "nearest-exact 0.5, NCHW 1x64x256x256", {1, 64, 256, 256}, nchw, dtype::f32,
       scaled(mode::nearest_exact, {0.5}), false},
      {6, "bicubic x2, NCHW 1x64x128x128", {1, 64, 128, 128}, nchw, dtype::f32, scaled(mode::bicubic, {2.0}), false},
      {7, "bicubic x2, channels-last 1x64x128x128", {1, 64, 128, 128}, cl, dtype::f32, scaled(mode::bicubic, {2.0}),
       false},
      {8, "area 1/4, NCHW 1x64x256x256", {1, 64, 256, 256}, nchw, dtype::f32, scaled(mode::area, {0.25}), false},
      {9, "bilinear antialias 0.5, NCHW 1x3x1024x1024", {1, 3, 1024, 1024}, nchw, dtype::f32,
       scaled(mode::bilinear, {0.5}, {}, true), false},
      {10, "bicubic antialias to 224x224, NCHW 1x3x1024x768", {1, 3, 1024, 768}, nchw, dtype::f32,
       sized(mode::bicubic, {224, 224}, true), false},
      {11, "trilinear x2, NCDHW 1x16x32x64x64", {1, 16, 32, 64, 64}, nchw, dtype::f32, scaled(mode::trilinear, {2.0}),
       false},
      {12, "linear x2, NCW 1x256x4096", {1, 256, 4096}, nchw, dtype::f32, scaled(mode::linear, {2.0}), false},
      {13, "bilinear 1x3x600x400 to 224x224", {1, 3, 600, 400}, nchw, dtype::f32, sized(mode::bilinear, {224, 224}),
       false},
      {14, "bilinear align_corners x2, NCHW 8x32x56x56", {8, 32, 56, 56}, nchw, dtype::f32,
       scaled(mode::bilinear, {2.0}, true), false},
      {15, "bilinear x2, NCHW float64 1x32x128x128", {1, 32, 128, 128}, nchw, dtype::f64,
       scaled(mode::bilinear, {2.0}), false},
      {16, "bilinear 1x3x32x32 to 64x64 (whole call)", {1, 3, 32, 32}, nchw, dtype::f32,
       sized(mode::bilinear, {64, 64}), true},
      // uint8 images (no ATen column: PyTorch 1.13 has no uint8 for these modes); each is followed by
      // the float32 path on the same shape and values.
      {17, "uint8 bilinear antialias, channels-last 1x3x256x256 to 224x224", {1, 3, 256, 256}, cl, dtype::u8,
       sized(mode::bilinear, {224, 224}, true), false},
      {18, "float32 bilinear antialias, channels-last 1x3x256x256 to 224x224", {1, 3, 256, 256}, cl, dtype::f32,
       sized(mode::bilinear, {224, 224}, true), false},
      {19, "uint8 bicubic antialias, NCHW 1x3x712x712 to 224x224", {1, 3, 712, 712}, nchw, dtype::u8,
       sized(mode::bicubic, {224, 224}, true), false},
      {20, "float32 bicubic antialias, NCHW 1x3x712x712 to 224x224", {1, 3, 712, 712}, nchw, dtype::f32,
       sized(mode::bicubic, {224, 224}, true), false},
      {21, "uint8 bilinear x2, NCHW 1x3x600x400", {1, 3, 600, 400}, nchw, dtype::u8, scaled(mode::bilinear, {2.0}),
       false},
      {22, "float32 bilinear x2, NCHW 1x3x600x400", {1, 3, 600, 400}, nchw, dtype::f32, scaled(mode::bilinear, {2.0}),
       false},
      // 16-bit floats, against case 1 (the same shape in float32).
      {23, "float16 bilinear x2, NCHW 1x64x128x128", {1, 64, 128, 128}, nchw, dtype::f16, scaled(mode::bilinear, {2.0}),
       false},
      {24, "bfloat16 bilinear x2, NCHW 1x64x128x128", {1, 64, 128, 128}, nchw, dtype::bf16,
       scaled(mode::bilinear, {2.0}), false},
  };
  return table;
}

/// Strides in elements of `shape` stored with `memory`.
inline resample::dims strides_for(const resample::dims& shape, layout memory) {
  return memory == layout::channels_last ? resample::channels_last_strides(shape)
                                         : resample::contiguous_strides(shape);
}

inline std::size_t element_size(dtype t) {
  switch (t) {
    case dtype::f64: return sizeof(double);
    case dtype::u8: return sizeof(std::uint8_t);
    case dtype::f16:
    case dtype::bf16: return 2;
    case dtype::f32: break;
  }
  return sizeof(float);
}

/// Spatial scale factors as F.interpolate hands them to the ATen kernels: one per spatial axis
/// when scale_factor is given and not recomputed, none otherwise.
inline std::vector<std::optional<double>> kernel_scales(const bench_case& c) {
  const std::size_t spatial = c.input_shape.size() - 2;
  std::vector<std::optional<double>> scales(spatial);
  if (c.opts.scale_factor.empty() || c.opts.recompute_scale_factor) return scales;
  for (std::size_t a = 0; a < spatial; ++a) {
    scales[a] = c.opts.scale_factor.size() == 1 ? c.opts.scale_factor[0] : c.opts.scale_factor[a];
  }
  return scales;
}

}  // namespace bench
