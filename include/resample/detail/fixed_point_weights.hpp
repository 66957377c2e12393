// SPDX-License-Identifier: MIT
// Fixed-point per-axis tables for uint8 resampling: for every output index the first source
// index, the tap count and integer weights with `precision` fractional bits, so a pass is
//   acc = 2^(precision-1) + sum_j x[first + j] * w_j  (int32),  out = clamp(acc >> precision)
// Three builders, one per reference:
//  - antialias (bilinear, bicubic): Pillow's Resample.c (precompute_coeffs, then
//    normalize_coeffs_8bpc): double weights, PRECISION_BITS = 22, rounded half away from zero.
//  - bilinear, bicubic without antialias: PyTorch 2.1's uint8 path (_compute_index_ranges_
//    int16_weights): the antialias formulas with support 1 or 2, a = -0.75 for the cubic, the
//    align_corners shift of 0.5, int16 weights with the largest precision that keeps them so.
//  - linear, trilinear: PyTorch 1.13's float lambdas (as the float plan) in 14 fractional bits,
//    the two weights of an output summing to exactly 2^14.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../error.hpp"
#include "axis_table.hpp"
#include "config.hpp"
#include "geometry.hpp"
#include "source_index.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

/// The taps of one axis in fixed point. Output o reads source indices first[o] .. first[o] +
/// count[o] - 1 with weights weights(o)[0 .. count[o]); slots past count[o] hold 0.
struct fixed_point_axis {
  std::int64_t in = 0;
  std::int64_t out = 0;
  int width = 0;      ///< weight slots per output (the largest tap count)
  int precision = 0;  ///< fractional bits of the weights
  bool skip = false;  ///< the extent is unchanged: the pass is a copy (Pillow and PyTorch 2.1 skip it)
  std::vector<std::int64_t> first;
  std::vector<int> count;
  std::vector<std::int32_t> weight;
  /// The weights split for 16-bit multiply-adds: w = lo + hi * 2^16 with lo, hi in int16, two
  /// taps per int32 (tap 2p in the low half). `pairs` int32s per output, an even number (so
  /// kernels may read pairs two at a time); taps past the count weigh 0.
  int pairs = 0;
  std::vector<std::int32_t> lo_pairs;
  std::vector<std::int32_t> hi_pairs;
  bool fits_int16 = false;  ///< every hi is 0 (PyTorch's int16 weights): one multiply-add per pair
  /// The hi halves as signed bytes, a pair per int16 (tap 2p in the low byte, the int16 twice
  /// per int32 so that a 32-bit broadcast loads it), for u8 x s8
  /// multiply-adds (pmaddubsw) summed in 16 bits: Σ x * hi only matters modulo 2^16, as it is
  /// shifted left by 16 into a 32-bit sum, so 16-bit wrap-around is harmless; the one condition
  /// is that no pair saturates, 255 * (|hi_2p| + |hi_2p+1|) <= 32767 (`hi_bytes_fit`).
  std::vector<std::int32_t> hi_bytes;
  bool hi_bytes_fit = false;
  /// In-row W pass of planar rows (upscales and mild downscales): blocks of 8 outputs whose
  /// taps all lie in the 16 bytes from the block's first source index. Per block and pair p <
  /// row_pairs: a 32-byte byte-shuffle mask (outputs 0-3, then 4-7) that gathers each output's
  /// pair of bytes as 16-bit values, and the 8 outputs' lo and hi weights of that pair.
  int row_pairs = 0;
  std::vector<char> row_block_fits;
  std::vector<std::uint8_t> row_masks;
  std::vector<std::int32_t> row_lo;
  std::vector<std::int32_t> row_hi;
  bool row_kernel = false;  ///< nearly every block fits: use the in-row pass for planar rows
  /// The taps regrouped in pairs that start at even source indices (a leading tap of weight 0
  /// when first[o] is odd), for the W pass of planar rows by column pairs: output o reads
  /// even_count[o] pairs from index even_first[o], with per pair the lo halves (even_lo) and the
  /// hi halves as signed bytes (even_hi, in hi_bytes' format), `even_width` slots per output.
  /// Filled (even_width > 0) when the regrouped hi halves fit bytes as hi_bytes requires. Pairs
  /// read indices [even_begin, even_end), both even; even_end may be in + 1 (it weighs 0).
  int even_width = 0;
  std::vector<std::int64_t> even_first;
  std::vector<int> even_count;
  std::vector<std::int32_t> even_lo;
  std::vector<std::int32_t> even_hi;
  std::int64_t even_begin = 0;
  std::int64_t even_end = 0;
  /// Every output has two taps whose weights are non-negative and sum to exactly 2^precision,
  /// precision <= 15 (one tap of weight 2^precision counts, as its index twice): then
  /// (2^(p-1) + x0 * w0 + x1 * w1) >> p = x0 + (2^(p-1) + (x1 - x0) * w1) >> p, a 16-bit
  /// multiply with rounding (pmulhrsw) of x1 - x0 by blend[o] = w1 * 2^(15 - p), exactly.
  /// PyTorch's int16 weights of bilinear and linear outputs mostly qualify.
  bool blends = false;
  std::vector<std::int16_t> blend;
  /// The W pass of planar rows by blends: blocks of 16 outputs whose 8-output halves read the 16
  /// bytes from their first output's first index; per block, byte-shuffle masks (32 bytes for x0,
  /// then 32 for x1) that spread each output's taps into 16-bit lanes.
  std::vector<char> blend_block_fits;
  std::vector<std::uint8_t> blend_masks;
  bool blend_rows = false;  ///< nearly every block fits: use the W pass by blends for planar rows

