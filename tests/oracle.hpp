// SPDX-License-Identifier: MIT
// An independent reference for F.interpolate: dense per-axis weight matrices in double, built from
// the mathematical definitions of each mode and applied with Eigen. Nothing here uses resample.
//
// Every mode except nearest is a linear map per spatial axis, and the full map is the tensor
// product of the per-axis maps, so a rank-5 resampling is three matrix products per plane. The
// matrices describe what PyTorch computes in exact arithmetic; they deliberately ignore the
// float/double rounding choices the library copies from ATen, which is what makes them a check on
// the library's geometry (indices, weights, borders, special cases) rather than a second copy of it.
#pragma once

#include <Eigen/Dense>
#include <unsupported/Eigen/KroneckerProduct>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace oracle {

using index_t = std::int64_t;
using matrix = Eigen::MatrixXd;

/// One spatial axis of a resampling. `scale` is the user's scale_factor as the kernel receives it:
/// 0 when the output size was given, or when the scale was recomputed from the sizes (always so
/// for area).
struct axis {
  index_t in = 1;
  index_t out = 1;
  double scale = 0.0;
};

/// Output extent for a user scale factor: floor of the double product in * scale (Python's
/// int(math.floor(float(in) * s)) and ATen's truncating conversion agree for positive values).
inline index_t output_extent(index_t in, double scale) {
  return static_cast<index_t>(std::floor(static_cast<double>(in) * scale));
}

/// Input pixels per output pixel. align_corners maps the corner pixel centres onto each other and
/// ignores the user's scale; otherwise a user scale s means 1/s, and in/out without one.
inline double source_step(const axis& a, bool align_corners) {
  if (align_corners) return a.out > 1 ? static_cast<double>(a.in - 1) / static_cast<double>(a.out - 1) : 0.0;
  return a.scale > 0.0 ? 1.0 / a.scale : static_cast<double>(a.in) / static_cast<double>(a.out);
}

/// Source coordinate (in input pixel units, pixel k centred at k) of output pixel o.
inline double source_coordinate(const axis& a, index_t o, bool align_corners) {
  const double step = source_step(a, align_corners);
  return align_corners ? step * static_cast<double>(o) : step * (static_cast<double>(o) + 0.5) - 0.5;
}

/// linear / bilinear / trilinear along one axis: the two pixels around the source coordinate,
/// weighted by distance. Negative coordinates (the first output pixels when upscaling) clamp to
/// pixel 0; past the last pixel both taps are the last pixel. An unchanged extent is an exact copy
/// whatever the scale or align_corners (PyTorch's special case, issue #70559).
inline matrix linear_matrix(const axis& a, bool align_corners) {
  if (a.in == a.out) return matrix::Identity(a.out, a.in);
  matrix w = matrix::Zero(a.out, a.in);
  for (index_t o = 0; o < a.out; ++o) {
    const double x = std::max(source_coordinate(a, o, align_corners), 0.0);
    const index_t i0 = std::min(static_cast<index_t>(std::floor(x)), a.in - 1);
    const index_t i1 = std::min(i0 + 1, a.in - 1);
    const double lambda = x - static_cast<double>(i0);
    w(o, i0) += 1.0 - lambda;
    w(o, i1) += lambda;
  }
  return w;
}

