// SPDX-License-Identifier: MIT
// demo: resamples a real photograph with several modes, writes the results as PNG files and shows
// them side by side in the terminal (24-bit colour, two pixels per character cell).
//
//   demo [IMAGE] [OUTDIR]        IMAGE defaults to the committed examples/data/astronaut.png,
//                                OUTDIR to demo-output/ under the current directory
//   demo --preview | --no-preview   force the colour preview on or off (default: on for a terminal)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(_WIN32)
#include <io.h>
#define RESAMPLE_DEMO_ISATTY(fd) _isatty(fd)
#else
#include <sys/ioctl.h>
#include <unistd.h>
#define RESAMPLE_DEMO_ISATTY(fd) isatty(fd)
#endif

#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include <resample/resample.hpp>

#ifndef RESAMPLE_DEMO_IMAGE
#define RESAMPLE_DEMO_IMAGE "examples/data/astronaut.png"
#endif

namespace {

using resample::dims;
using resample::index_t;

/// 8-bit RGB, interleaved row by row: what stb reads and writes, and what the terminal shows.
struct rgb_image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // height * width * 3
};

struct stb_deleter {
  void operator()(stbi_uc* p) const noexcept { stbi_image_free(p); }
};

/// The float tensor 1 x 3 x H x W (values 0..255) the float runs start from.
resample::tensor<float> to_planar(const rgb_image& image) {
  resample::tensor<float> planar({1, 3, image.height, image.width});
  const resample::tensor_view<float> view = planar.view();
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        view(0, c, y, x) = image.pixels[(static_cast<std::size_t>(y) * image.width + x) * 3 + c];
      }
    }
  }
  return planar;
}

/// Back to 8 bits: bicubic overshoots below 0 and above 255 (as PyTorch's does), so clamp, then
/// round half to even like torch.round.
rgb_image to_rgb(resample::tensor_view<const float> planar) {
  rgb_image image;
  image.height = static_cast<int>(planar.extent(2));
  image.width = static_cast<int>(planar.extent(3));
  image.pixels.resize(static_cast<std::size_t>(image.width) * image.height * 3);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        const float v = std::min(255.0f, std::max(0.0f, planar(0, c, y, x)));
        image.pixels[(static_cast<std::size_t>(y) * image.width + x) * 3 + c] =
            static_cast<std::uint8_t>(std::nearbyint(v));
      }
    }
  }
  return image;
}

std::string format_shape(const dims& shape) {
  std::string text = "[";
  for (std::size_t r = 0; r < shape.size(); ++r) text += (r ? ", " : "") + std::to_string(shape[r]);
  return text + "]";
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << value;
  return out.str();
}

// ---- statistics: one line per run ------------------------------------------------------------

struct value_range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  std::size_t clamped = 0;  // values outside [0, 255]
  std::size_t count = 0;
};

value_range range_of(const resample::tensor<float>& t) {
  value_range r;
  for (float v : t.values()) {
    r.low = std::min(r.low, static_cast<double>(v));
    r.high = std::max(r.high, static_cast<double>(v));
    if (v < 0.0f || v > 255.0f) ++r.clamped;
  }
  r.count = t.size();
  return r;
}

std::string describe_range(const resample::tensor<float>& t) {
  const value_range r = range_of(t);
  std::string text = "range [" + fixed(r.low, 1) + ", " + fixed(r.high, 1) + "], ";
  if (r.clamped == 0) return text + "nothing to clamp";
  return text + std::to_string(r.clamped) + " of " + std::to_string(r.count) + " values clamped to [0, 255]";
}

