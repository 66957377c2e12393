// SPDX-License-Identifier: MIT
// resample: torch.nn.functional.interpolate on .npy files, from the command line.
//
//   resample in.npy out.npy --mode bicubic --scale-factor 2 --align-corners
//   resample nhwc.npy out.npy --mode bilinear --size 64 --antialias --layout channels-last
//   resample grad_out.npy grad_in.npy --backward --input-size 32 --mode bicubic --scale-factor 2
//
// Failure never damages OUT.npy: the result goes to a temporary file beside it, which is renamed
// into place only once it is complete, and removed otherwise.
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <new>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <variant>
#include <vector>

#include <resample/resample.hpp>

#include "npy.hpp"

namespace {

constexpr const char* usage_text =
    R"(usage: resample IN.npy OUT.npy --mode MODE (--size S [S ...] | --scale-factor F [F ...])
                [--align-corners] [--recompute-scale-factor] [--antialias]
                [--layout channels-first|channels-last]
       resample GRAD_OUT.npy GRAD_IN.npy --backward --input-size S [S ...] --mode MODE
                (--size S [S ...] | --scale-factor F [F ...]) [--align-corners]
                [--recompute-scale-factor] [--antialias] [--layout channels-first|channels-last]

Resamples the array in IN.npy as torch.nn.functional.interpolate (PyTorch 1.13, CPU) does and
writes the result to OUT.npy with the input's dtype.

With --backward, computes the gradient of that resampling instead: GRAD_OUT.npy holds the gradient
with respect to the output (the forward output's shape), and GRAD_IN.npy receives the gradient with
respect to the input, as x.grad after F.interpolate(x, ...).backward(grad_out) in PyTorch. The
input's N and C are those of GRAD_OUT.npy, its spatial extents those of --input-size; the other
options describe the forward call.

arguments:
  IN.npy, OUT.npy           .npy files, little-endian and C order, of rank 3, 4 or 5:
                            float32, float64, float16 or uint8 for every mode (float16: computed in
                            float32, rounded to nearest even; uint8: fixed point, as Pillow with
                            --antialias, as PyTorch 2.1 for bilinear and bicubic)
  --mode MODE               nearest | nearest-exact | linear | bilinear | bicubic | trilinear | area
  --size S [S ...]          output spatial size: one value for every spatial axis, or one per axis
  --scale-factor F [F ...]  spatial scale factor(s), same rule; the output extent is floor(in * F)
  --align-corners           align_corners=True (linear, bilinear, bicubic and trilinear only)
  --recompute-scale-factor  recompute_scale_factor=True (with --scale-factor only)
  --antialias               antialias=True (bilinear and bicubic on 4-D arrays only)
  --layout LAYOUT           channels-first (default): the array is N, C, spatial... (e.g. NCHW)
                            channels-last: the array is N, spatial..., C (e.g. NHWC); so is OUT.npy
  --backward                compute the input gradient (GRAD_OUT.npy, GRAD_IN.npy: float32,
                            float64 or float16); needs --input-size
  --input-size S [S ...]    the forward input's spatial size, with --backward only: one value for
                            every spatial axis, or one per axis
  -h, --help                show this help and exit
  --version                 show the library version and exit

On any error the tool prints a message starting with 'error:' on stderr, exits with a non-zero
status (2 for bad arguments, 1 otherwise) and leaves OUT.npy (GRAD_IN.npy) as it was.
)";

/// Bad command-line arguments: reported with a pointer to --help and exit status 2.
class usage_error : public std::runtime_error {
 public:
  explicit usage_error(const std::string& message) : std::runtime_error(message) {}
};

enum class layout { channels_first, channels_last };

struct arguments {
  std::vector<std::string> paths;  // IN.npy, OUT.npy (GRAD_OUT.npy, GRAD_IN.npy with --backward)
  resample::options options;
  bool has_mode = false;
  bool has_size = false;
  bool has_scale = false;
  ::layout layout = layout::channels_first;
  bool has_layout = false;
  bool backward = false;
  resample::dims input_size;  // --input-size: the forward input's spatial extents
  bool has_input_size = false;
};

std::int64_t parse_size_value(const std::string& option, const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    throw usage_error(option + ": '" + text + "' is not an integer");
  }
  // Zero and negative sizes are left to the library, whose message is PyTorch's.
  return value;
}

