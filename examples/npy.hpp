// SPDX-License-Identifier: MIT
// npy.hpp: reading and writing NumPy .npy files, enough for the examples and the command-line tool.
//
// Reads format versions 1.0, 2.0 and 3.0; writes 1.0 with the header NumPy >= 1.23 writes, byte for
// byte, so a file this writes compares equal (cmp) to numpy.save of the same array. Only
// little-endian, C-order arrays of float32 ('<f4'), float64 ('<f8'), float16 ('<f2') and uint8
// ('|u1', '<u1') are handled; anything else is refused with npy::npy_error naming the problem, never misread.
// The format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <resample/half.hpp>

namespace npy {

/// Everything that goes wrong reading or writing a .npy file.
class npy_error : public std::runtime_error {
 public:
  explicit npy_error(const std::string& message) : std::runtime_error(message) {}
};

enum class dtype { float32, float64, uint8, float16 };

/// NumPy's name for `type`: "float32", ...
inline const char* dtype_name(dtype type) {
  switch (type) {
    case dtype::float32: return "float32";
    case dtype::float64: return "float64";
    case dtype::uint8: return "uint8";
    case dtype::float16: return "float16";
  }
  return "unknown";
}

/// An array read from a file: its shape (NumPy order) and its elements in C order. The variant
/// holds the element type, so callers turn it into a template call with one std::visit.
struct array {
  std::vector<std::int64_t> shape;
  std::variant<std::vector<float>, std::vector<double>, std::vector<std::uint8_t>, std::vector<resample::float16>>
      values;

  dtype type() const noexcept { return static_cast<dtype>(values.index()); }
};

namespace detail {

inline constexpr char magic[] = "\x93NUMPY";
inline constexpr std::size_t magic_size = 6;

template <class T>
constexpr const char* descr_of() {
  if constexpr (std::is_same_v<T, float>) {
    return "<f4";
  } else if constexpr (std::is_same_v<T, double>) {
    return "<f8";
  } else if constexpr (std::is_same_v<T, resample::float16>) {
    return "<f2";
  } else {
    static_assert(std::is_same_v<T, std::uint8_t>,
                  "npy: the element type must be float, double, resample::float16 or std::uint8_t");
    return "|u1";
  }
}

// The files are little-endian; copying raw bytes is only right on a little-endian machine.
inline bool host_is_little_endian() {
  const std::uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

/// A cursor over the header text, which is a Python dict literal such as
/// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class header_parser {
 public:
  header_parser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  void parse(std::string& descr, bool& fortran_order, std::vector<std::int64_t>& shape) {
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        skip_space();
        if (peek() != '\'' && peek() != '"') {
          fail("the dtype is a structured or subarray type; only '<f4', '<f8', '<f2' and '|u1' are supported");
        }
        descr = parse_string();
        seen_descr = true;
      } else if (key == "fortran_order") {
        fortran_order = parse_bool();
        seen_order = true;
      } else if (key == "shape") {
        shape = parse_shape();
        seen_shape = true;
      } else {
        fail("unexpected key '" + key + "' in the header");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}' in the header");
    }
    ++pos_;
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the header dictionary");
    if (!seen_descr || !seen_order || !seen_shape) {
      fail("the header must have the keys 'descr', 'fortran_order' and 'shape'");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    // The header is padded with spaces; they would only make the message longer.
    const std::size_t end = text_.find_last_not_of(' ');
    throw npy_error(path_ + ": not a valid .npy header: " + why +
                    " (header: " + text_.substr(0, end == std::string::npos ? 0 : end + 1) + ")");
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  std::string parse_string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string value = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }

  bool parse_bool() {
    skip_space();
    if (text_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (text_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    fail("'fortran_order' must be True or False");
  }

  std::vector<std::int64_t> parse_shape() {
    std::vector<std::int64_t> shape;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("a shape entry is not a non-negative integer");
      std::int64_t value = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const int digit = peek() - '0';
        if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
          fail("a shape entry does not fit in 64 bits");
        }
        value = value * 10 + digit;
        ++pos_;
      }
      // Files written by Python 2 spell long integers with an 'L' suffix.
      if (peek() == 'L') ++pos_;
      shape.push_back(value);
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') fail("expected ',' or ')' in the shape");
    }
    ++pos_;
    return shape;
  }

  const std::string& text_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

