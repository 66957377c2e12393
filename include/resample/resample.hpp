// SPDX-License-Identifier: MIT
// resample: PyTorch's F.interpolate for C++ strided views, header-only.
//
//   #include <resample/resample.hpp>
//   resample::options opts;
//   opts.mode = resample::mode::bilinear;
//   opts.scale_factor = {2.0};
//   resample::tensor<float> y = resample::interpolate(x_view, opts);
#pragma once

#include "backward.hpp"
#include "error.hpp"
#include "fusion.hpp"
#include "half.hpp"
#include "instruction_set.hpp"
#include "interpolate.hpp"
#include "options.hpp"
#include "output_size.hpp"
#include "parallel.hpp"
#include "plan.hpp"
#include "pyramid.hpp"
#include "tensor.hpp"
#include "thread_pool.hpp"
#include "version.hpp"
#include "view.hpp"