/// Peak signal-to-noise ratio of `a` against `reference`, in dB (same shapes).
double psnr(const resample::tensor<float>& a, const resample::tensor<float>& reference) {
  double squared = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a.values()[i]) - reference.values()[i];
    squared += d * d;
  }
  const double mse = squared / static_cast<double>(a.size());
  return mse == 0.0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::string describe_mean(resample::tensor_view<const float> t) {
  double sum[3] = {0, 0, 0};
  for (index_t y = 0; y < t.extent(2); ++y) {
    for (index_t x = 0; x < t.extent(3); ++x) {
      for (int c = 0; c < 3; ++c) sum[c] += t(0, c, y, x);
    }
  }
  const double n = static_cast<double>(t.extent(2) * t.extent(3));
  return "(" + fixed(sum[0] / n, 2) + ", " + fixed(sum[1] / n, 2) + ", " + fixed(sum[2] / n, 2) + ")";
}

// ---- running and timing ----------------------------------------------------------------------

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

struct timed_result {
  resample::tensor<float> values;
  double ms = 0.0;
};

/// How often each run is repeated; the best time is reported, since the first call of a kind
/// also pays for page faults and for starting the library's worker threads.
constexpr int timing_repeats = 5;

/// One call of the library, timed: plan (validation and weight tables) plus execution.
timed_result run_float(resample::tensor_view<const float> input, const resample::options& opts) {
  timed_result result;
  result.ms = std::numeric_limits<double>::infinity();
  for (int repeat = 0; repeat < timing_repeats; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    resample::tensor<float> out = resample::interpolate(input, opts);
    result.ms = std::min(result.ms, elapsed_ms(start));
    result.values = std::move(out);
  }
  return result;
}

resample::options make_options(resample::mode mode, std::vector<double> scale, bool antialias = false) {
  resample::options opts;
  opts.mode = mode;
  opts.scale_factor = std::move(scale);
  opts.antialias = antialias;
  return opts;
}

// ---- terminal preview ------------------------------------------------------------------------

struct panel {
  std::string caption;
  rgb_image image;
};

/// Shrinks `image` to at most `max_width` pixels across for the preview, with the library run
/// directly on the interleaved bytes seen as a channels-last view: area averages (right for a
/// photo), nearest keeps the blocks of a nearest-upscaled image visible as blocks.
rgb_image fit_width(const rgb_image& image, int max_width, resample::mode shrink) {
  if (image.width <= max_width) return image;
  const int width = std::max(1, max_width);
  const int height =
      std::max(1, static_cast<int>(std::lround(static_cast<double>(image.height) * width / image.width)));
  rgb_image small;
  small.width = width;
  small.height = height;
  small.pixels.resize(static_cast<std::size_t>(width) * height * 3);
  resample::options opts;
  opts.mode = shrink;
  opts.size = {height, width};
  const dims in_extents{1, 3, image.height, image.width};
  const dims out_extents{1, 3, height, width};
  if (shrink == resample::mode::area) {
    std::vector<float> source(image.pixels.begin(), image.pixels.end());
    std::vector<float> target(small.pixels.size());
    resample::interpolate<float>(resample::channels_last_view<const float>(source.data(), in_extents),
                                 resample::channels_last_view(target.data(), out_extents), opts);
    for (std::size_t i = 0; i < target.size(); ++i) {
      small.pixels[i] = static_cast<std::uint8_t>(std::nearbyint(std::min(255.0f, std::max(0.0f, target[i]))));
    }
  } else {
    resample::interpolate<std::uint8_t>(resample::channels_last_view(image.pixels.data(), in_extents),
                                        resample::channels_last_view(small.pixels.data(), out_extents), opts);
  }
  return small;
}

int terminal_columns() {
#if !defined(_WIN32)
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
#endif
  if (const char* columns = std::getenv("COLUMNS")) {
    const int n = std::atoi(columns);
    if (n > 0) return n;
  }
  return 80;
}