inline std::string format_shape(const std::vector<std::int64_t>& shape) {
  // Python's repr of a tuple: "()", "(5,)", "(2, 3)".
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

/// Element count of `shape`, or npy_error when it (or its size in bytes) does not fit.
inline std::int64_t element_count(const std::vector<std::int64_t>& shape, std::size_t item_size,
                                  const std::string& path) {
  std::int64_t count = 1;
  for (std::int64_t extent : shape) {
    if (extent < 0) throw npy_error(path + ": negative extent in shape " + format_shape(shape));
    if (extent != 0 && count > std::numeric_limits<std::int64_t>::max() / extent) {
      throw npy_error(path + ": the element count of shape " + format_shape(shape) + " does not fit in 64 bits");
    }
    count *= extent;
  }
  const auto limit = std::min<std::uint64_t>(std::numeric_limits<std::size_t>::max(),
                                             static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  if (static_cast<std::uint64_t>(count) > limit / item_size) {
    throw npy_error(path + ": the byte size of shape " + format_shape(shape) + " does not fit in memory");
  }
  return count;
}

template <class T>
std::vector<T> read_values(std::FILE* file, std::int64_t count, std::int64_t available, const std::string& path,
                           const std::vector<std::int64_t>& shape) {
  const std::int64_t needed = count * static_cast<std::int64_t>(sizeof(T));
  // Compare against the file size before allocating, so a lying header cannot ask for terabytes.
  if (available < needed) {
    throw npy_error(path + ": truncated file: shape " + format_shape(shape) + " needs " + std::to_string(needed) +
                    " bytes of data but only " + std::to_string(available) + " follow the header");
  }
  if (available > needed) {
    throw npy_error(path + ": " + std::to_string(available - needed) + " unexpected bytes after the data of shape " +
                    format_shape(shape));
  }
  std::vector<T> values(static_cast<std::size_t>(count));
  if (count > 0 && std::fread(values.data(), sizeof(T), values.size(), file) != values.size()) {
    throw npy_error(path + ": read error in the data");
  }
  return values;
}

}  // namespace detail

/// Reads a .npy file. Throws npy_error for unreadable, malformed or unsupported files.
inline array read(const std::string& path) {
  if (!detail::host_is_little_endian()) throw npy_error("npy: reading needs a little-endian machine");
  detail::file_ptr file(std::fopen(path.c_str(), "rb"));
  if (!file) throw npy_error(path + ": cannot open for reading: " + std::strerror(errno));
  std::FILE* f = file.get();

  // Total size first, so that sizes claimed by the header can be checked before any allocation.
  std::error_code size_error;
  const std::uintmax_t file_size = std::filesystem::file_size(path, size_error);
  if (size_error || file_size > static_cast<std::uintmax_t>(std::numeric_limits<std::int64_t>::max())) {
    throw npy_error(path + ": cannot read the file size (not a regular file?)");
  }

  unsigned char preamble[detail::magic_size + 2];
  if (std::fread(preamble, 1, sizeof preamble, f) != sizeof preamble ||
      std::memcmp(preamble, detail::magic, detail::magic_size) != 0) {
    throw npy_error(path + ": not a .npy file (no \\x93NUMPY magic string)");
  }
  const int major = preamble[6];
  const int minor = preamble[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    throw npy_error(path + ": unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                    " (1.0, 2.0 and 3.0 are supported)");
  }
  // Version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4 (little-endian).
  const std::size_t length_size = major == 1 ? 2 : 4;
  unsigned char length_bytes[4] = {0, 0, 0, 0};
  if (std::fread(length_bytes, 1, length_size, f) != length_size) {
    throw npy_error(path + ": truncated file: the header length is missing");
  }
  std::uint64_t header_length = 0;
  for (std::size_t i = length_size; i-- > 0;) header_length = header_length * 256 + length_bytes[i];
  const std::uint64_t data_offset = detail::magic_size + 2 + length_size + header_length;
  if (data_offset > static_cast<std::uint64_t>(file_size)) {
    throw npy_error(path + ": truncated file: the header claims " + std::to_string(header_length) +
                    " bytes but the file has " + std::to_string(file_size));
  }
  std::string header(static_cast<std::size_t>(header_length), '\0');
  if (header_length > 0 && std::fread(header.data(), 1, header.size(), f) != header.size()) {
    throw npy_error(path + ": read error in the header");
  }
  // Version 3.0 headers are UTF-8, older ones latin-1; the keys and values read here are ASCII
  // either way, and any other byte makes the parse fail.
  if (header.empty() || header.back() != '\n') {
    throw npy_error(path + ": not a valid .npy header: it does not end with a newline");
  }
  header.pop_back();

  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
  detail::header_parser(header, path).parse(descr, fortran_order, shape);

  if (fortran_order) {
    throw npy_error(path + ": Fortran-order arrays are not supported; save numpy.ascontiguousarray(a) instead");
  }
  const std::int64_t available = static_cast<std::int64_t>(file_size) - static_cast<std::int64_t>(data_offset);
  array result;
  result.shape = shape;
  if (descr == "<f4") {
    const std::int64_t count = detail::element_count(shape, 4, path);
    result.values = detail::read_values<float>(f, count, available, path, shape);
  } else if (descr == "<f8") {
    const std::int64_t count = detail::element_count(shape, 8, path);
    result.values = detail::read_values<double>(f, count, available, path, shape);
  } else if (descr == "|u1" || descr == "<u1") {
    const std::int64_t count = detail::element_count(shape, 1, path);
    result.values = detail::read_values<std::uint8_t>(f, count, available, path, shape);
  } else if (descr == "<f2") {
    const std::int64_t count = detail::element_count(shape, 2, path);
    result.values = detail::read_values<resample::float16>(f, count, available, path, shape);
  } else if (descr == ">f4" || descr == ">f8" || descr == ">f2") {
    throw npy_error(path + ": big-endian dtype '" + descr + "' is not supported; save a.astype('<" + descr.substr(1) +
                    "') instead");
  } else {
    throw npy_error(path + ": unsupported dtype '" + descr +
                    "'; supported: '<f4' (float32), '<f8' (float64), '<f2' (float16), "
                    "'|u1' (uint8)");
  }
  return result;
}

/// Writes `values` (C order, `shape` in NumPy order) as a version 1.0 .npy file to an open
/// stream. Throws npy_error when the shape does not match the count or a write fails.
template <class T>
void write(std::FILE* file, const std::vector<std::int64_t>& shape, const T* values, std::size_t count,
           const std::string& path) {
  if (!detail::host_is_little_endian()) throw npy_error("npy: writing needs a little-endian machine");
  if (static_cast<std::uint64_t>(detail::element_count(shape, sizeof(T), path)) != count) {
    throw npy_error(path + ": shape " + detail::format_shape(shape) + " does not hold " + std::to_string(count) +
                    " elements");
  }
  std::string header = std::string("{'descr': '") + detail::descr_of<T>() +
                       "', 'fortran_order': False, 'shape': " + detail::format_shape(shape) + ", }";
  // NumPy >= 1.23 leaves room for the first extent to grow to 21 digits, then pads with spaces
  // so that the data starts on a 64-byte boundary; matching it makes the files identical.
  if (!shape.empty()) header.append(21 - std::to_string(shape[0]).size(), ' ');
  const std::size_t unpadded = detail::magic_size + 2 + 2 + header.size() + 1;
  header.append(64 - unpadded % 64, ' ');
  header += '\n';
  if (header.size() > 65535) throw npy_error(path + ": the header is too long for format version 1.0");

  std::string preamble(detail::magic, detail::magic_size);
  preamble += '\x01';
  preamble += '\x00';
  preamble += static_cast<char>(header.size() & 0xff);
  preamble += static_cast<char>(header.size() >> 8);
  preamble += header;
  if (std::fwrite(preamble.data(), 1, preamble.size(), file) != preamble.size() ||
      (count > 0 && std::fwrite(values, sizeof(T), count, file) != count)) {
    throw npy_error(path + ": write error: " + std::strerror(errno));
  }
}

}  // namespace npy
