// SPDX-License-Identifier: MIT
// fuse: fuses several photographs of one scene through Laplacian pyramids and writes a PNG.
//
//   fuse OUT.png IN1.png IN2.png ... [--rule average|max|mertens] [--levels N] [--mask MASK.png]
//
//   --rule average   weighted average (equal weights; with --mask, a per-pixel blend: MASK.png's
//                    gray value / 255 weights IN1, the rest IN2; exactly two inputs)  [default]
//   --rule max       largest detail at every level (multi-focus fusion)
//   --rule mertens   Mertens exposure fusion (as OpenCV's MergeMertens; inputs of one scene at
//                    several exposures)
//   --levels N       pyramid levels (default: as many as the image allows; mertens picks its own)
//
// Reads PNG or JPEG (8-bit, converted to RGB), writes an 8-bit RGB PNG. Images of a megapixel or
// more get a progress line per stage. On any error: a message on stderr, exit status 2 for bad
// arguments and 1 otherwise, and OUT.png is neither created nor changed (the result goes to a
// temporary file beside it, renamed into place only when complete).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include <resample/resample.hpp>

namespace {

using resample::dims;
using resample::index_t;

/// A mistake on the command line (exit status 2).
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* const usage =
    "usage: fuse OUT.png IN1.png IN2.png ... [--rule average|max|mertens] [--levels N] [--mask MASK.png]\n";

struct arguments {
  std::string output;
  std::vector<std::string> inputs;
  std::string rule = "average";
  int levels = 0;
  std::string mask;
};

arguments parse(int argc, char** argv) {
  arguments a;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_value = true;
    }
    const auto next = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) throw usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(0);
    } else if (arg == "--rule") {
      a.rule = next();
      if (a.rule != "average" && a.rule != "max" && a.rule != "mertens") {
        throw usage_error("unknown rule '" + a.rule + "'; expected average, max or mertens");
      }
    } else if (arg == "--levels") {
      const std::string text = next();
      std::size_t used = 0;
      int n = -1;
      try {
        n = std::stoi(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || n < 1) throw usage_error("--levels: '" + text + "' is not a positive integer");
      a.levels = n;
    } else if (arg == "--mask") {
      a.mask = next();
    } else if (arg.rfind("--", 0) == 0) {
      throw usage_error("unknown option '" + arg + "'");
    } else {
      files.push_back(arg);
    }
  }
  if (files.size() < 3) throw usage_error("need OUT.png and at least two input images");
  a.output = files[0];
  a.inputs.assign(files.begin() + 1, files.end());
  if (!a.mask.empty() && a.rule != "average") throw usage_error("--mask goes with --rule average only");
  if (!a.mask.empty() && a.inputs.size() != 2) throw usage_error("--mask needs exactly two input images");
  if (a.rule == "mertens" && a.levels != 0) throw usage_error("--levels does not apply to --rule mertens");
  return a;
}

struct stb_deleter {
  void operator()(stbi_uc* p) const noexcept { stbi_image_free(p); }
};

/// Reads an image as `channels` 8-bit channels into 1 x channels x H x W floats in [0, 1]
/// (value * (1/255), the conversion OpenCV's MergeMertens applies).
resample::tensor<float> read_image(const std::string& path, int channels) {
  int width = 0, height = 0, found = 0;
  std::unique_ptr<stbi_uc, stb_deleter> pixels(stbi_load(path.c_str(), &width, &height, &found, channels));
  if (!pixels) throw std::runtime_error("cannot read image " + path + ": " + stbi_failure_reason());
  resample::tensor<float> image({1, channels, height, width});
  const std::size_t plane = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  for (std::size_t i = 0; i < plane; ++i) {
    for (int c = 0; c < channels; ++c) {
      image.data()[static_cast<std::size_t>(c) * plane + i] =
          static_cast<float>(pixels.get()[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)]) *
          (1.0f / 255.0f);
    }
  }
  return image;
}

