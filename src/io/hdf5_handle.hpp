// SPDX-License-Identifier: MIT
#pragma once
/// @file Thin RAII layer over the HDF5 C API, private to src/io/.
///
/// * `Handle` owns one hid_t and closes it with the function that matches its kind.
/// * `ErrorSilencer` switches HDF5's automatic error printing off for a scope and restores it.
/// * Failures become exceptions: `std::runtime_error` from the `check` helpers (write / internal
///   failures), `fascia::InputError` from `open_file_readonly` (problems with a user's file).
/// * `Appender` is an extendible chunked dataset that grows by one row at a time and keeps its
///   handles open, so appending many rows does not reopen anything.
#include <hdf5.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fascia/core/error.hpp"

namespace fascia::io::h5 {

// ---------------------------------------------------------------------------------------------
// Errors

/// Text of the innermost entries of the current thread's HDF5 error stack (empty if none); the
/// stack is cleared unless `clear` is false.
inline std::string last_error(bool clear = true) {
  std::string text;
  auto walk = [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
    auto* out = static_cast<std::string*>(data);
    if (n < 3 && e->desc && *e->desc) {  // the innermost few entries say what actually failed
      if (!out->empty()) *out += "; ";
      *out += e->desc;
    }
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &text);
  if (clear) H5Eclear2(H5E_DEFAULT);
  return text;
}

/// Turns HDF5's automatic error printing off on this thread, for good: every HDF5 failure fascia
/// meets becomes one exception line, and a stack printed later (a handle closed by a destructor
/// after a failed write, the library's own exit handler) would reach the user's terminal.
/// HDF5 keeps the setting per thread, and fascia makes all its HDF5 calls from one thread.
class ErrorSilencer {
public:
  ErrorSilencer() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
  ErrorSilencer(const ErrorSilencer&) = delete;
  ErrorSilencer& operator=(const ErrorSilencer&) = delete;
};

[[noreturn]] inline void fail(const std::string& what) {
  const std::string detail = last_error();
  throw std::runtime_error("HDF5: " + what + (detail.empty() ? "" : " (" + detail + ")"));
}

/// Returns `id` or throws std::runtime_error naming `what` when it is negative.
inline hid_t check(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}
/// Throws std::runtime_error naming `what` when status is negative.
inline void check_status(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

// ---------------------------------------------------------------------------------------------
// Handle

/// Move-only owner of one HDF5 identifier; closes it with the close function of its kind
/// (file, group, dataset, dataspace, datatype, attribute, property list).
class Handle {
public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  /// Takes ownership of `id`, throwing std::runtime_error naming `what` when id < 0.
  Handle(hid_t id, const std::string& what) : id_(check(id, what)) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  operator hid_t() const noexcept { return id_; }  // NOLINT: pass straight to the C API
  bool valid() const noexcept { return id_ >= 0; }
  /// Gives up ownership without closing (the caller closed it).
  void release() noexcept { id_ = H5I_INVALID_HID; }
  explicit operator bool() const noexcept { return valid(); }

  /// Closes the identifier now (errors while closing are ignored: nothing useful can be done).
  void reset() noexcept {
    if (id_ < 0) return;
    switch (H5Iget_type(id_)) {
      case H5I_FILE: H5Fclose(id_); break;
      case H5I_GROUP: H5Gclose(id_); break;
      case H5I_DATASET: H5Dclose(id_); break;
      case H5I_DATASPACE: H5Sclose(id_); break;
      case H5I_DATATYPE: H5Tclose(id_); break;
      case H5I_ATTR: H5Aclose(id_); break;
      case H5I_GENPROP_LST: H5Pclose(id_); break;
      default: H5Idec_ref(id_); break;
    }
    id_ = H5I_INVALID_HID;
  }

private:
  hid_t id_ = H5I_INVALID_HID;
};

// ---------------------------------------------------------------------------------------------
// Types

/// Memory and file datatypes of a C++ scalar (file types are explicit little-endian, so files are
/// identical on every machine).
template <class T>
struct TypeOf;
template <>
struct TypeOf<double> {
  static hid_t mem() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};
template <>
struct TypeOf<std::int32_t> {
  static hid_t mem() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
};
template <>
struct TypeOf<std::uint8_t> {
  static hid_t mem() { return H5T_NATIVE_UINT8; }
  static hid_t file() { return H5T_STD_U8LE; }
};
template <>
struct TypeOf<std::uint64_t> {
  static hid_t mem() { return H5T_NATIVE_UINT64; }
  static hid_t file() { return H5T_STD_U64LE; }
};

/// Variable-length UTF-8 string type (h5py reads it back as `str`).
inline Handle vlen_utf8() {
  Handle t(H5Tcopy(H5T_C_S1), "copy string type");
  check_status(H5Tset_size(t, H5T_VARIABLE), "set string size");
  check_status(H5Tset_cset(t, H5T_CSET_UTF8), "set string charset");
  return t;
}

// ---------------------------------------------------------------------------------------------
// Files, groups, links

/// Creates (truncates) an HDF5 file with the default (earliest) format, no SWMR: a file left by a
/// killed writer opens with a plain open.
inline Handle create_file(const std::string& path) {
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), "create file property list");
  // Track creation order of attributes on the root? Not needed; keep the default superblock v0.
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT),
                "create file '" + path + "'");
}