  std::int64_t read_begin = 0;  ///< span_begin(0, out), set by split_fixed_point_weights
  std::int64_t read_end = 0;    ///< span_end(0, out)

  const std::int32_t* weights(std::int64_t o) const { return weight.data() + o * width; }
  std::int32_t* weights(std::int64_t o) { return weight.data() + o * width; }

  /// Lowest and one-past-highest source index read by outputs [begin, end).
  std::int64_t span_begin(std::int64_t begin, std::int64_t end) const {
    std::int64_t low = in;
    for (std::int64_t o = begin; o < end; ++o)
      if (count[o] > 0) low = std::min(low, first[o]);
    return low == in ? 0 : low;
  }
  std::int64_t span_end(std::int64_t begin, std::int64_t end) const {
    std::int64_t high = 0;
    for (std::int64_t o = begin; o < end; ++o)
      if (count[o] > 0) high = std::max(high, first[o] + count[o]);
    return high;
  }
};

/// Sizes the table for `taps` slots per output.
inline fixed_point_axis make_fixed_point_axis(const axis_geometry& axis, int taps, int precision) {
  fixed_point_axis t;
  t.in = axis.in;
  t.out = axis.out;
  t.width = std::max(taps, 1);
  t.precision = precision;
  t.skip = axis.in == axis.out;
  t.first.assign(static_cast<std::size_t>(axis.out), 0);
  t.count.assign(static_cast<std::size_t>(axis.out), 0);
  t.weight.assign(static_cast<std::size_t>(axis.out) * static_cast<std::size_t>(t.width), 0);
  return t;
}

/// Checks that no partial sum of a pass can leave int32, whatever the order of the taps, for
/// inputs in [0, max_input]: the rounding bias plus every positive product, and every negative
/// product, must fit. The normalised weights of every mode sum to about 2^precision (their
/// absolute values to at most 1.25 * 2^precision for the cubics), so this holds by a wide margin
/// (2^22 * 1.25 * 255 < 2^31) except for filters of millions of taps, whose per-tap rounding
/// adds up; those are refused. The same bound covers the vector kernels, whose wrapping
/// arithmetic gives the exact sum whenever it fits.
inline void check_fixed_point_range(const fixed_point_axis& t, std::int64_t max_input) {
  const std::int64_t limit = std::numeric_limits<std::int32_t>::max();
  for (std::int64_t o = 0; o < t.out; ++o) {
    std::int64_t positive = std::int64_t(1) << (t.precision - 1), negative = 0;
    const std::int32_t* w = t.weights(o);
    for (int j = 0; j < t.count[o]; ++j) (w[j] > 0 ? positive : negative) += std::int64_t{w[j] < 0 ? -w[j] : w[j]} * max_input;
    if (positive > limit || negative > limit) {
      throw error(error_code::overflow, "a uint8 filter of " + std::to_string(t.count[o]) + " taps (input extent " +
                                            std::to_string(t.in) + ", output extent " + std::to_string(t.out) +
                                            ") is too wide for 32-bit fixed-point sums");
    }
  }
}

