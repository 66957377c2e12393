// SPDX-License-Identifier: MIT
// Must NOT compile: input and output views of different element types are refused with a
// message that names the fix (checked by expect_compile_error.cmake).
#include <resample/resample.hpp>

int main() {
  float input[16] = {};
  resample::float16 output[64];
  resample::options opts;
  opts.scale_factor = {2.0};
  resample::interpolate(resample::tensor_view<const float>(input, {1, 1, 4, 4}),
                        resample::tensor_view<resample::float16>(output, {1, 1, 8, 8}), opts);
}