/// File access properties for opening a file fascia wrote.
///  * `lock = false`: without taking HDF5's file lock, so a run still being written (its writer
///    holds the lock) reads as of its last flushed frame (docs/hdf5-schema.md "Watching a run live").
///  * `skip_eof_check = true`: open a file shorter than the end its superblock records. HDF5 refuses
///    such a file ("truncated file"); a writer killed inside a flush can leave one, the superblock
///    already on disk and the space it counts (HDF5's allocation blocks, written or extended last)
///    not yet. Past the end HDF5 reads zeros, where nothing of the file's content was written; every
///    object read afterwards is checked as usual. This is what HDF5's own `h5clear` does with such a
///    file; the property exists in libhdf5 >= 1.10.2 and is left alone where it does not.
inline Handle file_access(bool lock, bool skip_eof_check) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), "create file access property list");
  if (!lock) check_status(H5Pset_file_locking(fapl, false, true), "disable file locking for reading");
  constexpr const char* kSkipEofCheck = "skip_eof_check";
  if (skip_eof_check && H5Pexist(fapl, kSkipEofCheck) > 0) {
    hbool_t yes = true;
    check_status(H5Pset(fapl, kSkipEofCheck, &yes), "skip the end-of-file check");
  }
  H5Eclear2(H5E_DEFAULT);
  return fapl;
}

/// The most a file may lack at its end and still be opened as one a writer killed inside a flush
/// left [bytes]. What such a kill leaves unwritten is HDF5's allocation blocks (2 KiB each by
/// default, for metadata and for small data; CI's file lacked 5,632 bytes): the datasets' data is
/// written before the superblock (data_within_end checks that none lies past the end).
inline constexpr unsigned long long kKilledFlushShortfall = 64 * 1024;

/// True when every dataset's stored data in `file` lies below `end` (bytes): chunk by chunk, or the
/// contiguous block. A file cut short by other means than a kill inside a flush has data past its
/// end, which would read as zeros.
inline bool data_within_end(hid_t file, unsigned long long end) {
  struct Visit {
    unsigned long long end;
    bool inside = true;
  } visit{end};
  auto check = [](hid_t loc, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    auto* v = static_cast<Visit*>(data);
    if (info->type != H5O_TYPE_DATASET) return 0;
    const hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return 0;  // unreadable: reading it fails later, with its own error
    const hid_t dcpl = H5Dget_create_plist(d);
    const H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
    if (dcpl >= 0) H5Pclose(dcpl);
    const auto past = [v](haddr_t addr, hsize_t size) {
      return addr != HADDR_UNDEF && (unsigned long long)(addr) + (unsigned long long)(size) > v->end;
    };
    if (layout == H5D_CHUNKED) {
      hsize_t chunks = 0;
      if (H5Dget_num_chunks(d, H5S_ALL, &chunks) >= 0)
        for (hsize_t i = 0; i < chunks && v->inside; ++i) {
          haddr_t addr = HADDR_UNDEF;
          hsize_t size = 0;
          if (H5Dget_chunk_info(d, H5S_ALL, i, nullptr, nullptr, &addr, &size) >= 0 && past(addr, size)) v->inside = false;
        }
    } else if (layout == H5D_CONTIGUOUS && past(H5Dget_offset(d), H5Dget_storage_size(d))) {
      v->inside = false;
    }
    H5Dclose(d);
    return v->inside ? 0 : 1;  // a positive value stops the visit
  };
  const herr_t status = H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, check, &visit, H5O_INFO_BASIC);
  H5Eclear2(H5E_DEFAULT);
  return status >= 0 && visit.inside;
}