/// Fills the 16-bit split of the weights (see fixed_point_axis::lo_pairs).
inline void split_fixed_point_weights(fixed_point_axis& t) {
  t.read_begin = t.span_begin(0, t.out);
  t.read_end = t.span_end(0, t.out);
  t.pairs = (t.width + 3) / 4 * 2;
  t.lo_pairs.assign(static_cast<std::size_t>(t.out) * static_cast<std::size_t>(t.pairs), 0);
  t.hi_pairs.assign(t.lo_pairs.size(), 0);
  t.fits_int16 = true;
  for (std::int64_t o = 0; o < t.out; ++o) {
    const std::int32_t* w = t.weights(o);
    for (int j = 0; j < t.width; ++j) {
      const std::int32_t value = j < t.count[o] ? w[j] : 0;
      const auto lo = static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(value) & 0xFFFFu));
      const std::int32_t hi = (value - lo) / 65536;  // exact: value - lo is a multiple of 2^16
      t.fits_int16 = t.fits_int16 && hi == 0;
      const std::size_t slot = static_cast<std::size_t>(o * t.pairs + j / 2);
      const int shift = (j % 2) * 16;
      t.lo_pairs[slot] = static_cast<std::int32_t>(static_cast<std::uint32_t>(t.lo_pairs[slot]) |
                                                   (static_cast<std::uint32_t>(static_cast<std::uint16_t>(lo)) << shift));
      t.hi_pairs[slot] = static_cast<std::int32_t>(static_cast<std::uint32_t>(t.hi_pairs[slot]) |
                                                   (static_cast<std::uint32_t>(static_cast<std::uint16_t>(hi)) << shift));
    }
  }
}

/// Fills fixed_point_axis::hi_bytes; needs the split weights.
inline void prepare_hi_bytes(fixed_point_axis& t) {
  t.hi_bytes.assign(t.hi_pairs.size(), 0);
  t.hi_bytes_fit = true;
  for (std::size_t i = 0; i < t.hi_pairs.size(); ++i) {
    const auto h0 = static_cast<std::int16_t>(static_cast<std::uint32_t>(t.hi_pairs[i]) & 0xFFFFu);
    const auto h1 = static_cast<std::int16_t>(static_cast<std::uint32_t>(t.hi_pairs[i]) >> 16);
    const int a0 = h0 < 0 ? -h0 : h0, a1 = h1 < 0 ? -h1 : h1;
    if (a0 > 127 || a1 > 127 || 255 * (a0 + a1) > 32767) {
      t.hi_bytes_fit = false;
      return;
    }
    const std::uint32_t pair = (static_cast<std::uint32_t>(static_cast<std::uint16_t>(h0)) & 0xFFu) |
                               ((static_cast<std::uint32_t>(static_cast<std::uint16_t>(h1)) & 0xFFu) << 8);
    t.hi_bytes[i] = static_cast<std::int32_t>(pair | (pair << 16));
  }
}

/// Fills the in-row tables (see fixed_point_axis::row_pairs); needs the split weights.
inline void prepare_row_blocks(fixed_point_axis& t) {
  t.row_pairs = (t.width + 1) / 2;
  const std::int64_t blocks = t.out / 8;
  t.row_block_fits.assign(static_cast<std::size_t>(blocks), 0);
  t.row_masks.assign(static_cast<std::size_t>(blocks * t.row_pairs * 32), 0x80);
  t.row_lo.assign(static_cast<std::size_t>(blocks * t.row_pairs * 8), 0);
  t.row_hi.assign(t.row_lo.size(), 0);
  std::int64_t fitting = 0;
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t base = t.first[b * 8];
    bool fits = true;
    for (int k = 0; k < 8; ++k) {
      const std::int64_t o = b * 8 + k;
      fits = fits && t.first[o] >= base && t.first[o] - base + 2 * t.row_pairs <= 16;
    }
    if (!fits) continue;
    ++fitting;
    t.row_block_fits[static_cast<std::size_t>(b)] = 1;
    for (int p = 0; p < t.row_pairs; ++p) {
      const std::size_t at = static_cast<std::size_t>(b * t.row_pairs + p);
      for (int k = 0; k < 8; ++k) {
        const std::int64_t o = b * 8 + k;
        const auto offset = static_cast<std::uint8_t>(t.first[o] - base + 2 * p);
        std::uint8_t* mask = t.row_masks.data() + at * 32 + (k / 4) * 16 + (k % 4) * 4;
        mask[0] = offset;
        mask[2] = static_cast<std::uint8_t>(offset + 1);
        t.row_lo[at * 8 + static_cast<std::size_t>(k)] = t.lo_pairs[static_cast<std::size_t>(o * t.pairs + p)];
        t.row_hi[at * 8 + static_cast<std::size_t>(k)] = t.hi_pairs[static_cast<std::size_t>(o * t.pairs + p)];
      }
    }
  }
  t.row_kernel = blocks > 0 && fitting * 10 >= blocks * 9;
}

