// SPDX-License-Identifier: MIT
// The engine behind the fusion functions: the Laplacian pyramids of a stack of images, fused
// level by level by a rule that folds one image's row at a time into the fused row, then
// collapsed.
//
// With pyr_down / pyr_up (the default filters) no Laplacian level is stored. Only the images'
// Gaussian levels 1.. are built; then one pass per level, from the top down, streams pyr_up
// rings over level l + 1 of every image and over the collapsed sum of the levels above: each
// image's Laplacian rows (G_l - up(G_l+1)) are made in scratch rows and folded into the fused
// rows, to which the upsampled sum is added before they are stored (level 0: in the output).
// That is the level-by-level construction (Laplacian pyramids, the rule on each level,
// collapse) with the same operations in the same order, so it gives the same bits, whatever the
// split over threads, while level 0 (three quarters of the data) never goes through memory
// except as input and output. The images' level 0 is read in place or a row at a time (strided
// columns gathered, uint8 widened). Interpolate `up` filters take the level-by-level path.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "../pyramid.hpp"
#include "fusion_kernels.hpp"

namespace resample::detail {

/// Folds a whole level whose rows are stored: fused row = fold of image_row(i, n, c, y, scratch)
/// over the images, written through `out`.
template <class W, class ImageRow, class Out, class Fold>
void fold_stored_level(int level, std::size_t count, const dims& shape, const ImageRow& image_row,
                       const row_sink<W, Out>& out, const Fold& fold, const execution& exec) {
  const index_t width = shape[3];
  for_each_row(exec, shape[0], shape[1], shape[2], width * static_cast<index_t>(count),
               [&](index_t n, index_t c, index_t y) {
                 thread_local std::vector<W> scratch;
                 scratch.resize(static_cast<std::size_t>(2 * width));
                 W* fused = out.target(n, c, y, scratch.data());
                 for (std::size_t i = 0; i < count; ++i) {
                   fold(level, i, n, c, y, image_row(i, n, c, y, scratch.data() + width), fused, width);
                 }
                 if (!out.direct()) out.commit(n, c, y, fused);
               });
}

/// One streaming pass: level `level` of the result, from level + 1 of every image (`above[i]`),
/// the images' rows of this level (`bases[i]`) and the collapsed sum of the levels above
/// (`sum_above`), written through `out`. Tasks are (plane, band of rows of level + 1).
template <class W, class B, class Out, class Fold>
class fuse_pass {
 public:
  fuse_pass(int level, std::vector<tensor_view<const W>> above, std::vector<row_source<W, B>> bases,
            const tensor_view<const W>& sum_above, const row_sink<W, Out>& out, const Fold& fold, const execution& exec)
      : level_(level), above_(std::move(above)), bases_(std::move(bases)), sum_above_(sum_above), out_(out),
        fold_(&fold), k_(pyramid_kernels_for<W>(exec.isa)) {
    const index_t count = static_cast<index_t>(above_.size());
    split_ = split_bands(exec, sum_above.extent(0) * sum_above.extent(1), sum_above.extent(2),
                         2 * out.view.extent(3) * (count + 1), 4);
  }

  const band_split& split() const { return split_; }