/// How many bytes HDF5's "truncated file" error says the file lacks ("eof = A, ... stored_eof =
/// B"), or 0 when `error` is another error or does not say.
inline unsigned long long truncation_shortfall(const std::string& error) {
  const auto number_after = [&error](const std::string& label) -> std::optional<unsigned long long> {
    const auto at = error.find(label);
    if (at == std::string::npos) return std::nullopt;
    unsigned long long v = 0;
    const char* begin = error.data() + at + label.size();
    const auto r = std::from_chars(begin, error.data() + error.size(), v);
    return r.ec == std::errc() ? std::optional(v) : std::nullopt;
  };
  if (error.find("truncated file") == std::string::npos) return 0;
  const auto eof = number_after("truncated file: eof = "), stored = number_after("stored_eof = ");
  return eof && stored && *stored > *eof ? *stored - *eof : 0;
}

/// Opens a file fascia wrote with `flags` (H5F_ACC_RDONLY or H5F_ACC_RDWR) and `lock`; a file left
/// short by a writer killed inside a flush (at most kKilledFlushShortfall bytes short) is opened
/// again without the end-of-file check (file_access). Returns a negative id, and HDF5's reason in
/// `error`, when it cannot be opened.
inline hid_t open_written_file(const std::string& path, unsigned flags, bool lock, std::string& error) {
  // The property lists are named: closing one is an HDF5 call, and every HDF5 call clears the error stack.
  const Handle plain = file_access(lock, false);
  hid_t id = H5Fopen(path.c_str(), flags, plain);
  if (id < 0) error = last_error();
  const unsigned long long shortfall = id < 0 ? truncation_shortfall(error) : 0;
  if (id >= 0 || shortfall == 0 || shortfall > kKilledFlushShortfall) return id;
  const Handle skipping = file_access(lock, true);
  id = H5Fopen(path.c_str(), flags, skipping);
  if (id < 0) {
    error = last_error();
    return id;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && data_within_end(id, size)) return id;
  H5Fclose(id);
  H5Eclear2(H5E_DEFAULT);
  error += "; data past the end: the file was cut short";
  return -1;
}

/// Opens an existing file read-only, without the lock (file_access); problems are the user's file,
/// so they throw InputError keyed by the path.
inline Handle open_file_readonly(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory, not a file");
  const htri_t is_h5 = H5Fis_hdf5(path.c_str());
  if (is_h5 <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError(path, "not an HDF5 file (empty, truncated or another format)");
  }
  std::string detail;
  const hid_t id = open_written_file(path, H5F_ACC_RDONLY, /*lock=*/false, detail);
  if (id < 0) {
    throw InputError(path, "cannot open HDF5 file" + (detail.empty() ? "" : " (" + detail + ")"));
  }
  return Handle(id);
}

/// True when every component of the relative or absolute `path` exists under `loc`.
inline bool exists(hid_t loc, const std::string& path) {
  std::string partial;
  std::size_t pos = 0;
  if (!path.empty() && path[0] == '/') {
    partial = "/";
    pos = 1;
  }
  while (pos <= path.size()) {
    const std::size_t next = path.find('/', pos);
    const std::string part = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!part.empty()) {
      partial += (partial.empty() || partial.back() == '/') ? part : "/" + part;
      const htri_t r = H5Lexists(loc, partial.c_str(), H5P_DEFAULT);
      if (r <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return false;
      }
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return true;
}

/// Creates a group; `track_order` keeps the creation order of its links (listed in that order).
inline Handle create_group(hid_t loc, const std::string& name, bool track_order = false) {
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), "create group property list");
  if (track_order) {
    check_status(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                 "track link order");
  }
  return Handle(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT),
                "create group '" + name + "'");
}

