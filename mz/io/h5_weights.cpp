// libhdf5 (C API, 1.10) behind a small interface: in-memory file images through the core
// driver, every return code checked, the library's own error printing off, one lock around
// every call (the serial library is not thread-safe).
#include "mz/io/h5_weights.h"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <set>

#include "mz/core/error.h"
#include "mz/ops/creation.h"

#ifdef MZ_HAVE_HDF5
#include "mz/io/detail/h5_common.h"
#endif

namespace mz::io::detail {

bool have_hdf5() {
#ifdef MZ_HAVE_HDF5
  return true;
#else
  return false;
#endif
}

#ifndef MZ_HAVE_HDF5

namespace {
[[noreturn]] void no_hdf5(const std::string& who) {
  throw BackendError(str(who,
                         ": merezha was built without libhdf5: install libhdf5-dev and rebuild "
                         "(Keras weights are HDF5 files)."));
}
}  // namespace

std::vector<uint8_t> write_h5(const H5Content&, const std::string& who) { no_hdf5(who); }
H5Content read_h5(const std::vector<uint8_t>&, const std::string& who) { no_hdf5(who); }

#else

namespace {

// HDF5 files start with this signature (at byte 0 when there is no user block).
constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
// A dataset may declare more than this many bytes only when its stored size is within
// this ratio (the shape bomb of formats.md A1.7).
constexpr uint64_t kBombFloorBytes = uint64_t{4} << 30;
constexpr uint64_t kMaxH5Ratio = 1000;

std::mutex& h5_mutex() {
  static std::mutex m;
  return m;
}

// Turns libhdf5's automatic error printing off (once).
void quiet() {
  static bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

// The innermost message of libhdf5's error stack ("" when empty).
std::string h5_reason() {
  std::string out;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
        auto* s = static_cast<std::string*>(data);
        if (n == 0 && e && e->desc) *s = e->desc;
        return 0;
      },
      &out);
  H5Eclear2(H5E_DEFAULT);
  return out.empty() ? std::string("libhdf5 gave no reason") : out;
}

// Writes a scalar variable-length UTF-8 string attribute (h5py's str attribute).
void write_name_attribute(hid_t group, const std::string& value, const std::string& who,
                          const std::string& path) {
  Hid type(H5Tcopy(H5T_C_S1), H5Tclose);
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  bool ok = type.ok() && space.ok() && H5Tset_size(type.id, H5T_VARIABLE) >= 0 &&
            H5Tset_cset(type.id, H5T_CSET_UTF8) >= 0;
  if (ok) {
    Hid attr(H5Acreate2(group, "name", type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char* p = value.c_str();
    ok = attr.ok() && H5Awrite(attr.id, type.id, &p) >= 0;
  }
  if (!ok)
    throw IoError(str(who, ": cannot write the \"name\" attribute of group \"", path,
                      "\": ", h5_reason(), "."));
}

// Every link found walking the file: its path and what it is. A walk stops (too_big) past
// kMaxLinks links or a path of kMaxLinkPath bytes: hard links forming a cycle make libhdf5's
// walk list ever longer paths (found by fuzz/fuzz_weights_h5: seconds of copying).
constexpr std::size_t kMaxLinks = std::size_t{1} << 16;
constexpr std::size_t kMaxLinkPath = 4096;
struct Walk {
  std::vector<std::pair<std::string, H5L_type_t> > links;
  bool too_big = false;
};

herr_t on_link(hid_t, const char* name, const H5L_info_t* info, void* data) {
  auto* walk = static_cast<Walk*>(data);
  const std::size_t n = ::strnlen(name, kMaxLinkPath + 1);
  if (n > kMaxLinkPath || walk->links.size() >= kMaxLinks) {
    walk->too_big = true;
    return 1;  // stops the walk
  }
  walk->links.emplace_back(std::string(name, n), info->type);
  return 0;
}

// The dtype merezha reads a dataset of this file type as; throws FormatError otherwise.
DType read_dtype(hid_t type, const std::string& where) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT && size <= 4) return DType::f32;
  if (cls == H5T_FLOAT && size == 8) return DType::f64;
  if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    if (size == 1 && !is_signed) return DType::u8;
    if (size < 4 || (size == 4 && is_signed)) return DType::i32;
    if (size <= 8) return DType::i64;
  }
  const char* what = cls == H5T_STRING ? "strings"
                     : cls == H5T_COMPOUND ? "a compound type"
                     : cls == H5T_FLOAT ? "a float wider than 64 bits"
                     : cls == H5T_INTEGER ? "an integer wider than 64 bits"
                                          : "a non-numeric type";
  throw FormatError(str(where, ": expected a numeric dataset (float or integer), got ", what, "."));
}

