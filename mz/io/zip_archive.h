// Zip containers in memory (.keras and .npz archives): read every member of a file with the
// zip-bomb, duplicate-name and path-traversal checks of specs/formats.md A1.1, and build an archive
// image from named members. Needs libzip; without it both throw BackendError.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mz::io::detail {

// One archive member: its name and its (uncompressed) bytes.
struct ZipMember {
  std::string name;
  std::vector<uint8_t> bytes;
};

// Whether merezha was built with libzip.
bool have_libzip();

// Every member of the zip file at `path`, in directory order, read whole and CRC-checked.
// Throws IoError when the file cannot be read, FormatError "<who>: ..." for a file that is not
// a zip archive, a corrupt member, a member declaring more than 100x its stored size past
// 256 MiB, two members of one name, or a name that is absolute or holds ".." or '\\'.
std::vector<ZipMember> read_zip(const std::string& path, const std::string& who);

// The bytes of a zip archive holding `members` in order, stored (or deflated when `deflate`),
// with a fixed date, so equal members give equal bytes. Throws IoError naming `who` if libzip
// fails.
std::vector<uint8_t> make_zip(const std::vector<ZipMember>& members, const std::string& who,
                              bool deflate = false);

}  // namespace mz::io::detail
