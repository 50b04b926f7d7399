// CSV reader: a small RFC 4180 record parser (quotes, "" escapes, CRLF) over the whole file,
// then per-cell number conversion with messages naming row and column.
#include "mz/io/csv.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include "mz/io/file.h"
#include "mz/ops/creation.h"

namespace mz::io {

namespace {

// Splits the file into records of fields; tracks the line each record starts on.
class CsvParser {
 public:
  CsvParser(std::string_view text, char delimiter, std::string who)
      : s_(text), delim_(delimiter), who_(std::move(who)) {}

  // The next non-blank record into `fields`; false at the end of the file.
  bool next(std::vector<std::string>& fields, int64_t& line) {
    for (;;) {
      if (pos_ >= s_.size()) return false;
      line = line_;
      fields.clear();
      bool quoted_any = false;
      for (;;) {
        bool quoted = false;
        fields.push_back(field(line, static_cast<int>(fields.size()) + 1, quoted));
        quoted_any |= quoted;
        if (pos_ < s_.size() && s_[pos_] == delim_) {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size()) {  // '\n'
          ++pos_;
          ++line_;
        }
        break;
      }
      if (fields.size() == 1 && fields[0].empty() && !quoted_any) continue;  // blank line
      return true;
    }
  }

 private:
  bool is_space(char c) const { return (c == ' ' || c == '\t' || c == '\r') && c != delim_; }

  // One field, trimmed; stops before the delimiter or the line end.
  std::string field(int64_t row, int column, bool& quoted) {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '"') {
      quoted = true;
      const std::size_t open = pos_++;
      std::string out;
      for (;;) {
        if (pos_ >= s_.size())
          throw FormatError(str(who_, ": row ", row, ", column ", column,
                                ": the quote opened at byte ", open,
                                " is never closed (the file ends at byte ", s_.size(), ")."));
        char c = s_[pos_++];
        if (c == '"') {
          if (pos_ < s_.size() && s_[pos_] == '"') {
            out += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        out += c;
      }
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ < s_.size() && s_[pos_] != delim_ && s_[pos_] != '\n')
        throw FormatError(str(who_, ": row ", row, ", column ", column, ": unexpected '", s_[pos_],
                              "' after the closing quote at byte ", pos_,
                              ": expected the delimiter or the end of the line."));
      return trim(out);
    }
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != delim_ && s_[pos_] != '\n') ++pos_;
    return trim(std::string(s_.substr(start, pos_ - start)));
  }

  static std::string trim(const std::string& t) {
    const char* ws = " \t\r\n\v\f";
    std::size_t a = t.find_first_not_of(ws);
    if (a == std::string::npos) return "";
    std::size_t b = t.find_last_not_of(ws);
    return t.substr(a, b - a + 1);
  }

