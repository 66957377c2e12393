// SPDX-License-Identifier: MIT
// Reader for the PyTorch golden data in tests/golden (cases.txt, inputs.bin, outputs.bin; the
// format is described in tests/golden/README.md). Standard library only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace golden {

enum class element_type { f32, f64 };

/// An optional boolean argument: PyTorch's None, False or True.
enum class tristate { none, no, yes };

/// One call of F.interpolate and where its input and PyTorch's output are stored.
struct golden_case {
  std::string id;
  std::string group;  ///< what the case is about: "random", "huge-down", "mean", ...
  std::string mode;   ///< PyTorch's spelling: "nearest-exact", "bilinear", ...
  element_type dtype = element_type::f32;
  std::vector<std::int64_t> input_shape;
  std::vector<std::int64_t> size;     ///< empty when scale_factor is given
  std::vector<double> scale_factor;   ///< empty when size is given
  bool per_axis = false;              ///< size or scale_factor was a list (else a scalar)
  tristate align_corners = tristate::none;
  tristate recompute_scale_factor = tristate::none;
  bool antialias = false;
  std::vector<std::int64_t> output_shape;
  std::uint64_t input_offset = 0;   ///< bytes into inputs.bin
  std::uint64_t output_offset = 0;  ///< bytes into outputs.bin
};

inline std::int64_t element_count(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t e : shape) n *= e;
  return n;
}

inline std::size_t element_size(element_type t) { return t == element_type::f32 ? 4 : 8; }

/// Everything in a golden directory, with the blobs held in memory.
class golden_set {
 public:
  std::vector<golden_case> cases;

  template <class T>
  std::vector<T> input(const golden_case& c) const {
    return decode<T>(inputs_, c, c.input_offset, c.input_shape);
  }
  template <class T>
  std::vector<T> output(const golden_case& c) const {
    return decode<T>(outputs_, c, c.output_offset, c.output_shape);
  }

  static golden_set load(const std::string& directory) {
    golden_set set;
    set.inputs_ = read_bytes(directory + "/inputs.bin");
    set.outputs_ = read_bytes(directory + "/outputs.bin");
    const std::string manifest = directory + "/cases.txt";
    std::ifstream in(manifest);
    if (!in) throw std::runtime_error("cannot open " + manifest);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty() || line[0] == '#') continue;
      try {
        set.cases.push_back(parse_case(line));
        const golden_case& c = set.cases.back();
        check_span(set.inputs_, c.input_offset, c.input_shape, c.dtype, "input");
        check_span(set.outputs_, c.output_offset, c.output_shape, c.dtype, "output");
      } catch (const std::exception& e) {
        throw std::runtime_error(manifest + ":" + std::to_string(number) + ": " + e.what());
      }
    }
    return set;
  }

 private:
  std::vector<unsigned char> inputs_;
  std::vector<unsigned char> outputs_;

  static std::vector<unsigned char> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  static void check_span(const std::vector<unsigned char>& blob, std::uint64_t offset,
                         const std::vector<std::int64_t>& shape, element_type t, const char* what) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(element_count(shape)) * element_size(t);
    if (offset % element_size(t) != 0 || offset > blob.size() || bytes > blob.size() - offset) {
      throw std::runtime_error(std::string(what) + " offset " + std::to_string(offset) + " is outside its blob");
    }
  }

  /// Little-endian IEEE values, whatever the host's byte order.
  template <class T>
  static std::vector<T> decode(const std::vector<unsigned char>& blob, const golden_case& c, std::uint64_t offset,
                               const std::vector<std::int64_t>& shape) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "golden values are float or double");
    if ((c.dtype == element_type::f32) != std::is_same_v<T, float>) {
      throw std::logic_error("case " + c.id + " is read with the wrong element type");
    }
    using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    std::vector<T> values(static_cast<std::size_t>(element_count(shape)));
    const unsigned char* p = blob.data() + offset;
    for (std::size_t i = 0; i < values.size(); ++i, p += sizeof(T)) {
      bits_t bits = 0;
      for (std::size_t b = 0; b < sizeof(T); ++b) bits |= static_cast<bits_t>(p[b]) << (8 * b);
      std::memcpy(&values[i], &bits, sizeof(T));
    }
    return values;
  }

  static std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream stream(text);
    while (std::getline(stream, part, separator)) parts.push_back(part);
    return parts;
  }

  static std::int64_t to_int(const std::string& text) {
    std::size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used != text.size()) throw std::runtime_error("not an integer: '" + text + "'");
    return static_cast<std::int64_t>(v);
  }

  /// Decimal text that round-trips (Python's repr), converted with correct rounding.
  static double to_double(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) throw std::runtime_error("not a number: '" + text + "'");
    return v;
  }

  static std::vector<std::int64_t> parse_shape(const std::string& text) {
    std::vector<std::int64_t> shape;
    for (const std::string& part : split(text, 'x')) shape.push_back(to_int(part));
    return shape;
  }

  /// "-" (None), "7" (a scalar) or "[7,5]" (a list).
  static std::vector<std::string> parse_list(const std::string& text, bool& is_list) {
    is_list = false;
    if (text == "-") return {};
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
      is_list = true;
      return split(text.substr(1, text.size() - 2), ',');
    }
    return {text};
  }

  static tristate parse_tristate(const std::string& text) {
    if (text == "-") return tristate::none;
    if (text == "0") return tristate::no;
    if (text == "1") return tristate::yes;
    throw std::runtime_error("expected -, 0 or 1 but got '" + text + "'");
  }

  static golden_case parse_case(const std::string& line) {
    std::istringstream stream(line);
    std::vector<std::string> f;
    for (std::string token; stream >> token;) f.push_back(token);
    if (f.size() != 13) throw std::runtime_error("expected 13 fields, got " + std::to_string(f.size()));
    golden_case c;
    c.id = f[0];
    c.group = f[1];
    c.mode = f[2];
    if (f[3] == "f32") {
      c.dtype = element_type::f32;
    } else if (f[3] == "f64") {
      c.dtype = element_type::f64;
    } else {
      throw std::runtime_error("unknown dtype '" + f[3] + "'");
    }
    c.input_shape = parse_shape(f[4]);
    bool size_list = false, scale_list = false;
    for (const std::string& v : parse_list(f[5], size_list)) c.size.push_back(to_int(v));
    for (const std::string& v : parse_list(f[6], scale_list)) c.scale_factor.push_back(to_double(v));
    if (c.size.empty() == c.scale_factor.empty()) {
      throw std::runtime_error("exactly one of size and scale_factor must be given");
    }
    c.per_axis = size_list || scale_list;
    c.align_corners = parse_tristate(f[7]);
    c.recompute_scale_factor = parse_tristate(f[8]);
    c.antialias = parse_tristate(f[9]) == tristate::yes;
    c.output_shape = parse_shape(f[10]);
    c.input_offset = static_cast<std::uint64_t>(to_int(f[11]));
    c.output_offset = static_cast<std::uint64_t>(to_int(f[12]));
    if (c.input_shape.size() != c.output_shape.size() || c.input_shape.size() < 3) {
      throw std::runtime_error("input and output shapes must have the same rank, at least 3");
    }
    return c;
  }
};

}  // namespace golden