  void run(std::int64_t task) const {
    const std::size_t count = above_.size();
    const index_t channels = sum_above_.extent(1), sh = sum_above_.extent(2), sw = sum_above_.extent(3);
    const index_t dh = out_.view.extent(2), dw = out_.view.extent(3);
    const std::int64_t plane = task / split_.bands;
    const index_t n = plane / channels, c = plane % channels;
    const index_t y0 = (task % split_.bands) * split_.per_band, y1 = std::min(y0 + split_.per_band, sh);
    const index_t room = up_ring<W>::row_room(sw, dw);
    thread_local std::vector<W> ring_rows, scratch;
    thread_local std::vector<up_ring<W>> rings;
    ring_rows.resize((count + 1) * 3 * static_cast<std::size_t>(room));
    scratch.resize(static_cast<std::size_t>(8 * dw));
    rings.resize(count + 1);
    for (std::size_t i = 0; i <= count; ++i) rings[i].start(ring_rows.data() + i * 3 * room, room, y0);
    W* const base_even = scratch.data();
    W* const base_odd = base_even + dw;
    W* const detail_even = base_odd + dw;
    W* const detail_odd = detail_even + dw;
    W* const fused_even = detail_odd + dw;
    W* const fused_odd = fused_even + dw;
    W* const staged_even = fused_odd + dw;
    W* const staged_odd = staged_even + dw;
    const Fold& fold = *fold_;
    for_each_up_row_pair(y0, y1, sh, dh, [&](index_t y, index_t even_row, index_t odd_row) {
      const bool has_odd = odd_row >= 0;
      for (std::size_t i = 0; i < count; ++i) {
        up_ring<W>& ring = rings[i];
        ring.advance(y, sh, sw, dw, k_, [&](index_t r) { return row_pointer(above_[i], n, c, r); });
        const W* even_base = bases_[i].row(n, c, even_row, base_even);
        const W* odd_base = has_odd ? bases_[i].row(n, c, odd_row, base_odd) : nullptr;
        k_.up_column(ring.row(y - 1), ring.row(y), ring.row(y + 1), detail_even, has_odd ? detail_odd : nullptr,
                     even_base, odd_base, dw, up_epilogue::subtract_from_base);
        fold(level_, i, n, c, even_row, detail_even, fused_even, dw);
        if (has_odd) fold(level_, i, n, c, odd_row, detail_odd, fused_odd, dw);
      }
      up_ring<W>& sum_ring = rings[count];
      sum_ring.advance(y, sh, sw, dw, k_, [&](index_t r) { return row_pointer(sum_above_, n, c, r); });
      W* even = out_.target(n, c, even_row, staged_even);
      W* odd = has_odd ? out_.target(n, c, odd_row, staged_odd) : nullptr;
      k_.up_column(sum_ring.row(y - 1), sum_ring.row(y), sum_ring.row(y + 1), even, odd, fused_even,
                   has_odd ? fused_odd : nullptr, dw, up_epilogue::add_to_base);
      if (!out_.direct()) {
        out_.commit(n, c, even_row, even);
        if (has_odd) out_.commit(n, c, odd_row, odd);
      }
    });
  }

