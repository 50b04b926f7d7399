// Zip archives through libzip: whole-member reads with the hardening checks of formats.md A1.1
// and A1.7, and stored archives built in a memory buffer.
#include "mz/io/zip_archive.h"

#include <set>

#include "mz/core/error.h"
#include "mz/io/file.h"

#ifdef MZ_HAVE_LIBZIP
#include <zip.h>
#endif

namespace mz::io::detail {
namespace {

// Past this many bytes and this ratio to its compressed size, a member is refused unread.
constexpr uint64_t kBombFloorBytes = uint64_t{256} << 20;
constexpr uint64_t kMaxZipRatio = 100;

#ifndef MZ_HAVE_LIBZIP
[[noreturn]] void no_libzip(const std::string& who) {
  throw BackendError(str(who,
                         ": merezha was built without libzip: install libzip-dev and rebuild "
                         "(.keras and .npz files are zip archives)."));
}
#endif

#ifdef MZ_HAVE_LIBZIP
std::string zip_code_message(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string msg = zip_error_strerror(&e);
  zip_error_fini(&e);
  return msg;
}

// Owns an archive opened for reading; discards it (no write back) at the end.
struct Archive {
  zip_t* za = nullptr;
  ~Archive() {
    if (za) zip_discard(za);
  }
};

// Owns an open member.
struct Member {
  zip_file_t* zf = nullptr;
  ~Member() {
    if (zf) zip_fclose(zf);
  }
};

// Reads member `index` (of `size` bytes) whole; FormatError on CRC or inflate errors.
std::vector<uint8_t> read_member(zip_t* za, zip_uint64_t index, uint64_t size,
                                 const std::string& who) {
  Member m{zip_fopen_index(za, index, 0)};
  if (!m.zf) throw FormatError(str(who, ": cannot open the member: ", zip_strerror(za), "."));
  std::vector<uint8_t> bytes(size);
  uint64_t done = 0;
  for (;;) {
    uint8_t spare;  // reading past the end makes libzip check the CRC
    void* dst = done < size ? static_cast<void*>(bytes.data() + done) : &spare;
    zip_uint64_t want = done < size ? size - done : 1;
    zip_int64_t got = zip_fread(m.zf, dst, want);
    if (got < 0)
      throw FormatError(str(who, ": corrupt data near byte ", done,
                            " of the member: ", zip_file_strerror(m.zf), "."));
    if (got == 0) break;
    if (done >= size)
      throw FormatError(str(who, ": the member holds more than the ", size,
                            " bytes its directory entry declares."));
    done += static_cast<uint64_t>(got);
  }
  if (done < size)
    throw FormatError(
        str(who, ": the member ends at byte ", done, ", its directory entry declares ", size, "."));
  return bytes;
}
#endif

// Whether a member name escapes the archive (Keras refuses these asset paths).
bool unsafe_name(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find('\\') != std::string::npos) return true;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool have_libzip() {
#ifdef MZ_HAVE_LIBZIP
  return true;
#else
  return false;
#endif
}

std::vector<ZipMember> read_zip(const std::string& path, const std::string& who) {
#ifdef MZ_HAVE_LIBZIP
  const uint64_t file_bytes = file_size(path, who);
  int code = 0;
  Archive a{zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code)};
  if (!a.za) {
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT)
      throw IoError(str(who, ": cannot open the file: ", zip_code_message(code), "."));
    if (code == ZIP_ER_EXISTS)  // libzip refuses duplicate names when it opens the archive
      throw FormatError(str(who,
                            ": two members of the zip archive have the same name; "
                            "refusing it."));
    throw FormatError(str(who, ": not a valid zip archive (", file_bytes,
                          " bytes): ", zip_code_message(code), "."));
  }
  std::vector<ZipMember> out;
  std::set<std::string> seen;
  const zip_int64_t count = zip_get_num_entries(a.za, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(a.za, static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE))
      throw FormatError(
          str(who, ": directory entry ", i, " is unreadable: ", zip_strerror(a.za), "."));
    const std::string name = st.name;
    const std::string member = str(who, ": member \"", name, "\"");
    if (unsafe_name(name))
      throw FormatError(str(member,
                            ": member names must stay inside the archive (no leading '/', no '..', "
                            "no '\\'); refusing it."));
    if (!seen.insert(name).second) throw FormatError(str(member, ": the archive holds it twice."));
    if (!name.empty() && name.back() == '/') continue;  // a directory entry
    const uint64_t packed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (st.size > kBombFloorBytes && st.size / kMaxZipRatio > packed)
      throw FormatError(str(member, ": declares ", st.size, " bytes from ", packed,
                            " compressed (more than ", kMaxZipRatio,
                            "x): refusing a likely zip bomb."));
    if (st.size > file_bytes * 1032 + 1024)  // deflate cannot expand more than 1032x
      throw FormatError(str(member, ": declares ", st.size, " bytes, more than a ", file_bytes,
                            "-byte archive can hold."));
    out.push_back({name, read_member(a.za, static_cast<zip_uint64_t>(i), st.size, member)});
  }
  return out;
#else
  (void)path;
  no_libzip(who);
#endif
}

std::vector<uint8_t> make_zip(const std::vector<ZipMember>& members, const std::string& who,
                              bool deflate) {
#ifdef MZ_HAVE_LIBZIP
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!buffer)
    throw IoError(str(who, ": cannot make a zip buffer: ", zip_error_strerror(&err), "."));
  zip_t* za = zip_open_from_source(buffer, ZIP_TRUNCATE, &err);
  if (!za) {
    zip_source_free(buffer);
    throw IoError(str(who, ": cannot start the zip archive: ", zip_error_strerror(&err), "."));
  }
  zip_source_keep(buffer);  // survives zip_close, which writes the archive into it
  auto fail = [&](const std::string& what) {
    std::string msg = str(who, ": ", what, ": ", zip_strerror(za), ".");
    zip_discard(za);
    zip_source_free(buffer);
    throw IoError(msg);
  };
  for (const ZipMember& m : members) {
    zip_source_t* s = zip_source_buffer(za, m.bytes.data(), m.bytes.size(), 0);
    if (!s) fail(str("cannot add \"", m.name, "\""));
    zip_int64_t index = zip_file_add(za, m.name.c_str(), s, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(s);
      fail(str("cannot add \"", m.name, "\""));
    }
    auto idx = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(za, idx, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) ||
        zip_file_set_mtime(za, idx, 315532800 + 86400, 0))  // 1980-01-02: reproducible bytes
      fail(str("cannot set up \"", m.name, "\""));
  }
  if (zip_close(za) != 0) fail("cannot finish the zip archive");
  std::vector<uint8_t> image;
  zip_stat_t st;
  zip_stat_init(&st);
  bool ok = zip_source_stat(buffer, &st) == 0 && zip_source_open(buffer) == 0;
  if (ok) {
    image.resize(st.size);
    ok = zip_source_read(buffer, image.data(), st.size) == static_cast<zip_int64_t>(st.size);
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  if (!ok) throw IoError(str(who, ": cannot read back the zip archive from memory."));
  return image;
#else
  (void)members, (void)deflate;
  no_libzip(who);
#endif
}

}  // namespace mz::io::detail