/// Prints panels left to right, wrapping at the terminal width. Each character cell is the
/// upper-half block U+2580 with the top pixel as foreground and the bottom pixel as background.
/// Panels are shrunk to share one row, but never below `min_width` cells (they wrap instead)
/// and never above 64.
void show_panels(std::vector<panel> panels, int columns, int min_width = 16,
                 resample::mode shrink = resample::mode::area) {
  constexpr int gap = 2;
  const int count = static_cast<int>(panels.size());
  const int width = std::max(std::min(min_width, columns), std::min(64, (columns - gap * (count - 1)) / count));
  for (panel& p : panels) p.image = fit_width(p.image, width, shrink);

  std::size_t first = 0;
  while (first < panels.size()) {
    // As many panels as fit in the terminal width.
    std::size_t last = first;
    int used = panels[first].image.width;
    while (last + 1 < panels.size() && used + gap + panels[last + 1].image.width <= columns) {
      used += gap + panels[++last].image.width;
    }
    std::string out;
    for (std::size_t i = first; i <= last; ++i) {
      std::string caption = panels[i].caption.substr(0, static_cast<std::size_t>(panels[i].image.width));
      caption.resize(static_cast<std::size_t>(panels[i].image.width + (i < last ? gap : 0)), ' ');
      out += caption;
    }
    out += '\n';
    int rows = 0;
    for (std::size_t i = first; i <= last; ++i) rows = std::max(rows, panels[i].image.height);
    for (int y = 0; y < rows; y += 2) {
      for (std::size_t i = first; i <= last; ++i) {
        const rgb_image& im = panels[i].image;
        for (int x = 0; x < im.width; ++x) {
          if (y >= im.height) {
            out += ' ';
            continue;
          }
          const std::uint8_t* top = &im.pixels[(static_cast<std::size_t>(y) * im.width + x) * 3];
          char cell[64];
          if (y + 1 < im.height) {
            const std::uint8_t* bottom = top + static_cast<std::size_t>(im.width) * 3;
            std::snprintf(cell, sizeof cell, "\x1b[38;2;%d;%d;%dm\x1b[48;2;%d;%d;%dm\xe2\x96\x80", top[0], top[1],
                          top[2], bottom[0], bottom[1], bottom[2]);
          } else {
            std::snprintf(cell, sizeof cell, "\x1b[38;2;%d;%d;%dm\x1b[49m\xe2\x96\x80", top[0], top[1], top[2]);
          }
          out += cell;
        }
        out += "\x1b[0m";
        if (i < last) out.append(gap, ' ');
      }
      out += '\n';
    }
    std::cout << out << '\n';
    first = last + 1;
  }
}

// ---- the demo ----------------------------------------------------------------------------------

struct settings {
  std::string image_path = RESAMPLE_DEMO_IMAGE;
  std::string output_dir = "demo-output";
  int preview = -1;  // -1: when stdout is a terminal and NO_COLOR is unset
};

