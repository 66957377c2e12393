// SPDX-License-Identifier: MIT
#pragma once

#define RESAMPLE_VERSION_MAJOR 0
#define RESAMPLE_VERSION_MINOR 1
#define RESAMPLE_VERSION_PATCH 0

namespace resample {
inline constexpr const char* version_string = "0.1.0";
}