inline Handle open_group(hid_t loc, const std::string& name) {
  return Handle(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), "open group '" + name + "'");
}

inline Handle open_dataset(hid_t loc, const std::string& name) {
  return Handle(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "open dataset '" + name + "'");
}

/// Names of the links in a group, in creation order when the group tracks it, else by name.
inline std::vector<std::string> list_children(hid_t group) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t idx = 0;
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect, &names) < 0) {
    H5Eclear2(H5E_DEFAULT);  // creation order not tracked: fall back to name order
    names.clear();
    idx = 0;
    check_status(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &names),
                 "list group members");
  }
  return names;
}

/// Kind of the object at `name` under `loc` (H5I_GROUP, H5I_DATASET, ...; H5I_BADID if none).
inline H5I_type_t object_type(hid_t loc, const std::string& name) {
  if (!exists(loc, name)) return H5I_BADID;
  const hid_t obj = H5Oopen(loc, name.c_str(), H5P_DEFAULT);
  if (obj < 0) {
    H5Eclear2(H5E_DEFAULT);
    return H5I_BADID;  // e.g. a dangling soft link
  }
  const H5I_type_t type = H5Iget_type(obj);
  H5Oclose(obj);
  return type;
}

// ---------------------------------------------------------------------------------------------
// Attributes

inline void delete_attr_if_exists(hid_t obj, const std::string& name) {
  const htri_t r = H5Aexists(obj, name.c_str());
  if (r > 0) check_status(H5Adelete(obj, name.c_str()), "replace attribute '" + name + "'");
}

/// Writes (or replaces) a scalar variable-length UTF-8 string attribute.
inline void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  delete_attr_if_exists(obj, name);
  Handle type = vlen_utf8();
  Handle space(H5Screate(H5S_SCALAR), "create scalar dataspace");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
              "create attribute '" + name + "'");
  const char* p = value.c_str();
  check_status(H5Awrite(attr, type, &p), "write attribute '" + name + "'");
}
inline void write_attr(hid_t obj, const std::string& name, const char* value) {
  write_attr(obj, name, std::string(value));
}

/// Writes (or replaces) a 1-D attribute of variable-length UTF-8 strings.
inline void write_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  delete_attr_if_exists(obj, name);
  Handle type = vlen_utf8();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), "create dataspace");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
              "create attribute '" + name + "'");
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0) check_status(H5Awrite(attr, type, ptrs.data()), "write attribute '" + name + "'");
}

/// Writes (or replaces) a scalar numeric attribute (double, int32, uint64).
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
void write_attr(hid_t obj, const std::string& name, T value) {
  delete_attr_if_exists(obj, name);
  Handle space(H5Screate(H5S_SCALAR), "create scalar dataspace");
  Handle attr(H5Acreate2(obj, name.c_str(), TypeOf<T>::file(), space, H5P_DEFAULT, H5P_DEFAULT),
              "create attribute '" + name + "'");
  check_status(H5Awrite(attr, TypeOf<T>::mem(), &value), "write attribute '" + name + "'");
}