/// Fills the even pairs (see fixed_point_axis::even_width); needs the split weights and
/// hi_bytes.
inline void prepare_even_pairs(fixed_point_axis& t) {
  if (!t.fits_int16 && !t.hi_bytes_fit) return;
  t.even_width = (t.width + 2) / 2;
  t.even_begin = t.read_begin / 2 * 2;
  t.even_end = t.even_begin;
  t.even_first.assign(static_cast<std::size_t>(t.out), t.even_begin);
  t.even_count.assign(static_cast<std::size_t>(t.out), 0);
  t.even_lo.assign(static_cast<std::size_t>(t.out) * static_cast<std::size_t>(t.even_width), 0);
  t.even_hi.assign(t.even_lo.size(), 0);
  const auto u16 = [](std::int32_t v) { return static_cast<std::uint32_t>(v) & 0xFFFFu; };
  bool fits = true;  // the regrouped hi halves still fit (see hi_bytes)
  for (std::int64_t o = 0; o < t.out && fits; ++o) {
    const int n = t.count[o];
    if (n == 0) continue;  // no taps: no pairs
    const int lead = static_cast<int>(t.first[o] % 2);
    const std::int32_t* w = t.weights(o);
    const std::size_t slot = static_cast<std::size_t>(o * t.even_width);
    t.even_first[static_cast<std::size_t>(o)] = t.first[o] - lead;
    t.even_count[static_cast<std::size_t>(o)] = (n + lead + 1) / 2;
    t.even_end = std::max(t.even_end, t.first[o] - lead + 2 * ((n + lead + 1) / 2));
    for (int j = 0; j < n; ++j) {
      // Tap j's weight split as in split_fixed_point_weights: lo in int16, hi the rest.
      const std::int32_t lo = static_cast<std::int16_t>(u16(w[j]));
      const std::int32_t hi = (w[j] - lo) / 65536;
      fits = fits && hi >= -127 && hi <= 127;
      const int at = j + lead;
      const int shift = (at % 2) * 16;
      std::int32_t& lo_pair = t.even_lo[slot + static_cast<std::size_t>(at / 2)];
      std::int32_t& hi_pair = t.even_hi[slot + static_cast<std::size_t>(at / 2)];
      lo_pair = static_cast<std::int32_t>(static_cast<std::uint32_t>(lo_pair) | (u16(lo) << shift));
      // hi as a byte in byte (at % 2) of both halves (hi_bytes' format).
      const std::uint32_t byte = (static_cast<std::uint32_t>(hi) & 0xFFu) << (8 * (at % 2));
      hi_pair = static_cast<std::int32_t>(static_cast<std::uint32_t>(hi_pair) | byte | (byte << 16));
    }
  }
  for (std::size_t i = 0; i < t.even_hi.size() && fits; ++i) {
    const int h0 = static_cast<std::int8_t>(static_cast<std::uint32_t>(t.even_hi[i]) & 0xFFu);
    const int h1 = static_cast<std::int8_t>((static_cast<std::uint32_t>(t.even_hi[i]) >> 8) & 0xFFu);
    fits = 255 * ((h0 < 0 ? -h0 : h0) + (h1 < 0 ? -h1 : h1)) <= 32767;
  }
  if (!fits) {
    t.even_width = 0;
    t.even_first.clear();
    t.even_count.clear();
    t.even_lo.clear();
    t.even_hi.clear();
  }
}