double parse_scale_value(const std::string& text) {
  // strtod gives the double nearest the decimal text, as Python's float() does, so the same text
  // means the same scale here and in PyTorch. Only decimal text is passed to it: strtod alone
  // would also take hex floats and leading spaces, which float() does not.
  std::string word;  // lower case, without a sign: to name nan and inf in the message
  for (char c : text) {
    if (c != '+' && c != '-') word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (word == "nan" || word == "inf" || word == "infinity") {
    throw usage_error("--scale-factor: '" + text + "' is not a finite number greater than 0");
  }
  const bool decimal = !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos;
  errno = 0;
  char* end = nullptr;
  const double value = decimal ? std::strtod(text.c_str(), &end) : 0.0;
  if (!decimal || end != text.c_str() + text.size()) {
    throw usage_error("--scale-factor: '" + text + "' is not a number");
  }
  if (!std::isfinite(value) || !(value > 0.0) || (errno == ERANGE && value > 1.0)) {
    throw usage_error("--scale-factor: '" + text + "' is not a finite number greater than 0");
  }
  return value;
}

// A token that can only be meant as a value of --size / --scale-factor, so that
// `--size 4 in.npy out.npy` stops collecting values at in.npy.
bool looks_like_number(const std::string& token) {
  if (token.empty() || token.rfind("--", 0) == 0) return false;
  const char c = token[0];
  if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') return true;
  std::string lower;
  for (char ch : token.substr(0, 3)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lower == "nan" || lower == "inf";
}

arguments parse_arguments(const std::vector<std::string>& args) {
  arguments parsed;
  std::size_t i = 0;
  bool only_paths = false;
  // "--name=value" is split; the value then counts as the first token after the option.
  std::optional<std::string> inline_value;
  const auto take_value = [&](const std::string& option) -> std::string {
    if (inline_value) {
      std::string value = *inline_value;
      inline_value.reset();
      return value;
    }
    if (i >= args.size()) throw usage_error(option + " needs a value");
    return args[i++];
  };
  const auto take_numbers = [&](const std::string& option) {
    std::vector<std::string> values;
    if (inline_value) {
      values.push_back(*inline_value);
      inline_value.reset();
    }
    while (i < args.size() && looks_like_number(args[i])) values.push_back(args[i++]);
    if (values.empty()) throw usage_error(option + " needs at least one value");
    return values;
  };
  const auto once = [](bool& seen, const std::string& option) {
    if (seen) throw usage_error(option + " is given more than once");
    seen = true;
  };

  while (i < args.size()) {
    std::string token = args[i++];
    if (only_paths || token.rfind("--", 0) != 0) {
      if (token == "-" && !only_paths) throw usage_error("reading from standard input is not supported");
      parsed.paths.push_back(token);
      continue;
    }
    if (token == "--") {
      only_paths = true;
      continue;
    }
    const std::size_t equals = token.find('=');
    if (equals != std::string::npos) {
      inline_value = token.substr(equals + 1);
      token = token.substr(0, equals);
    }
    if (token == "--mode") {
      once(parsed.has_mode, token);
      const std::string name = take_value(token);
      try {
        parsed.options.mode = resample::parse_mode(name);
      } catch (const resample::error&) {
        throw usage_error("--mode: unknown mode '" + name +
                          "'; expected nearest | nearest-exact | linear | bilinear | bicubic | trilinear | area");
      }
    } else if (token == "--size") {
      once(parsed.has_size, token);
      for (const std::string& value : take_numbers(token)) {
        parsed.options.size.push_back(parse_size_value(token, value));
      }
    } else if (token == "--input-size") {
      once(parsed.has_input_size, token);
      for (const std::string& value : take_numbers(token)) parsed.input_size.push_back(parse_size_value(token, value));
    } else if (token == "--scale-factor") {
      once(parsed.has_scale, token);
      for (const std::string& value : take_numbers(token)) {
        parsed.options.scale_factor.push_back(parse_scale_value(value));
      }
    } else if (token == "--layout") {
      once(parsed.has_layout, token);
      const std::string name = take_value(token);
      if (name == "channels-first" || name == "channels_first") {
        parsed.layout = layout::channels_first;
      } else if (name == "channels-last" || name == "channels_last") {
        parsed.layout = layout::channels_last;
      } else {
        throw usage_error("--layout: unknown layout '" + name + "'; expected channels-first or channels-last");
      }
    } else if (token == "--align-corners") {
      // Set only when given: nearest, nearest-exact and area reject align_corners, as PyTorch does.
      parsed.options.align_corners = true;
    } else if (token == "--recompute-scale-factor") {
      parsed.options.recompute_scale_factor = true;
    } else if (token == "--antialias") {
      parsed.options.antialias = true;
    } else if (token == "--backward") {
      once(parsed.backward, token);
    } else {
      throw usage_error("unknown option '" + token + "'");
    }
    if (inline_value) throw usage_error(token + " does not take a value");
  }

  if (parsed.paths.size() != 2) {
    throw usage_error(std::string("expected two file names, ") +
                      (parsed.backward ? "GRAD_OUT.npy and GRAD_IN.npy" : "IN.npy and OUT.npy") + ", but got " +
                      std::to_string(parsed.paths.size()));
  }
  if (parsed.backward && !parsed.has_input_size) {
    throw usage_error("--backward needs --input-size, the spatial size of the forward input");
  }
  if (parsed.has_input_size && !parsed.backward) throw usage_error("--input-size is only meaningful with --backward");
  if (!parsed.has_mode) throw usage_error("--mode is required");
  if (parsed.has_size && parsed.has_scale) {
    throw usage_error("only one of --size and --scale-factor may be given");
  }
  if (!parsed.has_size && !parsed.has_scale) throw usage_error("one of --size and --scale-factor is required");
  return parsed;
}

/// "[1, 3, 64, 64]", as the library prints shapes.
std::string format_shape(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t r = 0; r < shape.size(); ++r) text += (r ? ", " : "") + std::to_string(shape[r]);
  return text + "]";
}

/// File shape (N, spatial..., C) to logical extents (N, C, spatial...), and back.
resample::dims to_logical(const std::vector<std::int64_t>& file_shape, layout l) {
  if (l == layout::channels_first) return file_shape;
  resample::dims extents{file_shape.front(), file_shape.back()};
  extents.insert(extents.end(), file_shape.begin() + 1, file_shape.end() - 1);
  return extents;
}

std::vector<std::int64_t> to_file(const resample::dims& extents, layout l) {
  if (l == layout::channels_first) return extents;
  std::vector<std::int64_t> shape{extents.front()};
  shape.insert(shape.end(), extents.begin() + 2, extents.end());
  shape.push_back(extents[1]);
  return shape;
}

template <class T>
resample::tensor_view<T> view_of(T* data, const resample::dims& extents, layout l) {
  // A channels-last file is used in place through strides; nothing is transposed.
  return l == layout::channels_last ? resample::channels_last_view(data, extents)
                                    : resample::tensor_view<T>(data, extents);
}

/// Removes the temporary file unless release() was called after a successful rename.
class temporary_file {
 public:
  explicit temporary_file(const std::filesystem::path& target) {
    std::random_device entropy;
    std::uniform_int_distribution<unsigned long long> pick;
    const std::filesystem::path directory = target.parent_path();
    for (int attempt = 0; attempt < 16 && !file_; ++attempt) {
      char suffix[32];
      std::snprintf(suffix, sizeof suffix, ".tmp-%016llx", pick(entropy));
      path_ = directory / ("." + target.filename().string() + suffix);
      // "x": fail rather than reuse a file that happens to exist under this name.
      file_ = std::fopen(path_.string().c_str(), "wbx");
      if (!file_ && errno != EEXIST) break;
    }
    if (!file_) {
      throw std::runtime_error("cannot create a temporary file beside " + target.string() + ": " +
                               std::strerror(errno));
    }
  }
  temporary_file(const temporary_file&) = delete;
  temporary_file& operator=(const temporary_file&) = delete;
  ~temporary_file() {
    if (file_) std::fclose(file_);
    if (!released_) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }

  std::FILE* get() const noexcept { return file_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  /// Flushes and closes the file; throws when the data did not all reach the file system.
  void close() {
    const bool failed = std::fflush(file_) != 0 || std::ferror(file_) != 0;
    const int saved_errno = errno;
    const bool close_failed = std::fclose(file_) != 0;
    file_ = nullptr;
    if (failed || close_failed) {
      throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(failed ? saved_errno : errno));
    }
  }

  void release() noexcept { released_ = true; }

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  bool released_ = false;
};

/// Writes a finished result to `target` through a temporary file renamed over it.
template <class T>
void write_result(const std::filesystem::path& target, const resample::dims& extents, layout l,
                  const std::vector<T>& values) {
  temporary_file temporary(target);
  npy::write(temporary.get(), to_file(extents, l), values.data(), values.size(), temporary.path().string());
  temporary.close();
  std::error_code ec;
  std::filesystem::rename(temporary.path(), target, ec);
  if (ec) throw std::runtime_error("cannot write " + target.string() + ": " + ec.message());
  temporary.release();
}

template <class T>
void resample_and_write(const std::vector<T>& input, const std::vector<std::int64_t>& file_shape,
                        const arguments& args) {
  const layout l = args.layout;
  const resample::dims extents = to_logical(file_shape, l);
  // The plan validates the options against the shape with PyTorch's rules and messages.
  const resample::plan<T> plan(extents, args.options);
  const resample::dims& out_extents = plan.output_shape();
  std::int64_t out_count = 1;
  for (std::int64_t e : out_extents) out_count *= e;  // the plan has checked this fits
  std::vector<T> output;
  try {
    output.resize(static_cast<std::size_t>(out_count));
  } catch (const std::exception&) {
    throw std::runtime_error("not enough memory for an output of shape " + format_shape(out_extents));
  }
  plan.execute(view_of(input.data(), extents, l), view_of(output.data(), out_extents, l));

  // Only now, with the result complete, is anything created next to OUT.npy.
  write_result(args.paths[1], out_extents, l, output);
}

template <class T>
void backward_and_write(const std::vector<T>& grad_output, const std::vector<std::int64_t>& file_shape,
                        const arguments& args) {
  const layout l = args.layout;
  const resample::dims go_extents = to_logical(file_shape, l);
  // The forward input: N and C of the gradient, the spatial extents of --input-size.
  const std::size_t spatial = go_extents.size() - 2;
  if (args.input_size.size() != 1 && args.input_size.size() != spatial) {
    throw std::runtime_error("--input-size has " + std::to_string(args.input_size.size()) + " values, but " +
                             args.paths[0] + " of shape " + format_shape(file_shape) + " has " +
                             std::to_string(spatial) + " spatial axes; give one value, or one per axis");
  }
  resample::dims in_extents{go_extents[0], go_extents[1]};
  for (std::size_t a = 0; a < spatial; ++a) {
    in_extents.push_back(args.input_size.size() == 1 ? args.input_size[0] : args.input_size[a]);
  }
  // The plan validates the options against the input shape as the forward does; execute checks
  // that the gradient has the forward output's shape.
  const resample::backward_plan<T> plan(in_extents, args.options);
  if (plan.output_shape() != go_extents) {
    // Before allocating the input gradient: let the library name the mismatch.
    plan.execute(view_of(grad_output.data(), go_extents, l), resample::tensor_view<T>());
  }
  std::int64_t in_count = 1;
  for (std::int64_t e : in_extents) in_count *= e;  // the plan has checked this fits
  std::vector<T> grad_input;
  try {
    grad_input.resize(static_cast<std::size_t>(in_count));
  } catch (const std::exception&) {
    throw std::runtime_error("not enough memory for an input gradient of shape " + format_shape(in_extents));
  }
  plan.execute(view_of(grad_output.data(), go_extents, l), view_of(grad_input.data(), in_extents, l));

  // Only now, with the result complete, is anything created next to GRAD_IN.npy.
  write_result(args.paths[1], in_extents, l, grad_input);
}

int run(const std::vector<std::string>& args) {
  for (const std::string& token : args) {
    if (token == "--") break;
    if (token == "-h" || token == "--help") {
      std::cout << usage_text;
      return 0;
    }
    if (token == "--version") {
      std::cout << "resample " << resample::version_string << '\n';
      return 0;
    }
  }
  const arguments parsed = parse_arguments(args);
  const npy::array input = npy::read(parsed.paths[0]);
  if (input.shape.size() < 3 || input.shape.size() > 5) {
    throw std::runtime_error(parsed.paths[0] + " has shape " + format_shape(input.shape) + " of rank " +
                             std::to_string(input.shape.size()) +
                             "; expected rank 3, 4 or 5 (N, C, spatial... or, with --layout channels-last, "
                             "N, spatial..., C)");
  }
  if (!parsed.backward) {
    std::visit([&](const auto& values) { resample_and_write(values, input.shape, parsed); }, input.values);
    return 0;
  }
  std::visit(
      [&](const auto& values) {
        using value_type = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (std::is_same_v<value_type, std::uint8_t>) {
          throw std::runtime_error(parsed.paths[0] + " holds uint8; gradients are float32, float64 or float16");
        } else {
          backward_and_write(values, input.shape, parsed);
        }
      },
      input.values);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const usage_error& e) {
    std::cerr << "error: " << e.what() << "\n(run 'resample --help' for usage)\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