// Reads one dataset, with the hardening checks of formats.md A1.7.
Tensor read_dataset(hid_t file, const std::string& path, uint64_t image_bytes,
                    const std::string& who) {
  const std::string where = str(who, ": dataset \"", path, "\"");
  Hid d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.ok()) throw FormatError(str(where, ": cannot open it: ", h5_reason(), "."));
  Hid dcpl(H5Dget_create_plist(d.id), H5Pclose);
  if (!dcpl.ok()) throw FormatError(str(where, ": cannot read its properties: ", h5_reason(), "."));
  const H5D_layout_t layout = H5Pget_layout(dcpl.id);
  if (layout == H5D_VIRTUAL)
    throw FormatError(str(where, ": is a virtual dataset (data from other files); refusing it."));
  if (layout < 0) throw FormatError(str(where, ": unreadable layout: ", h5_reason(), "."));
  const int external = H5Pget_external_count(dcpl.id);
  if (external != 0)
    throw FormatError(str(where, ": stores its data in external files; refusing it."));
  const int filters = H5Pget_nfilters(dcpl.id);
  if (filters < 0) throw FormatError(str(where, ": unreadable filters: ", h5_reason(), "."));

  Hid type(H5Dget_type(d.id), H5Tclose);
  if (!type.ok()) throw FormatError(str(where, ": unreadable type: ", h5_reason(), "."));
  const DType dtype = read_dtype(type.id, where);
  Hid space(H5Dget_space(d.id), H5Sclose);
  if (!space.ok()) throw FormatError(str(where, ": unreadable shape: ", h5_reason(), "."));
  const H5S_class_t sclass = H5Sget_simple_extent_type(space.id);
  std::vector<int64_t> dims;
  if (sclass == H5S_SIMPLE) {
    const int rank = H5Sget_simple_extent_ndims(space.id);
    if (rank < 0 || rank > H5S_MAX_RANK)
      throw FormatError(str(where, ": unreadable rank: ", h5_reason(), "."));
    std::vector<hsize_t> hd(static_cast<std::size_t>(rank));
    if (H5Sget_simple_extent_dims(space.id, hd.data(), nullptr) < 0)
      throw FormatError(str(where, ": unreadable shape: ", h5_reason(), "."));
    for (hsize_t v : hd) {
      if (v > static_cast<hsize_t>(INT64_MAX))
        throw FormatError(str(where, ": a dimension of ", v, " is out of range."));
      dims.push_back(static_cast<int64_t>(v));
    }
  } else if (sclass != H5S_SCALAR) {
    throw FormatError(str(where, ": expected a scalar or an array, got an empty dataspace."));
  }
  // The declared size in bytes, refusing overflow and what the file cannot hold.
  const uint64_t elem = dtype_size(dtype);
  uint64_t numel = 1;
  for (int64_t v : dims) {
    if (v != 0 && numel > UINT64_MAX / static_cast<uint64_t>(v) / 16)
      throw FormatError(str(where, ": its shape overflows 64-bit sizes."));
    numel *= static_cast<uint64_t>(v);
  }
  const uint64_t bytes = numel * elem;
  const uint64_t stored = H5Dget_storage_size(d.id);
  if (bytes > kBombFloorBytes && bytes / kMaxH5Ratio > stored)
    throw FormatError(str(where, ": declares ", bytes, " bytes with ", stored,
                          " stored (more than ", kMaxH5Ratio, "x): refusing a likely shape bomb."));
  const uint64_t limit = filters > 0 ? image_bytes * 1032 + 4096 : image_bytes + 4096;
  if (bytes > limit)
    throw FormatError(str(where, ": declares ", bytes, " bytes, more than a ", image_bytes,
                          "-byte file can hold."));
  Tensor t = empty(Shape(dims), {.dtype = dtype});
  if (numel > 0 &&
      H5Dread(d.id, h5_memory_type(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw_data()) < 0)
    throw FormatError(str(where, ": cannot read the data: ", h5_reason(), "."));
  return t;
}

}  // namespace

