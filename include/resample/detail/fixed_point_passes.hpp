// SPDX-License-Identifier: MIT
// The passes of uint8 separable resampling, over boxes (box.hpp) of any strides. Bilinear and
// bicubic follow Pillow's ImagingResampleInner (and PyTorch 2.1's uint8 kernels, which copy
// it): a W pass into a uint8 intermediate, clamped, then an H pass; a pass is skipped when its
// extent is unchanged. Each pass computes, for every output,
//   acc = 2^(p-1) + sum_j x[first + j] * w_j  (int32, exact),  out = clamp(acc >> p, 0, 255).
// The W pass picks its loop by layout: along the row when each output's taps lie close
// together (NCHW upscales); by column pairs of 32 rows (AVX2), for planar rows and for
// interleaved pixels of up to 4 channels (RGB, RGBA), each pair of adjacent columns (or of one
// channel of adjacent pixels) packed once for all the outputs that read it; otherwise 16 or 8 planar rows at a time transposed into
// pixels of as many bytes, interleaved pixels of up to 4 channels one row at a time, groups of 8
// channels (wider channels-last), or a scalar loop over any strides. The H pass runs along
// whole rows.
// Trilinear runs three passes through 16-bit intermediates holding value * 2^8, so that its
// two intermediate roundings cost at most 2^-8 each (see fixed_point_plan.hpp), each a row of
// 16-bit multiply-adds.
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
  std::vector<std::uint32_t> wide_pairs;    ///< trilinear W pass: gathered tap pairs of a row
  std::vector<std::uint32_t> wide_weights;  ///< and their weight pairs
  std::vector<std::int64_t> offsets;
  std::vector<std::int32_t> first32;
};

/// At least n elements of a scratch vector, which never shrinks: a small chunk between two
/// large ones then costs the next large one no fill of the regrown part.
template <class T>
T* grown(std::vector<T>& v, std::int64_t n) {
  if (v.size() < static_cast<std::size_t>(n)) v.resize(static_cast<std::size_t>(n));
  return v.data();
}

/// Transposes `n` pixels of `lanes` bytes (8, 16 or 32 rows, at `packed`) back into rows
/// out + k * out_step, k < lanes.
inline void fixed_point_unpack(const fixed_point_kernels& kernels, const std::uint8_t* packed, std::int64_t lanes,
                               std::int64_t n, std::uint8_t* out, std::int64_t out_step) {
  std::int64_t o = 0;
  if (lanes == 32) {
    for (; o + 16 <= n; o += 16) {
      const std::uint8_t* from = packed + o * 32;
      kernels.transpose_16x16x2(from, from + 16, 32, out + o, out + 16 * out_step + o, out_step);
    }
  }
  for (; o + 8 <= n; o += 8) {
    for (std::int64_t half = 0; half < lanes; half += 8) {
      kernels.transpose_8x8(packed + o * lanes + half, lanes, out + half * out_step + o, out_step);
    }
  }
  for (; o < n; ++o)
    for (std::int64_t k = 0; k < lanes; ++k) out[k * out_step + o] = packed[o * lanes + k];
}

/// Stores the first `group` of `lanes` rows of n packed outputs into rows r .. r + group - 1 of
/// `dst` (a short group through a scratch copy).
inline void fixed_point_store_rows(const fixed_point_kernels& kernels, const std::uint8_t* packed,
                                   std::int64_t lanes, std::int64_t group, std::int64_t n,
                                   const box<std::uint8_t>& dst, std::int64_t r, fixed_point_scratch& s) {
  if (group == lanes) {
    fixed_point_unpack(kernels, packed, lanes, n, dst.at(0, r, 0), dst.stride[1]);
    return;
  }
  std::uint8_t* rows = grown(s.row, n * lanes);
  fixed_point_unpack(kernels, packed, lanes, n, rows, n);
  for (std::int64_t k = 0; k < group; ++k) std::memcpy(dst.at(0, r + k, 0), rows + k * n, static_cast<std::size_t>(n));
}

