// read_csv: header, label column by name and index, delimiters, quoting, dtypes, and the
// messages for bad cells, ragged rows and open quotes.
#include "mz/io/csv.h"

#include "mz/io/test_files.h"
#include "testing.h"

namespace mz::io {
namespace {

using mz::testing::TempDir;
using mz::testing::write_text;

TEST(ReadCsv, HeaderAndLabelColumnByName) {
  TempDir dir;
  write_text(dir.file("iris.csv"),
             "sepal_length,sepal_width,species,petal_width\n"
             "5.1,3.5,0,0.2\n"
             " 6.3 , 2.9 ,2, 1.8\r\n"
             "\n"
             "4.9,3.0,0,-0.2e0\n");
  CsvData d = read_csv(dir.file("iris.csv"), {.label_column = "species"});
  EXPECT_EQ(d.x.shape(), Shape({3, 3}));
  EXPECT_EQ(d.x.dtype(), DType::f32);
  EXPECT_EQ(d.x.to_vector<float>(),
            (std::vector<float>{5.1f, 3.5f, 0.2f, 6.3f, 2.9f, 1.8f, 4.9f, 3.0f, -0.2f}));
  EXPECT_EQ(d.y.shape(), Shape({3}));
  EXPECT_EQ(d.y.to_vector<float>(), (std::vector<float>{0, 2, 0}));
  EXPECT_EQ(d.columns, (std::vector<std::string>{"sepal_length", "sepal_width", "petal_width"}));
}

TEST(ReadCsv, NoHeaderLabelByIndexOtherDelimiterAndDtypes) {
  TempDir dir;
  write_text(dir.file("d.tsv"), "1\t2\t3\n4\t5\t6\n");
  CsvData d = read_csv(dir.file("d.tsv"), {.header = false,
                                           .delimiter = '\t',
                                           .label_column = -1,
                                           .dtype = DType::f64,
                                           .label_dtype = DType::i64});
  EXPECT_EQ(d.x.dtype(), DType::f64);
  EXPECT_EQ(d.x.to_vector<double>(), (std::vector<double>{1, 2, 4, 5}));
  EXPECT_EQ(d.y.dtype(), DType::i64);
  EXPECT_EQ(d.y.to_vector<int64_t>(), (std::vector<int64_t>{3, 6}));
  EXPECT_EQ(d.columns, (std::vector<std::string>{"0", "1"}));

  CsvData all = read_csv(dir.file("d.tsv"), {.header = false, .delimiter = '\t'});
  EXPECT_EQ(all.x.shape(), Shape({2, 3}));
  EXPECT_FALSE(all.y.defined());
}

TEST(ReadCsv, QuotedFields) {
  TempDir dir;
  write_text(dir.file("q.csv"),
             "\"a, with comma\",\"b \"\"quoted\"\"\",c\n"
             "\"1.5\", \"2\" ,3\n"
             "\"-4\",5,\"6\"\n");
  CsvData d = read_csv(dir.file("q.csv"));
  EXPECT_EQ(d.columns, (std::vector<std::string>{"a, with comma", "b \"quoted\"", "c"}));
  EXPECT_EQ(d.x.to_vector<float>(), (std::vector<float>{1.5f, 2, 3, -4, 5, 6}));
}

TEST(ReadCsv, NonNumericCellNamesRowAndColumn) {
  TempDir dir;
  const std::string path = dir.file("data.csv");
  write_text(path, "petal_length,petal_width\n1.0,2.0\n3.0,abc\n");
  MZ_EXPECT_THROW_MSG(
      read_csv(path), FormatError,
      str("read_csv \"", path, "\": row 3, column 2 (\"petal_width\"): \"abc\" is not a number."));
  write_text(path, "1,2\n3,\n");
  MZ_EXPECT_THROW_MSG(read_csv(path, {.header = false}), FormatError,
                      "row 2, column 2: an empty cell is not a number.");
  write_text(path, "x\n+-1\n");
  MZ_EXPECT_THROW_MSG(read_csv(path), FormatError, "\"+-1\" is not a number.");
}

TEST(ReadCsv, IntegerDtypesCheckIntegralityAndRange) {
  TempDir dir;
  const std::string path = dir.file("i.csv");
  write_text(path, "a,b\n1,2.0\n255,+7\n");
  CsvData d = read_csv(path, {.dtype = DType::u8});
  EXPECT_EQ(d.x.to_vector<uint8_t>(), (std::vector<uint8_t>{1, 2, 255, 7}));
  write_text(path, "a,b\n1,2.5\n");
  MZ_EXPECT_THROW_MSG(read_csv(path, {.dtype = DType::i32}), FormatError,
                      "row 2, column 2 (\"b\"): \"2.5\" is not an integer (dtype int32).");
  write_text(path, "a,b\n1,256\n");
  MZ_EXPECT_THROW_MSG(read_csv(path, {.dtype = DType::u8}), FormatError,
                      "\"256\" is out of range for uint8.");
}

TEST(ReadCsv, RaggedRowsAndOpenQuotes) {
  TempDir dir;
  const std::string path = dir.file("r.csv");
  write_text(path, "a,b,c\n1,2,3\n4,5\n");
  MZ_EXPECT_THROW_MSG(read_csv(path), FormatError,
                      "row 3 has 2 columns, expected 3 (as the header).");
  write_text(path, "\n1,2\n3,4,5\n");
  MZ_EXPECT_THROW_MSG(read_csv(path, {.header = false}), FormatError,
                      "row 3 has 3 columns, expected 2 (as row 2).");
  write_text(path, "a,b\n1,\"2\n");
  MZ_EXPECT_THROW_MSG(read_csv(path), FormatError,
                      "row 2, column 2: the quote opened at byte 6 is never closed (the file "
                      "ends at byte 9).");
  write_text(path, "a,b\n1,\"2\"x\n");
  MZ_EXPECT_THROW_MSG(read_csv(path), FormatError,
                      "row 2, column 2: unexpected 'x' after the closing quote at byte 9");
}

TEST(ReadCsv, QuotedNewlinesKeepRowNumbersOfTheFile) {
  TempDir dir;
  const std::string path = dir.file("n.csv");
  write_text(path, "\"multi\nline\",b\n1,2\n3,bad\n");
  MZ_EXPECT_THROW_MSG(read_csv(path), FormatError,
                      "row 4, column 2 (\"b\"): \"bad\" is not a number.");
}

TEST(ReadCsv, BadLabelColumnAndEmptyFiles) {
  TempDir dir;
  const std::string path = dir.file("l.csv");
  write_text(path, "a,b\n1,2\n");
  MZ_EXPECT_THROW_MSG(read_csv(path, {.label_column = "c"}), ValueError,
                      "label_column \"c\" is not a column: expected one of \"a\", \"b\".");
  MZ_EXPECT_THROW_MSG(read_csv(path, {.label_column = 2}), ValueError,
                      "label_column 2 is out of range: expected an index in [0, 2)");
  MZ_EXPECT_THROW_MSG(read_csv(path, {.header = false, .label_column = "a"}), ValueError,
                      "is a name, but the file has no header");
  CsvData first = read_csv(path, {.label_column = 0});
  EXPECT_EQ(first.x.shape(), Shape({1, 1}));
  EXPECT_EQ(first.columns, (std::vector<std::string>{"b"}));
  write_text(dir.file("h.csv"), "a,b\n");
  CsvData none = read_csv(dir.file("h.csv"));
  EXPECT_EQ(none.x.shape(), Shape({0, 2}));
  write_text(dir.file("e.csv"), "\n\n");
  MZ_EXPECT_THROW_MSG(read_csv(dir.file("e.csv")), FormatError, "the file holds no rows.");
  MZ_EXPECT_THROW_MSG(read_csv(dir.file("missing.csv")), IoError,
                      "cannot open the file: No such file or directory.");
}

}  // namespace
}  // namespace mz::io
