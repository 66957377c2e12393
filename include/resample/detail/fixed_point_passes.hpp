// SPDX-License-Identifier: MIT
// The passes of uint8 separable resampling, over boxes (box.hpp) of any strides. Bilinear and
// bicubic follow Pillow's ImagingResampleInner (and PyTorch 2.1's uint8 kernels, which copy
// it): a W pass into a uint8 intermediate, clamped, then an H pass; a pass is skipped when its
// extent is unchanged. Each pass computes, for every output,
//   acc = 2^(p-1) + sum_j x[first + j] * w_j  (int32, exact),  out = clamp(acc >> p, 0, 255).
// The W pass picks its loop by layout: along the row when each output's taps lie close
// together (NCHW upscales); 16 (or 8) planar rows at a time transposed into pixels of as many
// bytes (NCHW downscales); interleaved pixels of up to 4 channels (RGB, RGBA); groups of 8
// channels (wider channels-last); or a scalar loop over any strides. The H pass runs along
// whole rows.
// Trilinear runs three passes through 16-bit intermediates holding value * 2^8, so that its
// two intermediate roundings cost at most 2^-8 each; see fixed_point_plan.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "box.hpp"
#include "fixed_point_kernels.hpp"
#include "fixed_point_weights.hpp"

namespace resample::detail {

/// Scratch space of one thread, reused from call to call.
struct fixed_point_scratch {
  std::vector<std::uint8_t> middle;  ///< the W-resampled rows of a chunk
  std::vector<std::uint8_t> packed_in;
  std::vector<std::uint8_t> packed_out;
  std::vector<std::uint8_t> row;
  std::vector<const std::uint8_t*> rows;
  std::vector<std::uint16_t> wide_a;
  std::vector<std::uint16_t> wide_b;
};

/// W pass of every row of `src` (D = 1; H rows, W, K) into the same rows of `dst`.
inline void fixed_point_horizontal(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src,
                                   const box<std::uint8_t>& dst, const fixed_point_axis& t, fixed_point_scratch& s) {
  const std::int64_t rows = src.extent[1];
  const std::int64_t channels = src.extent[3];
  const std::int64_t sw = src.stride[2], sk = src.stride[3], dw = dst.stride[2], dk = dst.stride[3];
  const std::int64_t first_column = t.read_begin;
  const std::int64_t columns = t.read_end - first_column;
  std::int64_t r = 0;
  if (channels == 1 && sw == 1 && dw == 1 && t.row_kernel && kernels.has_row_loop) {
    // Planar rows whose outputs read nearby bytes: along the row, from a padded copy.
    s.row.assign(static_cast<std::size_t>(columns + 16), 0);
    for (; r < rows; ++r) {
      std::memcpy(s.row.data(), src.at(0, r, first_column), static_cast<std::size_t>(columns));
      kernels.horizontal_row(s.row.data(), dst.at(0, r, 0), t.first.data(), t.count.data(), t.weight.data(), t.width,
                             t.row_block_fits.data(), t.row_masks.data(), t.row_lo.data(), t.row_hi.data(),
                             t.row_pairs, t.fits_int16, t.precision, t.out, first_column);
    }
    return;
  }
  if (channels == 1 && sw == 1 && dw == 1) {
    // Planar rows: transpose 16 (or 8) rows into pixels of as many bytes, resample, transpose
    // back. A last group of fewer rows is padded with copies of its last row; the last 1 to 3
    // rows go one at a time below.
    const std::int64_t lanes = kernels.has_row_loop ? 16 : 8;
    s.packed_in.resize(static_cast<std::size_t>(columns * lanes));
    s.packed_out.resize(static_cast<std::size_t>(t.out * lanes));
    for (; rows - r >= 4; r += lanes) {
      const std::int64_t group = std::min<std::int64_t>(lanes, rows - r);
      const std::uint8_t* in = src.at(0, r, first_column);
      std::int64_t in_step = src.stride[1];
      if (group < lanes) {
        s.row.resize(static_cast<std::size_t>(columns * lanes));
        for (std::int64_t k = 0; k < lanes; ++k) {
          std::memcpy(s.row.data() + k * columns, src.at(0, r + std::min(k, group - 1), first_column),
                      static_cast<std::size_t>(columns));
        }
        in = s.row.data();
        in_step = columns;
      }
      std::int64_t x = 0;
      for (; x + 8 <= columns; x += 8) {
        for (std::int64_t half = 0; half < lanes; half += 8) {
          kernels.transpose_8x8(in + half * in_step + x, in_step, s.packed_in.data() + x * lanes + half, lanes);
        }
      }
      for (; x < columns; ++x)
        for (std::int64_t k = 0; k < lanes; ++k) s.packed_in[static_cast<std::size_t>(x * lanes + k)] = in[k * in_step + x];
      if (lanes == 16) {
        kernels.horizontal_16(s.packed_in.data(), s.packed_out.data(), t.first.data(), t.count.data(), t.weight.data(),
                              t.width, t.lo_pairs.data(), t.hi_pairs.data(), t.pairs, t.fits_int16, t.precision, 0, t.out,
                              first_column);
      } else {
        kernels.horizontal_8(s.packed_in.data(), 8, s.packed_out.data(), 8, t.first.data(), t.count.data(),
                             t.weight.data(), t.width, t.lo_pairs.data(), t.hi_pairs.data(), t.pairs, t.fits_int16,
                             t.precision, 0, t.out, first_column);
      }
      std::uint8_t* out = dst.at(0, r, 0);
      std::int64_t out_step = dst.stride[1];
      if (group < lanes) {
        s.row.resize(static_cast<std::size_t>(t.out * lanes));
        out = s.row.data();
        out_step = t.out;
      }
      std::int64_t o = 0;
      for (; o + 8 <= t.out; o += 8) {
        for (std::int64_t half = 0; half < lanes; half += 8) {
          kernels.transpose_8x8(s.packed_out.data() + o * lanes + half, lanes, out + half * out_step + o, out_step);
        }
      }
      for (; o < t.out; ++o)
        for (std::int64_t k = 0; k < lanes; ++k) out[k * out_step + o] = s.packed_out[static_cast<std::size_t>(o * lanes + k)];
      if (group < lanes) {
        for (std::int64_t k = 0; k < group; ++k) {
          std::memcpy(dst.at(0, r + k, 0), s.row.data() + k * t.out, static_cast<std::size_t>(t.out));
        }
      }
    }
  }
  if (r >= rows) return;
  if (channels <= 4 && dk == 1 && dw == channels) {
    // Interleaved pixels (or leftover planar rows): a copy of the row with 16 bytes of padding
    // makes every load readable.
    const std::int64_t bytes = columns * channels;
    s.row.assign(static_cast<std::size_t>(bytes + 16), 0);
    const int k = static_cast<int>(channels);
    for (; r < rows; ++r) {
      const std::uint8_t* in = src.at(0, r, first_column);
      if (sk == 1 && sw == channels) {
        std::memcpy(s.row.data(), in, static_cast<std::size_t>(bytes));
      } else {
        for (std::int64_t x = 0; x < columns; ++x)
          for (int c = 0; c < k; ++c) s.row[static_cast<std::size_t>(x * k + c)] = in[x * sw + c * sk];
      }
      kernels.horizontal_small(s.row.data(), k, dst.at(0, r, 0), t.first.data(), t.count.data(), t.weight.data(),
                               t.width, t.lo_pairs.data(), t.hi_pairs.data(), t.pairs, t.fits_int16, t.precision, 0,
                               t.out, first_column);
    }
    return;
  }
  const std::int64_t groups = sk == 1 && dk == 1 ? channels / 8 : 0;
  for (; r < rows; ++r) {
    const std::uint8_t* in = src.at(0, r, 0);
    std::uint8_t* out = dst.at(0, r, 0);
    for (std::int64_t g = 0; g < groups; ++g) {
      kernels.horizontal_8(in + g * 8, sw, out + g * 8, dw, t.first.data(), t.count.data(), t.weight.data(), t.width,
                           t.lo_pairs.data(), t.hi_pairs.data(), t.pairs, t.fits_int16, t.precision, 0, t.out, 0);
    }
    for (std::int64_t o = 0; o < t.out; ++o) {
      const std::int32_t* w = t.weights(o);
      for (std::int64_t c = groups * 8; c < channels; ++c) {
        out[o * dw + c * dk] = fixed_point_portable::fp_dot(in + t.first[o] * sw + c * sk, sw, w, t.count[o], t.precision);
      }
    }
  }
}

/// H pass: output rows [begin, end) of `t` into rows 0 .. end-begin of `dst`, reading row
/// `first[o] + j - shift` of `src` (D = 1 boxes).
inline void fixed_point_vertical(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src,
                                 const box<std::uint8_t>& dst, const fixed_point_axis& t, std::int64_t begin,
                                 std::int64_t end, std::int64_t shift, fixed_point_scratch& s) {
  const bool dense = src.dense_rows() && dst.dense_rows();
  const std::int64_t length = src.extent[2] * src.extent[3];
  s.rows.resize(static_cast<std::size_t>(t.width));
  for (std::int64_t o = begin; o < end; ++o) {
    const int n = t.count[o];
    for (int j = 0; j < n; ++j) s.rows[static_cast<std::size_t>(j)] = src.at(0, t.first[o] - shift + j, 0);
    std::uint8_t* out = dst.at(0, o - begin, 0);
    if (dense && o + 1 < end && t.first[o + 1] == t.first[o] && t.count[o + 1] == n) {
      kernels.vertical_two(out, dst.at(0, o + 1 - begin, 0), s.rows.data(), t.weights(o), t.weights(o + 1),
                           t.lo_pairs.data() + o * t.pairs, t.hi_pairs.data() + o * t.pairs,
                           t.lo_pairs.data() + (o + 1) * t.pairs, t.hi_pairs.data() + (o + 1) * t.pairs, t.fits_int16, n,
                           length, t.precision);
      ++o;
      continue;
    }
    if (dense) {
      kernels.vertical(out, s.rows.data(), t.weights(o), t.lo_pairs.data() + o * t.pairs, t.hi_pairs.data() + o * t.pairs,
                       t.fits_int16, n, length, t.precision);
      continue;
    }
    const std::int32_t* w = t.weights(o);
    for (std::int64_t x = 0; x < src.extent[2]; ++x) {
      for (std::int64_t c = 0; c < src.extent[3]; ++c) {
        std::int32_t acc = std::int32_t{1} << (t.precision - 1);
        const std::int64_t at = x * src.stride[2] + c * src.stride[3];
        for (int j = 0; j < n; ++j) acc += static_cast<std::int32_t>(s.rows[static_cast<std::size_t>(j)][at]) * w[j];
        out[x * dst.stride[2] + c * dst.stride[3]] = fixed_point_portable::fp_finish(acc, t.precision);
      }
    }
  }
}

/// Copies rows of equal extents (a resampling whose every pass is skipped).
inline void fixed_point_copy(const box<const std::uint8_t>& src, const box<std::uint8_t>& dst) {
  for (std::int64_t d = 0; d < src.extent[0]; ++d)
    for (std::int64_t h = 0; h < src.extent[1]; ++h) {
      const std::uint8_t* in = src.at(d, h, 0);
      std::uint8_t* out = dst.at(d, h, 0);
      if (src.dense_rows() && dst.dense_rows()) {
        std::memcpy(out, in, static_cast<std::size_t>(src.extent[2] * src.extent[3]));
        continue;
      }
      for (std::int64_t w = 0; w < src.extent[2]; ++w)
        for (std::int64_t c = 0; c < src.extent[3]; ++c) out[w * dst.stride[2] + c * dst.stride[3]] = in[w * src.stride[2] + c * src.stride[3]];
    }
}

/// One pass along box axis `axis` (0 = D, 1 = H, 2 = W) for outputs [begin, begin + extent),
/// any types: out = clamp((2^(down-1) + sum_j x_j * w_j) >> down, 0, max_out), reading index
/// first[o] + j - shift of `src` along the axis. Used by trilinear, whose weights are
/// non-negative with 2 taps summing to 2^14 and whose inputs are at most 65535, so the sum stays
/// under 65535 * 2^14 + 2^21 < 2^31. Along D or H, when both boxes are dense, each output line is
/// one run over W and K that the compiler vectorises.
template <class Src, class Dst>
void fixed_point_axis_pass(const box<const Src>& src, const box<Dst>& dst, const fixed_point_axis& t, int axis,
                           std::int64_t begin, std::int64_t shift, int down, std::int32_t max_out) {
  const std::int32_t bias = std::int32_t{1} << (down - 1);
  const auto finish = [&](std::int32_t acc) {
    return static_cast<Dst>(acc <= 0 ? 0 : std::min<std::int32_t>(acc >> down, max_out));
  };
  if (axis < 2 && src.dense_rows() && dst.dense_rows()) {
    const int other = axis == 0 ? 1 : 0;
    const std::int64_t length = src.extent[2] * src.extent[3];
    for (std::int64_t p = 0; p < dst.extent[other]; ++p) {
      for (std::int64_t o = 0; o < dst.extent[axis]; ++o) {
        const std::int64_t out_index = o + begin;
        std::array<std::int64_t, 2> out_at{0, 0}, in_at{0, 0};
        out_at[other] = in_at[other] = p;
        out_at[axis] = o;
        in_at[axis] = t.first[out_index] - shift;
        Dst* out = dst.at(out_at[0], out_at[1], 0);
        const Src* x0 = src.at(in_at[0], in_at[1], 0);
        const std::int32_t* w = t.weights(out_index);
        if (t.count[out_index] == 2) {
          const Src* x1 = x0 + src.stride[axis];
          const std::int32_t w0 = w[0], w1 = w[1];
          for (std::int64_t x = 0; x < length; ++x) {
            out[x] = finish(bias + static_cast<std::int32_t>(x0[x]) * w0 + static_cast<std::int32_t>(x1[x]) * w1);
          }
        } else {
          for (std::int64_t x = 0; x < length; ++x) {
            std::int32_t acc = bias;
            for (int j = 0; j < t.count[out_index]; ++j) acc += static_cast<std::int32_t>(x0[j * src.stride[axis] + x]) * w[j];
            out[x] = finish(acc);
          }
        }
      }
    }
    return;
  }
  if (axis == 2) {
    for (std::int64_t d = 0; d < dst.extent[0]; ++d)
      for (std::int64_t h = 0; h < dst.extent[1]; ++h) {
        const Src* row = src.at(d, h, 0);
        Dst* out = dst.at(d, h, 0);
        for (std::int64_t o = 0; o < dst.extent[2]; ++o) {
          const std::int32_t* w = t.weights(o + begin);
          const int n = t.count[o + begin];
          const Src* x = row + (t.first[o + begin] - shift) * src.stride[2];
          for (std::int64_t k = 0; k < dst.extent[3]; ++k) {
            std::int32_t acc = bias;
            for (int j = 0; j < n; ++j) acc += static_cast<std::int32_t>(x[j * src.stride[2] + k * src.stride[3]]) * w[j];
            out[o * dst.stride[2] + k * dst.stride[3]] = finish(acc);
          }
        }
      }
    return;
  }
  const std::int64_t step = src.stride[axis];
  std::array<std::int64_t, 4> i{};
  for (i[0] = 0; i[0] < dst.extent[0]; ++i[0])
    for (i[1] = 0; i[1] < dst.extent[1]; ++i[1])
      for (i[2] = 0; i[2] < dst.extent[2]; ++i[2]) {
        const std::int64_t o = i[axis] + begin;
        const std::int32_t* w = t.weights(o);
        const int n = t.count[o];
        std::array<std::int64_t, 4> at = i;
        at[axis] = t.first[o] - shift;
        const Src* in = src.at(at[0], at[1], at[2]);
        Dst* out = dst.at(i[0], i[1], i[2]);
        for (std::int64_t k = 0; k < dst.extent[3]; ++k) {
          const Src* x = in + k * src.stride[3];
          std::int32_t acc = bias;
          for (int j = 0; j < n; ++j) acc += static_cast<std::int32_t>(x[j * step]) * w[j];
          out[k * dst.stride[3]] = finish(acc);
        }
      }
}

}  // namespace resample::detail
