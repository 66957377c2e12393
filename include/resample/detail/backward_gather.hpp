// SPDX-License-Identifier: MIT
// The backward gather: every grad_input element of one (n, c) plane sums the grad_output values
// of the outputs that read it, in ATen's scatter order, with ATen's per-mode arithmetic:
//
//   nearest, nearest-exact  gi += g
//   linear family           gi += w * g, w = (wd * wh) * ww   (absent axes have weight 1, which
//                                                              leaves ATen's lh * lw and lw exact)
//   bicubic                 gi += (g * wh) * ww, x taps outer, y taps inner
//   antialias               gi += (ww * wh) * g
//   area                    gi += ((g / kd) / kh) / kw        (a division by 1 is exact)
//   area down to one pixel  gi += g / count                   (ATen's mean() backward)
//   bicubic, same size      gi = g                            (ATen copies)
//
// Outputs are visited in row-major order (D, then H, then W groups nested), and inside one output
// the taps in the order ATen's loops give them, so each element receives exactly ATen's terms in
// ATen's order and the sums agree bit for bit, whatever the split over threads.
#pragma once

#include <array>
#include <cstdint>

#include "backward_tables.hpp"
#include "config.hpp"

RESAMPLE_BEGIN_EXACT_MATH
namespace resample::detail {

enum class backward_rule { sum, linear, cubic, antialias, area, mean, copy };

/// Strided access to one (n, c) plane, spatial axes padded to D, H, W.
template <class T>
struct plane_ref {
  T* data = nullptr;
  std::array<std::int64_t, 3> stride{0, 0, 0};
};

template <backward_rule Rule, class T>
T gather_one(const std::array<const backward_axis<T>*, 3>& axes, const plane_ref<const T>& go,
             const std::array<std::int64_t, 3>& i, T count) {
  const backward_axis<T>& ad = *axes[0];
  const backward_axis<T>& ah = *axes[1];
  const backward_axis<T>& aw = *axes[2];
  T acc = T(0);
  for (std::int64_t gd = ad.group_begin[i[0]]; gd < ad.group_begin[i[0] + 1]; ++gd) {
    const T* go_d = go.data + ad.group_output[gd] * go.stride[0];
    for (std::int64_t gh = ah.group_begin[i[1]]; gh < ah.group_begin[i[1] + 1]; ++gh) {
      const T* go_h = go_d + ah.group_output[gh] * go.stride[1];
      for (std::int64_t gw = aw.group_begin[i[2]]; gw < aw.group_begin[i[2] + 1]; ++gw) {
        const T g = go_h[aw.group_output[gw] * go.stride[2]];
        const std::int64_t d0 = ad.tap_begin[gd], d1 = ad.tap_begin[gd + 1];
        const std::int64_t h0 = ah.tap_begin[gh], h1 = ah.tap_begin[gh + 1];
        const std::int64_t w0 = aw.tap_begin[gw], w1 = aw.tap_begin[gw + 1];
        if constexpr (Rule == backward_rule::sum) {
          // One tap per group: the nearest index of an output is unique.
          acc += g;
        } else if constexpr (Rule == backward_rule::linear) {
          for (std::int64_t td = d0; td < d1; ++td) {
            for (std::int64_t th = h0; th < h1; ++th) {
              const T wdh = ad.weight[td] * ah.weight[th];
              for (std::int64_t tw = w0; tw < w1; ++tw) acc += (wdh * aw.weight[tw]) * g;
            }
          }
        } else if constexpr (Rule == backward_rule::cubic) {
          for (std::int64_t tw = w0; tw < w1; ++tw) {
            for (std::int64_t th = h0; th < h1; ++th) acc += (g * ah.weight[th]) * aw.weight[tw];
          }
        } else if constexpr (Rule == backward_rule::antialias) {
          for (std::int64_t th = h0; th < h1; ++th) {
            for (std::int64_t tw = w0; tw < w1; ++tw) acc += (aw.weight[tw] * ah.weight[th]) * g;
          }
        } else if constexpr (Rule == backward_rule::area) {
          // One tap per group: an input lies in an output's window once.
          acc += ((g / ad.weight[d0]) / ah.weight[h0]) / aw.weight[w0];
        } else if constexpr (Rule == backward_rule::mean) {
          acc += g / count;
        } else {
          acc = g;
        }
      }
    }
  }
  return acc;
}

template <class T>
T gather_one(backward_rule rule, const std::array<const backward_axis<T>*, 3>& axes, const plane_ref<const T>& go,
             const std::array<std::int64_t, 3>& i, T count) {
  switch (rule) {
    case backward_rule::sum: return gather_one<backward_rule::sum, T>(axes, go, i, count);
    case backward_rule::linear: return gather_one<backward_rule::linear, T>(axes, go, i, count);
    case backward_rule::cubic: return gather_one<backward_rule::cubic, T>(axes, go, i, count);
    case backward_rule::antialias: return gather_one<backward_rule::antialias, T>(axes, go, i, count);
    case backward_rule::area: return gather_one<backward_rule::area, T>(axes, go, i, count);
    case backward_rule::mean: return gather_one<backward_rule::mean, T>(axes, go, i, count);
    case backward_rule::copy: return gather_one<backward_rule::copy, T>(axes, go, i, count);
  }
  return T(0);
}

/// Computes grad_input elements [begin, end) (row-major over D, H, W) of one plane.
template <backward_rule Rule, class T>
void gather_range(const std::array<const backward_axis<T>*, 3>& axes, const plane_ref<const T>& go,
                  const plane_ref<T>& gi, std::int64_t begin, std::int64_t end, T count) {
  const std::int64_t in_h = axes[1]->in;
  const std::int64_t in_w = axes[2]->in;
  std::array<std::int64_t, 3> i{begin / (in_h * in_w), (begin / in_w) % in_h, begin % in_w};
  for (std::int64_t k = begin; k < end; ++k) {
    gi.data[i[0] * gi.stride[0] + i[1] * gi.stride[1] + i[2] * gi.stride[2]] = gather_one<Rule, T>(axes, go, i, count);
    if (++i[2] == in_w) {
      i[2] = 0;
      if (++i[1] == in_h) {
        i[1] = 0;
        ++i[0];
      }
    }
  }
}

template <class T>
void gather_range(backward_rule rule, const std::array<const backward_axis<T>*, 3>& axes,
                  const plane_ref<const T>& go, const plane_ref<T>& gi, std::int64_t begin, std::int64_t end,
                  T count) {
  switch (rule) {
    case backward_rule::sum: return gather_range<backward_rule::sum, T>(axes, go, gi, begin, end, count);
    case backward_rule::linear: return gather_range<backward_rule::linear, T>(axes, go, gi, begin, end, count);
    case backward_rule::cubic: return gather_range<backward_rule::cubic, T>(axes, go, gi, begin, end, count);
    case backward_rule::antialias: return gather_range<backward_rule::antialias, T>(axes, go, gi, begin, end, count);
    case backward_rule::area: return gather_range<backward_rule::area, T>(axes, go, gi, begin, end, count);
    case backward_rule::mean: return gather_range<backward_rule::mean, T>(axes, go, gi, begin, end, count);
    case backward_rule::copy: return gather_range<backward_rule::copy, T>(axes, go, gi, begin, end, count);
  }
}

}  // namespace resample::detail
RESAMPLE_END_EXACT_MATH