/// Removes the temporary file unless release() was called after a successful rename.
class temporary_file {
 public:
  explicit temporary_file(const std::filesystem::path& target) {
    std::random_device entropy;
    path_ = target;
    path_ += ".tmp-" + std::to_string(entropy()) + ".png";
  }
  temporary_file(const temporary_file&) = delete;
  temporary_file& operator=(const temporary_file&) = delete;
  ~temporary_file() {
    if (!released_) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  const std::filesystem::path& path() const { return path_; }
  void release() { released_ = true; }

 private:
  std::filesystem::path path_;
  bool released_ = false;
};

void write_png(const std::string& target, const resample::tensor<float>& image) {
  const int height = static_cast<int>(image.extent(2)), width = static_cast<int>(image.extent(3));
  const std::size_t plane = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  std::vector<std::uint8_t> rgb(plane * 3);
  for (std::size_t i = 0; i < plane; ++i) {
    for (std::size_t c = 0; c < 3; ++c) {
      const float v = image.data()[c * plane + i] * 255.0f;
      rgb[i * 3 + c] = static_cast<std::uint8_t>(std::nearbyint(std::min(255.0f, std::max(0.0f, v))));
    }
  }
  temporary_file temporary(target);
  if (!stbi_write_png(temporary.path().string().c_str(), width, height, 3, rgb.data(), width * 3)) {
    throw std::runtime_error("cannot write " + temporary.path().string());
  }
  std::error_code ec;
  std::filesystem::rename(temporary.path(), target, ec);
  if (ec) throw std::runtime_error("cannot write " + target + ": " + ec.message());
  temporary.release();
}

int run(const arguments& a) {
  const auto start = std::chrono::steady_clock::now();
  bool verbose = false;
  const auto progress = [&](const std::string& stage) {
    if (!verbose) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("fuse: [%6.2f s] %s\n", seconds, stage.c_str());
    std::fflush(stdout);
  };

  std::vector<resample::tensor<float>> images;
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    images.push_back(read_image(a.inputs[i], 3));
    if (i == 0) verbose = images[0].extent(2) * images[0].extent(3) >= (1 << 20);
    if (images[i].extents() != images[0].extents()) {
      throw std::runtime_error(a.inputs[i] + " is " + std::to_string(images[i].extent(3)) + "x" +
                               std::to_string(images[i].extent(2)) + " but " + a.inputs[0] + " is " +
                               std::to_string(images[0].extent(3)) + "x" + std::to_string(images[0].extent(2)) +
                               "; all images must have one size");
    }
  }
  const dims shape = images[0].extents();
  progress("read " + std::to_string(images.size()) + " images of " + std::to_string(shape[3]) + "x" +
           std::to_string(shape[2]));
  std::vector<resample::tensor_view<const float>> views;
  for (const auto& image : images) views.push_back(image.view());

  resample::pyramid_options popts;
  popts.levels = a.levels;
  resample::tensor<float> fused;
  if (a.rule == "mertens") {
    progress("exposure fusion (Mertens): weights, " + std::to_string(resample::mertens_levels(shape[2], shape[3])) +
             " pyramid levels, collapse");
    fused = resample::merge_mertens(views);
  } else if (a.rule == "max") {
    progress("Laplacian pyramids, max-abs rule, collapse");
    fused = resample::fuse_max_abs(views, popts);
  } else if (!a.mask.empty()) {
    resample::tensor<float> mask = read_image(a.mask, 1);
    if (mask.extent(2) != shape[2] || mask.extent(3) != shape[3]) {
      throw std::runtime_error("the mask " + a.mask + " is " + std::to_string(mask.extent(3)) + "x" +
                               std::to_string(mask.extent(2)) + " but the images are " + std::to_string(shape[3]) +
                               "x" + std::to_string(shape[2]));
    }
    resample::tensor<float> complement(mask.extents());
    for (std::size_t i = 0; i < mask.size(); ++i) complement.data()[i] = 1.0f - mask.data()[i];
    progress("mask blend: Laplacian pyramids of the images, Gaussian pyramids of the mask, collapse");
    fused = resample::fuse_weighted(views, {mask.view(), complement.view()}, popts);
  } else {
    progress("Laplacian pyramids, average, collapse");
    fused = resample::fuse_average(views, {}, popts);
  }
  progress("writing " + a.output);
  write_png(a.output, fused);
  progress("done");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  arguments a;
  try {
    a = parse(argc, argv);
  } catch (const usage_error& e) {
    std::cerr << "error: " << e.what() << "\n" << usage;
    return 2;
  }
  try {
    return run(a);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