/// Fills the blends (see fixed_point_axis::blends).
inline void prepare_blends(fixed_point_axis& t) {
  t.blends = false;
  t.blend.clear();
  if (t.precision > 15) return;
  const std::int32_t one = std::int32_t{1} << t.precision;
  std::vector<std::int16_t> blend(static_cast<std::size_t>(t.out));
  for (std::int64_t o = 0; o < t.out; ++o) {
    const std::int32_t* w = t.weights(o);
    const int n = t.count[o];
    const std::int32_t w1 = n == 2 ? w[1] : 0;
    if (n < 1 || n > 2 || w[0] < 0 || w1 < 0 || w[0] + w1 != one || w1 == one) return;
    blend[static_cast<std::size_t>(o)] = static_cast<std::int16_t>(w1 << (15 - t.precision));
  }
  t.blends = true;
  t.blend = std::move(blend);
  const std::int64_t blocks = t.out / 16;
  t.blend_block_fits.assign(static_cast<std::size_t>(blocks), 0);
  t.blend_masks.assign(static_cast<std::size_t>(blocks * 64), 0x80);
  std::int64_t fitting = 0;
  for (std::int64_t b = 0; b < blocks; ++b) {
    bool fits = true;
    for (int k = 0; k < 16; ++k) {
      const std::int64_t o = b * 16 + k, base = t.first[b * 16 + k / 8 * 8];
      const std::int64_t second = t.first[o] + (t.count[o] > 1 ? 1 : 0);
      fits = fits && t.first[o] >= base && second - base < 16;
    }
    if (!fits) continue;
    ++fitting;
    t.blend_block_fits[static_cast<std::size_t>(b)] = 1;
    for (int k = 0; k < 16; ++k) {
      const std::int64_t o = b * 16 + k, base = t.first[b * 16 + k / 8 * 8];
      std::uint8_t* masks = t.blend_masks.data() + b * 64 + (k / 8) * 16 + (k % 8) * 2;
      masks[0] = static_cast<std::uint8_t>(t.first[o] - base);
      masks[32] = static_cast<std::uint8_t>(t.first[o] + (t.count[o] > 1 ? 1 : 0) - base);
    }
  }
  t.blend_rows = blocks > 0 && fitting * 10 >= blocks * 9;
}

/// Rounds half away from zero into an int, as Pillow's normalize_coeffs_8bpc and PyTorch's
/// int16 conversion do: (int)(v +- 0.5), truncating.
inline std::int32_t round_away(double v) {
  return static_cast<std::int32_t>(v < 0 ? -0.5 + v : 0.5 + v);
}

/// Pillow's filters (Resample.c), in double.
inline double pillow_bilinear(double x) {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}
inline double pillow_bicubic(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

/// Antialias: Pillow's precompute_coeffs and normalize_coeffs_8bpc. The scale is PyTorch's
/// (in/out, or 1/scale_factor, or (in-1)/(out-1) with align_corners, centres still at o + 0.5);
/// for a size it is Pillow's (double)in / out.
inline fixed_point_axis pillow_axis(const axis_geometry& axis, bool align_corners, bool cubic) {
  constexpr int precision_bits = 22;  // Pillow's PRECISION_BITS = 32 - 8 - 2
  const double filter_support = cubic ? 2.0 : 1.0;
  const double scale = area_pixel_compute_scale<double>(axis.in, axis.out, align_corners, axis.scale);
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = filter_support * filterscale;
  const double ksize = std::min(std::ceil(support) * 2 + 1, static_cast<double>(axis.in));
  fixed_point_axis t = make_fixed_point_axis(axis, static_cast<int>(ksize), precision_bits);
  std::vector<double> k(static_cast<std::size_t>(t.width));
  const double ss = 1.0 / filterscale;
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const double center = (static_cast<double>(o) + 0.5) * scale;
    std::int64_t xmin = static_cast<std::int64_t>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    std::int64_t xmax = static_cast<std::int64_t>(center + support + 0.5);
    if (xmax > axis.in) xmax = axis.in;
    const int n = static_cast<int>(std::clamp<std::int64_t>(xmax - xmin, 0, t.width));
    double ww = 0.0;
    for (int x = 0; x < n; ++x) {
      const double w = cubic ? pillow_bicubic((static_cast<double>(x + xmin) - center + 0.5) * ss)
                             : pillow_bilinear((static_cast<double>(x + xmin) - center + 0.5) * ss);
      k[static_cast<std::size_t>(x)] = w;
      ww += w;
    }
    std::int32_t* out = t.weights(o);
    for (int x = 0; x < n; ++x) {
      double w = k[static_cast<std::size_t>(x)];
      if (ww != 0.0) w /= ww;
      out[x] = round_away(w * (1 << precision_bits));
    }
    t.first[o] = xmin;
    t.count[o] = n;
  }
  return t;
}