/// Reads a scalar string attribute (variable- or fixed-length); nullopt if absent or not a string.
inline std::optional<std::string> read_string_attr(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute '" + name + "'");
  Handle ftype(H5Aget_type(attr), "attribute type");
  if (H5Tget_class(ftype) != H5T_STRING) return std::nullopt;
  Handle space(H5Aget_space(attr), "attribute space");
  if (H5Sget_simple_extent_npoints(space) != 1) return std::nullopt;
  if (H5Tis_variable_str(ftype) > 0) {
    Handle mtype = vlen_utf8();
    char* p = nullptr;
    check_status(H5Aread(attr, mtype, &p), "read attribute '" + name + "'");
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  const std::size_t n = H5Tget_size(ftype);
  Handle mtype(H5Tcopy(H5T_C_S1), "copy string type");
  check_status(H5Tset_size(mtype, n + 1), "set string size");
  std::string buf(n + 1, '\0');
  check_status(H5Aread(attr, mtype, buf.data()), "read attribute '" + name + "'");
  buf.resize(std::char_traits<char>::length(buf.c_str()));
  return buf;
}

/// Reads a scalar numeric attribute converted to T; nullopt if absent or not numeric.
template <class T>
std::optional<T> read_number_attr(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute '" + name + "'");
  Handle ftype(H5Aget_type(attr), "attribute type");
  const H5T_class_t cls = H5Tget_class(ftype);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return std::nullopt;
  T value{};
  check_status(H5Aread(attr, TypeOf<T>::mem(), &value), "read attribute '" + name + "'");
  return value;
}

// ---------------------------------------------------------------------------------------------
// Datasets

/// Current extent of a dataset.
inline std::vector<hsize_t> dims(hid_t dset) {
  Handle space(H5Dget_space(dset), "dataset space");
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail("dataset rank");
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  if (rank > 0) check_status(H5Sget_simple_extent_dims(space, d.data(), nullptr), "dataset dims");
  return d;
}

/// Writes a fixed-size (contiguous) dataset of `shape` from row-major `data`, with a `units`
/// attribute (UCUM) unless `units` is empty.
template <class T>
void write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape,
                   const T* data, const std::string& units = "") {
  Handle space(shape.empty() ? H5Screate(H5S_SCALAR)
                             : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
               "create dataspace for '" + name + "'");
  Handle dset(H5Dcreate2(loc, name.c_str(), TypeOf<T>::file(), space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT),
              "create dataset '" + name + "'");
  hsize_t n = 1;
  for (hsize_t s : shape) n *= s;
  if (n > 0) {
    check_status(H5Dwrite(dset, TypeOf<T>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                 "write dataset '" + name + "'");
  }
  if (!units.empty()) write_attr(dset, "units", units);
}

/// Writes a scalar dataset (creating it, or overwriting the value of an existing one).
inline void write_scalar(hid_t loc, const std::string& name, double value) {
  if (exists(loc, name)) {
    Handle dset = open_dataset(loc, name);
    check_status(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value),
                 "write dataset '" + name + "'");
    return;
  }
  write_dataset<double>(loc, name, {}, &value);
}

/// Writes a 1-D dataset of variable-length UTF-8 strings.
inline void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values) {
  Handle type = vlen_utf8();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), "create dataspace for '" + name + "'");
  Handle dset(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              "create dataset '" + name + "'");
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0) {
    check_status(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
                 "write dataset '" + name + "'");
  }
}