 private:
  int level_;
  std::vector<tensor_view<const W>> above_;
  std::vector<row_source<W, B>> bases_;
  tensor_view<const W> sum_above_;
  row_sink<W, Out> out_;
  const Fold* fold_;
  pyramid_kernel_set<W> k_;
  band_split split_;
};

/// The level-by-level construction: every image's Laplacian pyramid, the fold on each level,
/// collapse. For interpolate `up` filters, which work on whole levels.
template <class W, class S, class Out, class Fold>
void fuse_stored_pyramids(const std::vector<row_source<W, S>>& images, const std::vector<dims>& shapes,
                          const pyramid_options& popts, const row_sink<W, Out>& output, const Fold& fold,
                          const execution& exec) {
  std::vector<pyramid<W>> laps;
  for (const row_source<W, S>& image : images) {
    laps.emplace_back(shapes, popts, std::nullopt, false);
    fill_laplacian(laps.back(), image, popts, exec);
  }
  pyramid<W> fused(shapes, popts, std::nullopt, false);
  std::vector<tensor_view<const W>> levels(images.size());
  for (int l = 0; l < fused.levels(); ++l) {
    for (std::size_t i = 0; i < images.size(); ++i) levels[i] = laps[i].level(l);
    const auto image_row = [&](std::size_t i, index_t n, index_t c, index_t y, W*) {
      return row_pointer(levels[i], n, c, y);
    };
    fold_stored_level(l, images.size(), shapes[l], image_row, row_sink<W>{fused.mutable_level(l)}, fold, exec);
  }
  collapse_in_place(fused, output, exec);
}

/// Fuses the Laplacian pyramids of `images` (one shape; `shapes` its pyramid's levels, `popts`
/// their filters) with `fold` and collapses the result into `output`.
/// fold(level, image, n, c, y, detail, fused, width) folds image `image`'s Laplacian row (n, c, y)
/// of `level` into the fused row (image 0 initialises it); it runs concurrently on different rows.
template <class W, class S, class Out, class Fold>
void fuse_pyramids(const std::vector<row_source<W, S>>& images, const std::vector<dims>& shapes,
                   const pyramid_options& popts, const row_sink<W, Out>& output, const Fold& fold,
                   const execution& exec) {
  if constexpr (!std::is_same_v<S, W>) {
    if (popts.down) {  // interpolate reads views of W: widen the images first
      std::vector<tensor<W>> copies;
      std::vector<row_source<W>> widened;
      for (const row_source<W, S>& image : images) copies.push_back(widened_copy(image.view, image.scale));
      for (const tensor<W>& copy : copies) widened.push_back(row_source<W>{copy.view()});
      fuse_pyramids(widened, shapes, popts, output, fold, exec);
      return;
    }
  }
  if (popts.up) {
    fuse_stored_pyramids(images, shapes, popts, output, fold, exec);
    return;
  }
  const std::size_t count = images.size();
  const int top = static_cast<int>(shapes.size()) - 1;
  if (top == 0) {
    const auto image_row = [&](std::size_t i, index_t n, index_t c, index_t y, W* scratch) {
      return images[i].row(n, c, y, scratch);
    };
    fold_stored_level(0, count, shapes[0], image_row, output, fold, exec);
    return;
  }
  // Gaussian levels 1.. of every image, and the collapsed sums of levels 1..: index l - 1 holds level l.
  const std::vector<dims> coarse_shapes(shapes.begin() + 1, shapes.end());
  std::vector<pyramid<W>> gaussians;
  for (std::size_t i = 0; i < count; ++i) gaussians.emplace_back(coarse_shapes, popts, std::nullopt, false);
  std::vector<std::vector<tensor_view<W>>> levels;
  for (pyramid<W>& g : gaussians) levels.push_back(levels_from(g, 0));
  gaussian_levels(images, levels, popts, exec);
  pyramid<W> sums(coarse_shapes, popts, std::nullopt, false);
  std::vector<tensor_view<const W>> coarser(count);
  for (std::size_t i = 0; i < count; ++i) coarser[i] = gaussians[i].level(top - 1);
  const auto top_row = [&](std::size_t i, index_t n, index_t c, index_t y, W*) {
    return row_pointer(coarser[i], n, c, y);
  };
  fold_stored_level(top, count, shapes[top], top_row, row_sink<W>{sums.mutable_level(top - 1)}, fold, exec);
  // Levels top - 1 .. 1 into the sums, then level 0 into the output, in one parallel_steps.
  std::vector<fuse_pass<W, W, W, Fold>> upper;
  for (int l = top - 1; l >= 1; --l) {
    std::vector<row_source<W>> finer(count);
    for (std::size_t i = 0; i < count; ++i) {
      finer[i] = row_source<W>{gaussians[i].level(l - 1)};
      coarser[i] = gaussians[i].level(l);
    }
    upper.emplace_back(l, coarser, std::move(finer), sums.level(l), row_sink<W>{sums.mutable_level(l - 1)}, fold,
                       exec);
  }
  for (std::size_t i = 0; i < count; ++i) coarser[i] = gaussians[i].level(0);
  const fuse_pass<W, S, Out, Fold> finest(0, coarser, images, sums.level(0), output, fold, exec);
  const std::size_t last = upper.size();
  parallel_steps(
      exec, static_cast<int>(last + 1),
      [&](int step) -> const band_split& {
        return static_cast<std::size_t>(step) < last ? upper[static_cast<std::size_t>(step)].split() : finest.split();
      },
      [&](int step, std::int64_t task) {
        if (static_cast<std::size_t>(step) < last) {
          upper[static_cast<std::size_t>(step)].run(task);
        } else {
          finest.run(task);
        }
      });
}

/// The fold of per-pixel weights: fused (+)= detail * weight, the weight row from level `level`
/// of image i's weight pyramid (one channel shared by all, or one per channel).
template <class W>
struct weighted_fold {
  std::vector<std::vector<tensor_view<const W>>> weights;  // [image][level]
  fusion_loops<W> loops;

  weighted_fold(const std::vector<pyramid<W>>& pyramids, instruction_set isa) : loops(fusion_loops_for<W>(isa)) {
    for (const pyramid<W>& p : pyramids) {
      weights.emplace_back();
      for (int l = 0; l < p.levels(); ++l) weights.back().push_back(p.level(l));
    }
  }

  void operator()(int level, std::size_t i, index_t n, index_t c, index_t y, const W* detail, W* fused,
                  index_t width) const {
    const tensor_view<const W>& w = weights[i][static_cast<std::size_t>(level)];
    const W* row = row_pointer(w, n, w.extent(1) == 1 ? 0 : c, y);
    if (i == 0) {
      loops.weighted(fused, detail, row, width);
    } else {
      loops.accumulate_weighted(fused, detail, row, width);
    }
  }
};

}  // namespace resample::detail