/// W pass by column pairs (fp_pack_pairs, fp_horizontal_pairs) of rows of planar bytes or of
/// dense interleaved pixels of up to 4 channels: 32 rows at a time, 16 for a last group of at
/// most 16, a short group padded with its last row. The outputs come back as rows of
/// interleaved pixels.
inline void fixed_point_horizontal_pairs(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src,
                                         const box<std::uint8_t>& dst, const fixed_point_axis& t,
                                         fixed_point_scratch& s) {
  const std::int64_t rows = src.extent[1];
  const int channels = static_cast<int>(src.extent[3]);
  const std::int64_t pairs = (t.even_end - t.even_begin) / 2 * channels;  // a column pair per channel of a pixel pair
  const std::int64_t available = (t.in - t.even_begin) * channels;      // bytes of a row from pixel even_begin
  std::uint8_t* const packed_in = grown(s.packed_in, (pairs + 2) * 64);
  std::uint8_t* const packed_out = grown(s.packed_out, t.out * channels * 32);
  const std::uint8_t* in_rows[32];
  for (std::int64_t r = 0; r < rows;) {
    const int lanes = rows - r > 16 ? 32 : 16;
    const std::int64_t group = std::min<std::int64_t>(lanes, rows - r);
    for (int k = 0; k < lanes; ++k) in_rows[k] = src.at(0, r + std::min<std::int64_t>(k, group - 1), t.even_begin);
    kernels.pack_pairs(in_rows, lanes, channels, available, pairs, packed_in);
    kernels.horizontal_pairs(packed_in, lanes, channels, packed_out, t.even_first.data(),
                             t.even_count.data(), t.even_lo.data(), t.even_hi.data(), t.even_width, t.fits_int16,
                             t.precision, 0, t.out, t.even_begin);
    fixed_point_store_rows(kernels, packed_out, lanes, group, t.out * channels, dst, r, s);
    r += group;
  }
}