void write_png(const std::filesystem::path& path, const rgb_image& image) {
  if (!stbi_write_png(path.string().c_str(), image.width, image.height, 3, image.pixels.data(), image.width * 3)) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

/// Prints one result line and saves the PNG; returns the 8-bit image for the preview.
rgb_image report(const std::filesystem::path& dir, const std::string& label, const dims& in_shape,
                 const dims& out_shape, double ms, const std::string& statistic, const std::string& file,
                 const rgb_image& image) {
  write_png(dir / file, image);
  std::string name = label;
  name.resize(std::max<std::size_t>(name.size(), 20), ' ');
  std::string shapes = format_shape(in_shape) + " -> " + format_shape(out_shape);
  shapes.resize(std::max<std::size_t>(shapes.size(), 36), ' ');
  std::string time = fixed(ms, 3) + " ms";
  time.insert(0, time.size() < 10 ? 10 - time.size() : 0, ' ');
  std::cout << "  " << name << shapes << time << "  " << statistic << "\n"
            << "  " << std::string(20, ' ') << "-> " << (dir / file).string() << '\n';
  return image;
}

int run_demo(const settings& s) {
  int width = 0, height = 0, channels = 0;
  // Three components whatever the file holds, so grey and RGBA pictures work too.
  std::unique_ptr<stbi_uc, stb_deleter> loaded(stbi_load(s.image_path.c_str(), &width, &height, &channels, 3));
  if (!loaded) {
    throw std::runtime_error("cannot read " + s.image_path + ": " +
                             (stbi_failure_reason() ? stbi_failure_reason() : "unknown error"));
  }
  if (width < 8 || height < 8) throw std::runtime_error(s.image_path + " is smaller than 8x8 pixels");
  rgb_image photo;
  photo.width = width;
  photo.height = height;
  photo.pixels.assign(loaded.get(), loaded.get() + static_cast<std::size_t>(width) * height * 3);

  const std::filesystem::path dir = s.output_dir;
  std::filesystem::create_directories(dir);
  const bool preview =
      s.preview == 1 || (s.preview == -1 && RESAMPLE_DEMO_ISATTY(1) && std::getenv("NO_COLOR") == nullptr);
  const int columns = preview ? terminal_columns() : 80;

  const resample::tensor<float> planar = to_planar(photo);
  std::cout << "resample " << resample::version_string << " demo: " << s.image_path << " (" << width << "x" << height
            << " RGB, loaded as a float tensor " << format_shape(planar.extents()) << ")\n"
            << "PNG files go to " << dir.string() << "/; times are plan + execute, best of " << timing_repeats
            << " runs\n\n";
  if (preview) show_panels({{"the photograph", photo}}, columns);

  // 1. Upscaling a crop. The crop is a view into the photo: the same strides, an offset pointer.
  {
    const int size = std::min({24, width, height});
    // Where the astronaut's eyes are; any other picture gets the same relative spot.
    const int x0 = std::min(width - size, static_cast<int>(0.39 * width));
    const int y0 = std::min(height - size, static_cast<int>(0.148 * height));
    const resample::tensor_view<const float> crop(planar.data() + static_cast<std::size_t>(y0) * width + x0,
                                                  {1, 3, size, size}, planar.view().strides());
    float low = 255.0f, high = 0.0f;
    for (int c = 0; c < 3; ++c) {
      for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
          low = std::min(low, crop(0, c, y, x));
          high = std::max(high, crop(0, c, y, x));
        }
      }
    }
    // Interpolation overshoot is anything outside the crop's own range.
    std::cout << "[1] x4 upscaling of the " << size << "x" << size << " crop at (" << x0 << ", " << y0
              << "), values in [" << fixed(low, 1) << ", " << fixed(high, 1)
              << "]: a strided view into the photo, no copy\n";
    std::vector<panel> panels;
    const struct {
      resample::mode mode;
      const char* label;
      const char* file;
    } runs[] = {{resample::mode::nearest, "nearest", "crop_x4_nearest.png"},
                {resample::mode::bilinear, "bilinear", "crop_x4_bilinear.png"},
                {resample::mode::bicubic, "bicubic", "crop_x4_bicubic.png"}};
    for (const auto& r : runs) {
      timed_result out = run_float(crop, make_options(r.mode, {4.0}));
      rgb_image image = report(dir, r.label, crop.extents(), out.values.extents(), out.ms, describe_range(out.values),
                               r.file, to_rgb(out.values.view()));
      // Bilinear sits between the two; the preview compares the extremes at a readable size.
      if (r.mode != resample::mode::bilinear) panels.push_back({r.label, std::move(image)});
    }
    std::cout << '\n';
    // Shrinking with nearest keeps nearest's blocks blocks, and a smooth image stays smooth.
    if (preview) show_panels(panels, columns, 2 * size, resample::mode::nearest);
  }

  // 2. Downscaling by 8: plain bilinear reads 2x2 of every 8x8 block and aliases; antialias
  // widens the filter to cover the block; area averages it exactly. PSNR against area shows it.
  {
    std::cout << "[2] 1/8 downscaling of the whole photo (PSNR against the area average)\n";
    const timed_result area = run_float(planar.view(), make_options(resample::mode::area, {0.125}));
    const timed_result plain = run_float(planar.view(), make_options(resample::mode::bilinear, {0.125}));
    const timed_result smooth = run_float(planar.view(), make_options(resample::mode::bilinear, {0.125}, true));
    const dims in_shape = planar.extents();
    std::vector<panel> panels;
    panels.push_back({"bilinear", report(dir, "bilinear", in_shape, plain.values.extents(), plain.ms,
                                         "PSNR " + fixed(psnr(plain.values, area.values), 2) + " dB (aliased)",
                                         "down8_bilinear.png", to_rgb(plain.values.view()))});
    panels.push_back(
        {"bilinear antialias", report(dir, "bilinear antialias", in_shape, smooth.values.extents(), smooth.ms,
                                      "PSNR " + fixed(psnr(smooth.values, area.values), 2) + " dB",
                                      "down8_bilinear_aa.png", to_rgb(smooth.values.view()))});
    panels.push_back(
        {"area", report(dir, "area", in_shape, area.values.extents(), area.ms,
                        "mean RGB " + describe_mean(area.values.view()) + ", photo " + describe_mean(planar.view()),
                        "down8_area.png", to_rgb(area.values.view()))});
    std::cout << '\n';
    // At their own size: shrinking them further would hide the aliasing they show.
    if (preview) show_panels(panels, columns, static_cast<int>(area.values.extent(3)));
  }

  // 3. The 8-bit interleaved buffer stb_image returned, used as it is: a channels-last uint8 view
  // in, a channels-last uint8 view of the buffer stb_image_write saves out. No conversion, no copy.
  {
    const resample::tensor_view<const std::uint8_t> pixels =
        resample::channels_last_view<const std::uint8_t>(loaded.get(), {1, 3, height, width});
    resample::options opts;
    opts.mode = resample::mode::nearest_exact;
    opts.scale_factor = {0.25};
    rgb_image thumb;
    double ms = std::numeric_limits<double>::infinity();
    dims out_shape;
    for (int repeat = 0; repeat < timing_repeats; ++repeat) {
      const auto start = std::chrono::steady_clock::now();
      const resample::plan<std::uint8_t> plan(pixels.extents(), opts);
      out_shape = plan.output_shape();
      thumb.height = static_cast<int>(out_shape[2]);
      thumb.width = static_cast<int>(out_shape[3]);
      thumb.pixels.resize(static_cast<std::size_t>(thumb.width) * thumb.height * 3);
      plan.execute(pixels, resample::channels_last_view(thumb.pixels.data(), out_shape));
      ms = std::min(ms, elapsed_ms(start));
    }
    std::cout << "[3] uint8 nearest-exact on stb_image's interleaved buffer (channels-last view, no copy)\n";
    const dims strides = pixels.strides();
    std::vector<panel> panels;
    panels.push_back({"nearest-exact uint8", report(dir, "nearest-exact uint8", pixels.extents(), out_shape, ms,
                                                    "input strides " + format_shape(strides) + " (N, C, H, W)",
                                                    "quarter_nearest_exact_u8.png", thumb)});
    std::cout << '\n';
    if (preview) show_panels(panels, columns, thumb.width);
  }
  if (!preview) std::cout << "(run in a terminal to see the pictures; --preview forces the colour preview)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << "usage: demo [IMAGE] [OUTDIR] [--preview | --no-preview]\n"
                   "  IMAGE    a PNG (or JPEG, BMP...) photograph; default " RESAMPLE_DEMO_IMAGE
                   "\n"
                   "  OUTDIR   where the PNG results go; default demo-output/\n";
      return 0;
    }
    if (arg == "--preview") {
      s.preview = 1;
    } else if (arg == "--no-preview") {
      s.preview = 0;
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "error: unknown option '" << arg << "' (run 'demo --help')\n";
      return 2;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() > 2) {
    std::cerr << "error: expected at most IMAGE and OUTDIR (run 'demo --help')\n";
    return 2;
  }
  if (!positional.empty()) s.image_path = positional[0];
  if (positional.size() == 2) s.output_dir = positional[1];
  try {
    return run_demo(s);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