/// Keys' cubic convolution kernel with parameter a (-0.75 for bicubic, -0.5 for antialias).
inline double keys_cubic(double x, double a) {
  x = std::abs(x);
  if (x <= 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a;
  return 0.0;
}

/// bicubic along one axis: four taps around the (unclamped) source coordinate with Keys a = -0.75;
/// taps past the border read the edge pixel, so their weight accumulates on the edge column.
inline matrix cubic_matrix(const axis& a, bool align_corners) {
  matrix w = matrix::Zero(a.out, a.in);
  for (index_t o = 0; o < a.out; ++o) {
    const double x = source_coordinate(a, o, align_corners);
    const double base = std::floor(x);
    const double t = x - base;
    for (int k = -1; k <= 2; ++k) {
      const index_t column = std::clamp<index_t>(static_cast<index_t>(base) + k, 0, a.in - 1);
      w(o, column) += keys_cubic(t - k, -0.75);
    }
  }
  return w;
}

/// Antialiased bilinear (triangle) or bicubic (Keys a = -0.5) along one axis, as Pillow: when
/// downscaling the filter is stretched by the scale so every input pixel contributes; taps outside
/// the image are dropped and the rest renormalised to sum to 1. Pixel centres are at i + 0.5 even
/// with align_corners, which only changes the scale to (in-1)/(out-1) (PyTorch's quirk).
inline matrix antialias_matrix(const axis& a, bool align_corners, bool cubic) {
  const double scale = source_step(a, align_corners);
  const double stretch = scale >= 1.0 ? scale : 1.0;
  matrix w = matrix::Zero(a.out, a.in);
  for (index_t o = 0; o < a.out; ++o) {
    const double centre = scale * (static_cast<double>(o) + 0.5);
    double total = 0.0;
    for (index_t j = 0; j < a.in; ++j) {
      const double x = (static_cast<double>(j) + 0.5 - centre) / stretch;
      const double v = cubic ? keys_cubic(x, -0.5) : std::max(0.0, 1.0 - std::abs(x));
      w(o, j) = v;
      total += v;
    }
    if (total != 0.0) w.row(o) /= total;
  }
  return w;
}

/// area (adaptive average pooling) along one axis: output o averages input pixels
/// floor(o*in/out) .. ceil((o+1)*in/out) - 1. Windows overlap when out does not divide in.
inline matrix area_matrix(const axis& a) {
  matrix w = matrix::Zero(a.out, a.in);
  for (index_t o = 0; o < a.out; ++o) {
    const index_t start = (o * a.in) / a.out;
    const index_t end = ((o + 1) * a.in + a.out - 1) / a.out;
    w.block(o, start, 1, end - start).setConstant(1.0 / static_cast<double>(end - start));
  }
  return w;
}

/// A nearest-neighbour mapping: the 0/1 selection matrix from exact arithmetic, plus, for every
/// output, the source indices accepted from an implementation that rounds. PyTorch forms the
/// source coordinate in float, so where the exact coordinate lies within `boundary_margin` of a
/// rounding boundary, the index on the other side of that boundary is accepted as well.
struct selection {
  matrix weights;
  std::vector<std::vector<index_t>> accepted;
};

/// Distance below which a coordinate counts as "on" a rounding boundary. Float coordinates below
/// ~100 are off by at most a few 1e-6, so 1e-4 admits every float rounding and nothing else.
inline constexpr double boundary_margin = 1e-4;

/// Shared by both nearest modes: index floor(c), clamped to the last pixel, for the exact
/// coordinate c given as numerator / denominator (exact integers when no user scale is given).
inline void select(selection& s, index_t o, index_t in, double numerator, double denominator) {
  const double c = numerator / denominator;
  const double f = std::floor(c);
  const index_t index = std::min(static_cast<index_t>(f), in - 1);
  s.weights(o, index) = 1.0;
  std::vector<index_t>& ok = s.accepted[static_cast<std::size_t>(o)];
  ok.push_back(index);
  if (c - f < boundary_margin && f >= 1.0) ok.push_back(std::min(static_cast<index_t>(f) - 1, in - 1));
  if (f + 1.0 - c < boundary_margin) ok.push_back(std::min(static_cast<index_t>(f) + 1, in - 1));
}

/// mode='nearest' (OpenCV's legacy INTER_NEAREST): floor(o * in / out), or floor(o / s) with a
/// user scale s.
inline selection nearest_selection(const axis& a) {
  selection s{matrix::Zero(a.out, a.in), std::vector<std::vector<index_t>>(static_cast<std::size_t>(a.out))};
  for (index_t o = 0; o < a.out; ++o) {
    if (a.scale > 0.0) {
      select(s, o, a.in, static_cast<double>(o), a.scale);
    } else {
      select(s, o, a.in, static_cast<double>(o * a.in), static_cast<double>(a.out));
    }
  }
  return s;
}

/// mode='nearest-exact' (Pillow, scikit-image): the pixel whose centre is nearest the output
/// pixel's centre, ties rounding up: floor((o + 0.5) * in / out), or floor((o + 0.5) / s).
inline selection nearest_exact_selection(const axis& a) {
  selection s{matrix::Zero(a.out, a.in), std::vector<std::vector<index_t>>(static_cast<std::size_t>(a.out))};
  for (index_t o = 0; o < a.out; ++o) {
    if (a.scale > 0.0) {
      select(s, o, a.in, static_cast<double>(o) + 0.5, a.scale);
    } else {
      select(s, o, a.in, static_cast<double>((2 * o + 1) * a.in), static_cast<double>(2 * a.out));
    }
  }
  return s;
}

/// 0/1 matrix of the columns within `radius` of a non-zero weight of the same row: the taps an
/// implementation may read with a weight that is only approximately zero, because it decides
/// between neighbouring pixels with a rounded coordinate.
inline matrix footprint(const matrix& w, index_t radius) {
  matrix f = matrix::Zero(w.rows(), w.cols());
  for (index_t o = 0; o < w.rows(); ++o) {
    for (index_t j = 0; j < w.cols(); ++j) {
      if (w(o, j) == 0.0) continue;
      const index_t lo = std::max<index_t>(0, j - radius);
      const index_t hi = std::min<index_t>(w.cols() - 1, j + radius);
      f.block(o, lo, 1, hi - lo + 1).setOnes();
    }
  }
  return f;
}

/// N*C planes of D x H x W values in row-major order; lower ranks have D (and H) of extent 1.
struct field {
  index_t planes = 1;
  std::array<index_t, 3> extent{1, 1, 1};
  std::vector<double> values;
};

/// Applies `m` (out x in) along box axis `axis` (0 = D, 1 = H, 2 = W) of every plane.
inline field apply_axis(const field& x, int axis, const matrix& m) {
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  field y;
  y.planes = x.planes;
  y.extent = x.extent;
  y.extent[static_cast<std::size_t>(axis)] = m.rows();
  index_t outer = x.planes;
  for (int a = 0; a < axis; ++a) outer *= x.extent[static_cast<std::size_t>(a)];
  index_t inner = 1;
  for (int a = axis + 1; a < 3; ++a) inner *= x.extent[static_cast<std::size_t>(a)];
  const index_t in = x.extent[static_cast<std::size_t>(axis)];
  const index_t out = m.rows();
  y.values.assign(static_cast<std::size_t>(outer * out * inner), 0.0);
  if (inner == 1) {
    // The innermost axis: all rows at once, (outer x in) times m transposed.
    Eigen::Map<const row_major> src(x.values.data(), outer, in);
    Eigen::Map<row_major> dst(y.values.data(), outer, out);
    dst.noalias() = src * m.transpose();
    return y;
  }
  for (index_t b = 0; b < outer; ++b) {
    Eigen::Map<const row_major> src(x.values.data() + b * in * inner, in, inner);
    Eigen::Map<row_major> dst(y.values.data() + b * out * inner, out, inner);
    dst.noalias() = m * src;
  }
  return y;
}

/// The full map as successive per-axis products (W, then H, then D; the order does not matter
/// in exact arithmetic). `m` holds the D, H and W matrices; absent axes are 1 x 1 identities.
inline field apply(const field& x, const std::array<matrix, 3>& m) {
  field y = apply_axis(x, 2, m[2]);
  y = apply_axis(y, 1, m[1]);
  return apply_axis(y, 0, m[0]);
}

/// The same map as one Kronecker product per plane: a check on `apply` for small cases.
inline field apply_kronecker(const field& x, const std::array<matrix, 3>& m) {
  const matrix k = Eigen::kroneckerProduct(m[0], Eigen::kroneckerProduct(m[1], m[2]).eval()).eval();
  field y;
  y.planes = x.planes;
  y.extent = {m[0].rows(), m[1].rows(), m[2].rows()};
  const index_t in = k.cols();
  const index_t out = k.rows();
  y.values.resize(static_cast<std::size_t>(x.planes * out));
  for (index_t p = 0; p < x.planes; ++p) {
    Eigen::Map<const Eigen::VectorXd> src(x.values.data() + p * in, in);
    Eigen::Map<Eigen::VectorXd> dst(y.values.data() + p * out, out);
    dst.noalias() = k * src;
  }
  return y;
}

}  // namespace oracle