std::vector<uint8_t> write_h5(const H5Content& content, const std::string& who) {
  std::lock_guard<std::mutex> lock(h5_mutex());
  quiet();
  auto fail = [&](const std::string& what) -> void {
    throw IoError(str(who, ": ", what, ": ", h5_reason(), "."));
  };
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0)
    fail("cannot set up an in-memory HDF5 file");
  Hid file(H5Fcreate(h5_image_name().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id), H5Fclose);
  if (!file.ok()) fail("cannot create an in-memory HDF5 file");

  // Groups: every parent first (sorted paths list parents before children).
  std::set<std::string> groups;
  for (const auto& [path, name] : content.groups) groups.insert(path);
  for (const auto& [path, t] : content.datasets) {
    std::size_t slash = path.rfind('/');
    if (slash != std::string::npos) groups.insert(path.substr(0, slash));
  }
  std::set<std::string> all;
  for (const std::string& g : groups)
    for (std::size_t i = 0; i <= g.size(); ++i)
      if (i == g.size() || g[i] == '/') all.insert(g.substr(0, i));
  for (const std::string& g : all) {
    if (g.empty()) continue;
    Hid group(H5Gcreate2(file.id, g.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!group.ok()) fail(str("cannot create group \"", g, "\""));
    auto it = content.groups.find(g);
    if (it != content.groups.end() && !it->second.empty())
      write_name_attribute(group.id, it->second, who, g);
  }
  auto root = content.groups.find("");
  if (root != content.groups.end() && !root->second.empty()) {
    Hid group(H5Gopen2(file.id, "/", H5P_DEFAULT), H5Gclose);
    if (!group.ok()) fail("cannot open the root group");
    write_name_attribute(group.id, root->second, who, "/");
  }

  for (const auto& [path, value] : content.datasets) {
    Tensor t = value.device().is_host() ? value : value.to(Device::cpu());
    if (!t.is_contiguous()) t = t.contiguous();
    std::vector<hsize_t> dims;
    for (int64_t v : t.shape()) dims.push_back(static_cast<hsize_t>(v));
    Hid space(dims.empty() ? H5Screate(H5S_SCALAR)
                           : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
              H5Sclose);
    if (!space.ok()) fail(str("cannot make the dataspace of \"", path, "\""));
    Hid d(H5Dcreate2(file.id, path.c_str(), h5_file_type(t.dtype()), space.id, H5P_DEFAULT,
                     H5P_DEFAULT, H5P_DEFAULT),
          H5Dclose);
    if (!d.ok()) fail(str("cannot create dataset \"", path, "\""));
    if (t.numel() > 0 &&
        H5Dwrite(d.id, h5_memory_type(t.dtype()), H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw_data()) < 0)
      fail(str("cannot write dataset \"", path, "\""));
  }
  if (H5Fflush(file.id, H5F_SCOPE_GLOBAL) < 0) fail("cannot flush the in-memory HDF5 file");
  ssize_t size = H5Fget_file_image(file.id, nullptr, 0);
  if (size <= 0) fail("cannot size the HDF5 file image");
  std::vector<uint8_t> image(static_cast<std::size_t>(size));
  if (H5Fget_file_image(file.id, image.data(), image.size()) != size)
    fail("cannot copy the HDF5 file image");
  return image;
}

H5Content read_h5(const std::vector<uint8_t>& image, const std::string& who) {
  if (image.size() < sizeof(kSignature) ||
      std::memcmp(image.data(), kSignature, sizeof(kSignature)) != 0)
    throw FormatError(str(who, ": not an HDF5 file (", image.size(),
                          " bytes; the HDF5 signature is missing at byte 0)."));
  std::lock_guard<std::mutex> lock(h5_mutex());
  quiet();
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0 ||
      H5Pset_file_image(fapl.id, const_cast<uint8_t*>(image.data()), image.size()) < 0)
    throw IoError(str(who, ": cannot set up an in-memory HDF5 file: ", h5_reason(), "."));
  Hid file(H5Fopen(h5_image_name().c_str(), H5F_ACC_RDONLY, fapl.id), H5Fclose);
  if (!file.ok())
    throw FormatError(str(who, ": libhdf5 cannot open it (", image.size(),
                          " bytes; truncated or corrupt?): ", h5_reason(), "."));
  Walk walk;
  if (H5Lvisit(file.id, H5_INDEX_NAME, H5_ITER_INC, on_link, &walk) < 0)
    throw FormatError(str(who, ": cannot walk the groups (corrupt file?): ", h5_reason(), "."));
  if (walk.too_big)
    throw FormatError(str(who, ": expected at most ", kMaxLinks, " links with paths of at most ",
                          kMaxLinkPath, " bytes, got more (a cycle of groups?); refusing it."));
  // NOTE: no attribute is read: libhdf5 1.10 reads past its buffers decoding a mutated
  // attribute message (heap-buffer-overflow under H5Aexists, found by fuzz/fuzz_weights_h5;
  // SIGSEGV in H5HG_read on a variable-length one), and loading needs only the layout.
  H5Content out;
  {
    Hid root(H5Gopen2(file.id, "/", H5P_DEFAULT), H5Gclose);
    if (!root.ok()) throw FormatError(str(who, ": cannot open the root group: ", h5_reason(), "."));
    out.groups[""] = "";
  }
  for (const auto& [path, type] : walk.links) {
    if (type == H5L_TYPE_SOFT)
      throw FormatError(str(who, ": \"", path, "\" is a soft link; refusing it."));
    if (type != H5L_TYPE_HARD)
      throw FormatError(
          str(who, ": \"", path, "\" is an external or user-defined link; refusing it."));
    Hid obj(H5Oopen(file.id, path.c_str(), H5P_DEFAULT), H5Oclose);
    if (!obj.ok()) throw FormatError(str(who, ": cannot open \"", path, "\": ", h5_reason(), "."));
    const H5I_type_t kind = H5Iget_type(obj.id);
    if (kind == H5I_GROUP) {
      out.groups[path] = "";
    } else if (kind == H5I_DATASET) {
      out.datasets[path] = read_dataset(file.id, path, image.size(), who);
    }  // named datatypes are ignored
  }
  return out;
}

#endif

}  // namespace mz::io::detail
