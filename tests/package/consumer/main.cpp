// SPDX-License-Identifier: MIT
// Consumer of the resample package: one bilinear resize through the view API and the same
// through the Eigen adapter; prints "resample <version> consumer: ok" and exits 0 when both are right.
#include <resample/eigen.hpp>
#include <resample/resample.hpp>

#include <cstdio>
#include <utility>

int main() {
  Eigen::Tensor<float, 4, Eigen::RowMajor> image(1, 1, 2, 2);
  image.setValues({{{{0.0f, 1.0f}, {2.0f, 3.0f}}}});

  resample::options opts;
  opts.mode = resample::mode::bilinear;
  opts.size = {3, 3};
  opts.align_corners = true;

  const resample::tensor<float> from_view = resample::interpolate(resample::as_view(std::as_const(image)), opts);
  const Eigen::Tensor<float, 4, Eigen::RowMajor> from_eigen = resample::interpolate(image, opts);

  // align_corners=True keeps the corners and puts the new samples exactly halfway between them.
  const float expected[9] = {0.0f, 0.5f, 1.0f, 1.0f, 1.5f, 2.0f, 2.0f, 2.5f, 3.0f};
  if (from_view.extents() != resample::dims{1, 1, 3, 3} || from_eigen.size() != 9) {
    std::printf("resample consumer: wrong output shape\n");
    return 1;
  }
  for (int i = 0; i < 9; ++i) {
    if (from_view.data()[i] != expected[i] || from_eigen.data()[i] != expected[i]) {
      std::printf("resample consumer: element %d is %g (view) and %g (Eigen), expected %g\n", i,
                  static_cast<double>(from_view.data()[i]), static_cast<double>(from_eigen.data()[i]),
                  static_cast<double>(expected[i]));
      return 1;
    }
  }
  std::printf("resample %s consumer: ok\n", resample::version_string);
  return 0;
}