  std::string_view s_;
  char delim_;
  std::string who_;
  std::size_t pos_ = 0;
  int64_t line_ = 1;
};

// A cell's value, in double (floating dtypes) or int64 (integer dtypes).
struct Cell {
  double f = 0;
  int64_t i = 0;
};

// Drops one leading '+' (from_chars refuses it); false for "+-1", "++1" or "+".
bool strip_plus(std::string_view& v) {
  if (v.empty() || v[0] != '+') return !v.empty();
  v.remove_prefix(1);
  return !v.empty() && v[0] != '+' && v[0] != '-';
}

bool parse_double(const std::string& t, double& out) {
  std::string_view v = t;
  if (!strip_plus(v)) return false;
  auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  if (r.ec == std::errc::result_out_of_range) {  // beyond double: what strtod gives
    out = (v[0] == '-' ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
    return r.ptr == v.data() + v.size();
  }
  return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

// Converts one cell for `dtype`; returns an error text, empty on success.
std::string convert(const std::string& t, DType dtype, Cell& cell) {
  if (t.empty()) return "an empty cell is not a number";
  if (is_floating(dtype)) {
    if (!parse_double(t, cell.f)) return str("\"", t, "\" is not a number");
    return "";
  }
  std::string_view v = t;
  bool signed_ok = strip_plus(v);
  auto r = std::from_chars(v.data(), v.data() + v.size(), cell.i);
  if (!signed_ok || r.ec != std::errc() || r.ptr != v.data() + v.size()) {
    double d = 0;  // "3.0" and "1e2" are integers too
    if (!parse_double(t, d)) return str("\"", t, "\" is not a number");
    if (!(std::nearbyint(d) == d) || std::abs(d) > 9.2e18)
      return str("\"", t, "\" is not an integer (dtype ", dtype_name(dtype), ")");
    cell.i = static_cast<int64_t>(d);
  }
  int64_t lo = dtype == DType::u8 ? 0 : dtype == DType::i32 ? INT32_MIN : INT64_MIN;
  int64_t hi = dtype == DType::u8 ? 255 : dtype == DType::i32 ? INT32_MAX : INT64_MAX;
  if (cell.i < lo || cell.i > hi) return str("\"", t, "\" is out of range for ", dtype_name(dtype));
  return "";
}

// Values of one output tensor, kept as double or int64 until the end.
struct Column {
  DType dtype;
  std::vector<double> f;
  std::vector<int64_t> i;
  void push(const Cell& c) {
    if (is_floating(dtype)) {
      f.push_back(c.f);
    } else {
      i.push_back(c.i);
    }
  }
  Tensor make(const Shape& shape) const {
    TensorOptions o{.dtype = dtype};
    return is_floating(dtype) ? tensor(f, shape, o) : tensor(i, shape, o);
  }
};

}  // namespace

CsvData read_csv(const std::string& path, const CsvOptions& options) {
  const std::string who = detail::who_file("read_csv", path);
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r')
    throw ValueError(str(who, ": the delimiter cannot be a quote or a line end, got '",
                         options.delimiter == '"' ? "\"" : "\\n", "'."));
  std::vector<uint8_t> bytes = detail::read_file(path, who);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  CsvParser parser(text, options.delimiter, who);

  std::vector<std::string> fields, names;
  int64_t line = 0, first_line = 0;
  bool have_first = parser.next(fields, line);
  if (!have_first) throw FormatError(str(who, ": the file holds no rows."));
  const std::size_t ncols = fields.size();
  first_line = line;
  if (options.header) {
    names = fields;
  } else {
    for (std::size_t c = 0; c < ncols; ++c) names.push_back(std::to_string(c));
  }

  // Which column is the label.
  int label = -1;
  if (options.label_column) {
    const CsvColumn& lc = *options.label_column;
    if (lc.by_name()) {
      if (!options.header)
        throw ValueError(str(who, ": label_column \"", lc.name(),
                             "\" is a name, but the file has no header (header = false); "
                             "give the column's index instead."));
      for (std::size_t c = 0; c < ncols; ++c)
        if (names[c] == lc.name()) label = static_cast<int>(c);
      if (label < 0) {
        std::string all;
        for (const std::string& n : names) all += (all.empty() ? "\"" : ", \"") + n + "\"";
        throw ValueError(str(who, ": label_column \"", lc.name(), "\" is not a column: expected ",
                             "one of ", all, "."));
      }
    } else {
      int idx = lc.index() < 0 ? lc.index() + static_cast<int>(ncols) : lc.index();
      if (idx < 0 || idx >= static_cast<int>(ncols))
        throw ValueError(str(who, ": label_column ", lc.index(), " is out of range: expected ",
                             "an index in [0, ", ncols, ") (or negative from the end)."));
      label = idx;
    }
  }

  Column x{options.dtype, {}, {}};
  Column y{options.label_dtype.value_or(options.dtype), {}, {}};
  int64_t rows = 0;
  auto add_row = [&](const std::vector<std::string>& row, int64_t at) {
    if (row.size() != ncols)
      throw FormatError(str(who, ": row ", at, " has ", row.size(), " columns, expected ", ncols,
                            options.header ? " (as the header)" : str(" (as row ", first_line, ")"),
                            "."));
    for (std::size_t c = 0; c < ncols; ++c) {
      Column& dst = static_cast<int>(c) == label ? y : x;
      Cell cell;
      std::string err = convert(row[c], dst.dtype, cell);
      if (!err.empty()) {
        std::string name = options.header ? str(" (\"", names[c], "\")") : "";
        throw FormatError(str(who, ": row ", at, ", column ", c + 1, name, ": ", err, "."));
      }
      dst.push(cell);
    }
    ++rows;
  };
  if (!options.header) add_row(fields, line);
  while (parser.next(fields, line)) add_row(fields, line);

  CsvData out;
  const int64_t xcols = static_cast<int64_t>(ncols) - (label >= 0 ? 1 : 0);
  out.x = x.make({rows, xcols});
  if (label >= 0) out.y = y.make({rows});
  for (std::size_t c = 0; c < ncols; ++c)
    if (static_cast<int>(c) != label) out.columns.push_back(names[c]);
  return out;
}

}  // namespace mz::io