/// W pass of every row of `src` (D = 1; H rows, W, K) into the same rows of `dst`.
inline void fixed_point_horizontal(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src,
                                   const box<std::uint8_t>& dst, const fixed_point_axis& t, fixed_point_scratch& s) {
  const std::int64_t rows = src.extent[1];
  const std::int64_t channels = src.extent[3];
  const std::int64_t sw = src.stride[2], sk = src.stride[3], dw = dst.stride[2], dk = dst.stride[3];
  const std::int64_t first_column = t.read_begin;
  const std::int64_t columns = t.read_end - first_column;
  std::int64_t r = 0;
  if (channels == 1 && sw == 1 && dw == 1 && t.blend_rows && kernels.blend_row) {
    // Planar rows of two-tap outputs that read nearby bytes: blends along the row, from a
    // padded copy.
    s.row.assign(static_cast<std::size_t>(columns + 16), 0);
    for (; r < rows; ++r) {
      std::memcpy(s.row.data(), src.at(0, r, first_column), static_cast<std::size_t>(columns));
      kernels.blend_row(s.row.data(), dst.at(0, r, 0), t.first.data(), t.count.data(), t.blend.data(),
                        t.blend_block_fits.data(), t.blend_masks.data(), t.out, first_column);
    }
    return;
  }
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
  if (kernels.horizontal_pairs && t.even_width > 0 &&
      ((channels == 1 && sw == 1 && dw == 1) ||
       (channels <= 4 && sk == 1 && sw == channels && dk == 1 && dw == channels))) {
    fixed_point_horizontal_pairs(kernels, src, dst, t, s);
    return;
  }
  if (channels == 1 && sw == 1 && dw == 1) {
    // Planar rows: transpose 16 or 8 rows into pixels of as many bytes, resample, transpose
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
      fixed_point_store_rows(kernels, s.packed_out.data(), lanes, group, t.out, dst, r, s);
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
        out[o * dw + c * dk] = portable::fixed_point::fp_dot(in + t.first[o] * sw + c * sk, sw, w, t.count[o], t.precision);
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
  if (dense && t.blends && kernels.blend_rows) {
    // Two taps by blends, neighbours that read the same rows together.
    for (std::int64_t o = begin; o < end; ++o) {
      const std::uint8_t* a = src.at(0, t.first[o] - shift, 0);
      const std::uint8_t* b = t.count[o] > 1 ? a + src.stride[1] : a;
      const bool pair = o + 1 < end && t.first[o + 1] == t.first[o] && t.count[o + 1] == t.count[o];
      kernels.blend_rows(dst.at(0, o - begin, 0), pair ? dst.at(0, o + 1 - begin, 0) : nullptr, a, b,
                         t.blend[static_cast<std::size_t>(o)], pair ? t.blend[static_cast<std::size_t>(o + 1)] : 0,
                         length);
      o += pair ? 1 : 0;
    }
    return;
  }
  s.rows.resize(static_cast<std::size_t>(t.width + 1));
  for (std::int64_t o = begin; o < end; ++o) {
    const int n = t.count[o];
    for (int j = 0; j < n; ++j) s.rows[static_cast<std::size_t>(j)] = src.at(0, t.first[o] - shift + j, 0);
    if (n % 2 == 1) s.rows[static_cast<std::size_t>(n)] = s.rows[static_cast<std::size_t>(n - 1)];  // weighs 0
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
                       t.hi_bytes_fit ? t.hi_bytes.data() + o * t.pairs : nullptr, t.fits_int16, n, length, t.precision);
      continue;
    }
    const std::int32_t* w = t.weights(o);
    for (std::int64_t x = 0; x < src.extent[2]; ++x) {
      for (std::int64_t c = 0; c < src.extent[3]; ++c) {
        std::int32_t acc = std::int32_t{1} << (t.precision - 1);
        const std::int64_t at = x * src.stride[2] + c * src.stride[3];
        for (int j = 0; j < n; ++j) acc += static_cast<std::int32_t>(s.rows[static_cast<std::size_t>(j)][at]) * w[j];
        out[x * dst.stride[2] + c * dst.stride[3]] = portable::fixed_point::fp_finish(acc, t.precision);
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

/// Trilinear W pass (uint8 to 16 bits): every row of `src`, any strides, into the same rows of
/// the dense `dst`, out = clamp((2^(down-1) + x0 * w0 + x1 * w1) >> down, 0, 65535). Each
/// output's two taps are gathered as 16-bit halves of one int32, so the multiply-adds run along
/// the row whatever the layout. Linear taps: count <= 2, weights in [0, 2^14].
inline void fixed_point_wide_horizontal(const fixed_point_kernels& kernels, const box<const std::uint8_t>& src,
                                        const box<std::uint16_t>& dst, const fixed_point_axis& t, int down,
                                        fixed_point_scratch& s) {
  const std::int64_t channels = src.extent[3], length = t.out * channels;
  const std::int64_t sw = src.stride[2], sk = src.stride[3];
  s.wide_weights.resize(static_cast<std::size_t>(length));
  s.wide_pairs.resize(static_cast<std::size_t>(length));
  s.offsets.resize(static_cast<std::size_t>(2 * t.out));
  for (std::int64_t o = 0; o < t.out; ++o) {
    const std::int32_t* w = t.weights(o);
    const bool two = t.count[o] > 1;  // one tap: the pair repeats it with weight 0
    s.offsets[static_cast<std::size_t>(2 * o)] = t.first[o] * sw;
    s.offsets[static_cast<std::size_t>(2 * o + 1)] = (t.first[o] + (two ? 1 : 0)) * sw;
    const std::uint32_t pair = static_cast<std::uint32_t>(w[0]) | (static_cast<std::uint32_t>(two ? w[1] : 0) << 16);
    for (std::int64_t c = 0; c < channels; ++c) s.wide_weights[static_cast<std::size_t>(o * channels + c)] = pair;
  }
  const std::int64_t span = t.read_end - t.read_begin;
  if (channels == 1 && span < (std::int64_t{1} << 30)) {
    // Planar rows: a padded copy of the read span, then gathers along it.
    s.first32.resize(static_cast<std::size_t>(t.out));
    for (std::int64_t o = 0; o < t.out; ++o) s.first32[static_cast<std::size_t>(o)] = static_cast<std::int32_t>(t.first[o] - t.read_begin);
    s.row.assign(static_cast<std::size_t>(span + 4), 0);
    for (std::int64_t d = 0; d < src.extent[0]; ++d)
      for (std::int64_t h = 0; h < src.extent[1]; ++h) {
        const std::uint8_t* row = src.at(d, h, t.read_begin);
        if (sw == 1) {
          std::memcpy(s.row.data(), row, static_cast<std::size_t>(span));
        } else {
          for (std::int64_t x = 0; x < span; ++x) s.row[static_cast<std::size_t>(x)] = row[x * sw];
        }
        kernels.wide_row(s.row.data(), s.first32.data(), s.wide_weights.data(), dst.at(d, h, 0), t.out, down);
      }
    return;
  }
  const std::int64_t* offset = s.offsets.data();
  std::uint32_t* pairs = s.wide_pairs.data();
  for (std::int64_t d = 0; d < src.extent[0]; ++d)
    for (std::int64_t h = 0; h < src.extent[1]; ++h) {
      const std::uint8_t* row = src.at(d, h, 0);
      if (channels == 1) {
        for (std::int64_t o = 0; o < t.out; ++o) {
          pairs[o] = static_cast<std::uint32_t>(row[offset[2 * o]]) | (static_cast<std::uint32_t>(row[offset[2 * o + 1]]) << 16);
        }
      } else {
        for (std::int64_t o = 0; o < t.out; ++o) {
          const std::uint8_t* x0 = row + offset[2 * o];
          const std::uint8_t* x1 = row + offset[2 * o + 1];
          for (std::int64_t c = 0; c < channels; ++c) {
            pairs[o * channels + c] = static_cast<std::uint32_t>(x0[c * sk]) | (static_cast<std::uint32_t>(x1[c * sk]) << 16);
          }
        }
      }
      kernels.wide_pairs(pairs, s.wide_weights.data(), dst.at(d, h, 0), length, down);
    }
}

/// Trilinear H (axis 1) or D (axis 0) pass from the dense 16-bit `src`: output o + begin along
/// the axis reads index first[o + begin] - shift (and the next), every other index unchanged;
/// out = clamp((2^(down-1) + a * w0 + b * w1) >> down) to 65535 (Dst = uint16_t, a dense
/// intermediate) or 255 (uint8_t, any strides).
template <class Dst>
void fixed_point_wide_vertical(const fixed_point_kernels& kernels, const box<const std::uint16_t>& src,
                               const box<Dst>& dst, const fixed_point_axis& t, int axis, std::int64_t begin,
                               std::int64_t shift, int down, fixed_point_scratch& s) {
  const std::int64_t length = src.extent[2] * src.extent[3];
  const bool dense = dst.dense_rows();
  if (!dense) s.row.resize(static_cast<std::size_t>(length));
  const std::int64_t outer = axis == 0 ? dst.extent[0] : dst.extent[0] * dst.extent[1];
  const std::int64_t inner = axis == 0 ? dst.extent[1] : 1;
  // D pass: output slice by slice; H pass: row by row (each sweep reads its inputs in order).
  for (std::int64_t a = 0; a < outer; ++a)
    for (std::int64_t b = 0; b < inner; ++b) {
      const std::int64_t d = axis == 0 ? a : a / dst.extent[1], h = axis == 0 ? b : a % dst.extent[1];
      const std::int64_t o = (axis == 0 ? d : h) + begin;
      const bool two = t.count[o] > 1;
      const std::int64_t from = t.first[o] - shift;
      const std::uint16_t* r0 = axis == 0 ? src.at(from, h, 0) : src.at(d, from, 0);
      const std::uint16_t* r1 = two ? r0 + src.stride[axis] : r0;
      const std::int32_t w0 = t.weights(o)[0], w1 = two ? t.weights(o)[1] : 0;
      if constexpr (sizeof(Dst) == 2) {
        kernels.wide_vertical_16(dst.at(d, h, 0), r0, r1, w0, w1, length, down);
      } else if (dense) {
        kernels.wide_vertical_8(dst.at(d, h, 0), r0, r1, w0, w1, length, down);
      } else {
        kernels.wide_vertical_8(s.row.data(), r0, r1, w0, w1, length, down);
        Dst* out = dst.at(d, h, 0);
        for (std::int64_t x = 0; x < src.extent[2]; ++x)
          for (std::int64_t c = 0; c < src.extent[3]; ++c) {
            out[x * dst.stride[2] + c * dst.stride[3]] = s.row[static_cast<std::size_t>(x * src.extent[3] + c)];
          }
      }
    }
}

}  // namespace resample::detail