/// Reads a whole dataset converted to T (row-major).
template <class T>
std::vector<T> read_all(hid_t dset) {
  hsize_t n = 1;
  for (hsize_t d : dims(dset)) n *= d;
  std::vector<T> out(n);
  if (n > 0) {
    check_status(H5Dread(dset, TypeOf<T>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                 "read dataset");
  }
  return out;
}

/// Reads a 1-D dataset of strings (variable- or fixed-length).
inline std::vector<std::string> read_strings(hid_t dset) {
  Handle ftype(H5Dget_type(dset), "dataset type");
  if (H5Tget_class(ftype) != H5T_STRING) throw std::runtime_error("HDF5: dataset is not strings");
  const auto d = dims(dset);
  const hsize_t n = d.empty() ? 1 : d[0];
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(ftype) > 0) {
    Handle mtype = vlen_utf8();
    std::vector<char*> ptrs(n, nullptr);
    check_status(H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read strings");
    for (char* p : ptrs) {
      out.emplace_back(p ? p : "");
      H5free_memory(p);
    }
    return out;
  }
  const std::size_t size = H5Tget_size(ftype);
  Handle mtype(H5Tcopy(H5T_C_S1), "copy string type");
  check_status(H5Tset_size(mtype, size), "set string size");
  std::vector<char> buf(n * size);
  check_status(H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read strings");
  for (hsize_t i = 0; i < n; ++i) {
    const char* s = buf.data() + i * size;
    std::size_t len = 0;
    while (len < size && s[len] != '\0') ++len;
    out.emplace_back(s, len);
  }
  return out;
}

/// An extendible chunked dataset of shape (n, row_shape...) that grows one row at a time.
/// Handles stay open between appends; rows never written read back as the fill value.
class Appender {
public:
  struct Options {
    hsize_t chunk_rows = 1;  ///< rows per chunk
    bool compress = false;   ///< shuffle + deflate level 1
    double fill = 0.0;       ///< value of rows that are extended but not written (NaN for fields)
  };

  Appender() = default;
  Appender(hid_t loc, const std::string& name, std::vector<hsize_t> row_shape, const Options& opt)
      : row_shape_(std::move(row_shape)), name_(name) {
    std::vector<hsize_t> cur{0}, max{H5S_UNLIMITED}, chunk{opt.chunk_rows > 0 ? opt.chunk_rows : 1};
    row_size_ = 1;
    for (hsize_t s : row_shape_) {
      cur.push_back(s);
      max.push_back(s);
      chunk.push_back(s > 0 ? s : 1);  // a chunk dimension must be positive
      row_size_ *= s;
    }
    const int rank = static_cast<int>(cur.size());
    Handle space(H5Screate_simple(rank, cur.data(), max.data()), "create dataspace for '" + name + "'");
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), "create dataset property list");
    check_status(H5Pset_chunk(dcpl, rank, chunk.data()), "set chunk shape of '" + name + "'");
    if (opt.compress) {
      check_status(H5Pset_shuffle(dcpl), "set shuffle filter");  // shuffle must precede deflate
      check_status(H5Pset_deflate(dcpl, 1), "set deflate filter");
    }
    check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &opt.fill), "set fill value");
    dset_ = Handle(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                   "create dataset '" + name + "'");
    std::vector<hsize_t> one = cur;
    one[0] = 1;
    memspace_ = Handle(H5Screate_simple(rank, one.data(), nullptr), "create memory dataspace");
  }

  /// The dataset `name` an earlier writer created, cut to its first `rows` rows (a resumed run
  /// drops what came after its checkpoint).
  static Appender reopen(hid_t loc, const std::string& name, hsize_t rows) {
    Appender a;
    a.name_ = name;
    a.dset_ = open_dataset(loc, name);
    std::vector<hsize_t> extent = dims(a.dset_);
    if (extent.empty()) fail("dataset '" + name + "' is not extendible");
    a.row_shape_.assign(extent.begin() + 1, extent.end());
    for (hsize_t s : a.row_shape_) a.row_size_ *= s;
    std::vector<hsize_t> one = extent;
    one[0] = 1;
    a.memspace_ = Handle(H5Screate_simple(static_cast<int>(one.size()), one.data(), nullptr), "create memory dataspace");
    extent[0] = std::min(extent[0], rows);
    check_status(H5Dset_extent(a.dset_, extent.data()), "cut dataset '" + name + "'");
    a.rows_ = extent[0];
    return a;
  }

  bool valid() const noexcept { return dset_.valid(); }
  hid_t dataset() const noexcept { return dset_; }
  hsize_t rows() const noexcept { return rows_; }
  hsize_t row_size() const noexcept { return row_size_; }
  const std::string& name() const noexcept { return name_; }

  /// Grows the dataset by one row and writes `row` (row_size() doubles) into it; with
  /// `row == nullptr` the new row keeps the fill value.
  void append(const double* row) {
    std::vector<hsize_t> extent{rows_ + 1};
    extent.insert(extent.end(), row_shape_.begin(), row_shape_.end());
    check_status(H5Dset_extent(dset_, extent.data()), "extend dataset '" + name_ + "'");
    ++rows_;
    if (row == nullptr || row_size_ == 0) return;
    Handle fspace(H5Dget_space(dset_), "dataset space");
    std::vector<hsize_t> start(extent.size(), 0), count = extent;
    start[0] = rows_ - 1;
    count[0] = 1;
    check_status(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                 "select row of '" + name_ + "'");
    check_status(H5Dwrite(dset_, H5T_NATIVE_DOUBLE, memspace_, fspace, H5P_DEFAULT, row),
                 "write row of '" + name_ + "'");
  }

  /// Grows the dataset (with fill values) until it has `n` rows.
  void pad_to(hsize_t n) {
    if (rows_ >= n) return;
    std::vector<hsize_t> extent{n};
    extent.insert(extent.end(), row_shape_.begin(), row_shape_.end());
    check_status(H5Dset_extent(dset_, extent.data()), "extend dataset '" + name_ + "'");
    rows_ = n;
  }

private:
  Handle dset_, memspace_;
  std::vector<hsize_t> row_shape_;
  hsize_t row_size_ = 1, rows_ = 0;
  std::string name_;
};

}  // namespace fascia::io::h5