/// PyTorch 2.1's non-antialiased filters (HelperInterpLinear/Cubic::aa_filter), in double.
inline double torch_linear_filter(double x) {
  x = std::abs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}
inline double torch_cubic_filter(double x) {
  constexpr double a = -0.75;
  x = std::abs(x);
  if (x < 1.0) return cubic_convolution1<double>(x, a);
  if (x < 2.0) return cubic_convolution2<double>(x, a);
  return 0.0;
}

/// Bilinear and bicubic without antialias: PyTorch 2.1's uint8 weights (semantics section 8.6).
inline fixed_point_axis torch_uint8_axis(const axis_geometry& axis, bool align_corners, bool cubic) {
  const int interp_size = cubic ? 4 : 2;
  const double support = interp_size * 0.5;
  const double scale = area_pixel_compute_scale<double>(axis.in, axis.out, align_corners, axis.scale);
  const double delta = align_corners ? 0.5 : 0.0;
  const int taps = static_cast<int>(std::min<std::int64_t>(interp_size, axis.in));
  fixed_point_axis t = make_fixed_point_axis(axis, taps, 0);
  std::vector<double> weights(static_cast<std::size_t>(axis.out) * static_cast<std::size_t>(t.width), 0.0);
  double wt_max = 0.0;
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const double center = scale * (static_cast<double>(o) + 0.5 - delta);
    const std::int64_t xmin = std::max<std::int64_t>(static_cast<std::int64_t>(center - support + 0.5 + delta), 0);
    const std::int64_t xsize = std::clamp<std::int64_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(center + support + 0.5 + delta), axis.in) - xmin, 0, t.width);
    double* w = weights.data() + o * t.width;
    double total = 0.0;
    for (std::int64_t j = 0; j < xsize; ++j) {
      const double arg = static_cast<double>(j + xmin) - center + 0.5 - delta;
      w[j] = cubic ? torch_cubic_filter(arg) : torch_linear_filter(arg);
      total += w[j];
    }
    if (total != 0.0) {
      for (std::int64_t j = 0; j < xsize; ++j) {
        w[j] /= total;
        wt_max = std::max(wt_max, w[j]);
      }
    }
    t.first[o] = xmin;
    t.count[o] = static_cast<int>(xsize);
  }
  // The largest precision below 22 whose doubled largest weight still fits int16's range.
  int precision = 0;
  for (; precision < 22; ++precision) {
    if (static_cast<int>(0.5 + wt_max * (1 << (precision + 1))) >= (1 << 15)) break;
  }
  t.precision = std::max(precision, 1);  // 0 only for weights >= 2^15, which normalisation excludes
  for (std::size_t s = 0; s < weights.size(); ++s) {
    t.weight[s] = static_cast<std::int16_t>(round_away(weights[s] * (1 << precision)));
  }
  return t;
}

/// linear and trilinear: the float plan's taps (linear_table<float>), weights in 14 bits.
inline fixed_point_axis linear_fixed_axis(const axis_geometry& axis, bool align_corners, int precision) {
  const axis_table<float> table = linear_table<float>(axis, align_corners);
  fixed_point_axis t = make_fixed_point_axis(axis, 2, precision);
  const std::int32_t one = std::int32_t{1} << precision;
  for (std::int64_t o = 0; o < axis.out; ++o) {
    const std::int64_t* index = table.indices(o);
    const float lambda = table.weights(o)[1];
    const std::int32_t w1 = static_cast<std::int32_t>(std::lround(static_cast<double>(lambda) * one));
    std::int32_t* w = t.weights(o);
    t.first[o] = index[0];
    if (index[1] == index[0] || w1 == 0) {
      t.count[o] = 1;
      w[0] = one;
    } else {
      t.count[o] = 2;
      w[0] = one - w1;
      w[1] = w1;
    }
  }
  return t;
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
