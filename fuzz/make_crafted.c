/* Writes the crafted HDF5 files of fuzz/crafted/ (reliability.md F3): each holds one thing a
 * weights loader must refuse by name. Build and run from the repository root:
 *   h5cc -o /tmp/make_crafted fuzz/make_crafted.c && /tmp/make_crafted fuzz/crafted
 * libhdf5 1.10.8 (Debian 12) wrote the committed files. */
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char out_dir[4096];

static const char* at(const char* name) {
  static char path[8192];
  snprintf(path, sizeof path, "%s/%s", out_dir, name);
  return path;
}

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "make_crafted: %s failed\n", what);
    exit(1);
  }
}

/* A file with superblock 0 (what h5py writes) and the group "layers/dense/vars". */
static hid_t start(const char* name, hid_t* vars) {
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  hid_t f = H5Fcreate(at(name), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  check(f >= 0, name);
  H5Pclose(fcpl);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  *vars = H5Gcreate2(f, "layers/dense/vars", lcpl, H5P_DEFAULT, H5P_DEFAULT);
  check(*vars >= 0, "group");
  H5Pclose(lcpl);
  return f;
}

static void finish(hid_t f, hid_t vars) {
  H5Gclose(vars);
  H5Fclose(f);
}

/* A plain float32 dataset "0" of 4 values in `vars`. */
static void plain(hid_t vars, const char* name) {
  hsize_t dims[1] = {4};
  float v[4] = {1, 2, 3, 4};
  hid_t s = H5Screate_simple(1, dims, NULL);
  hid_t d = H5Dcreate2(vars, name, H5T_IEEE_F32LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  check(d >= 0, "plain dataset");
  H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  H5Dclose(d);
  H5Sclose(s);
}

/* 1 TiB declared (2^38 float32), one 1 KB chunk stored. */
static void shape_bomb(void) {
  hid_t vars, f = start("shape_bomb.weights.h5", &vars);
  hsize_t dims[1] = {(hsize_t)1 << 38}, chunk[1] = {256}, start_[1] = {0}, count[1] = {256};
  hid_t s = H5Screate_simple(1, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 1, chunk);
  hid_t d = H5Dcreate2(vars, "0", H5T_IEEE_F32LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  check(d >= 0, "shape bomb dataset");
  float v[256];
  for (int i = 0; i < 256; ++i) v[i] = (float)i;
  hid_t mem = H5Screate_simple(1, count, NULL);
  H5Sselect_hyperslab(s, H5S_SELECT_SET, start_, NULL, count, NULL);
  check(H5Dwrite(d, H5T_NATIVE_FLOAT, mem, s, H5P_DEFAULT, v) >= 0, "shape bomb write");
  H5Sclose(mem);
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(s);
  finish(f, vars);
}

static void soft_link(void) {
  hid_t vars, f = start("soft_link.weights.h5", &vars);
  plain(vars, "0");
  check(H5Lcreate_soft("/layers/dense/vars/0", vars, "1", H5P_DEFAULT, H5P_DEFAULT) >= 0,
        "soft link");
  finish(f, vars);
}

static void external_link(void) {
  hid_t vars, f = start("external_link.weights.h5", &vars);
  plain(vars, "0");
  check(H5Lcreate_external("/etc/other.h5", "/x", vars, "1", H5P_DEFAULT, H5P_DEFAULT) >= 0,
        "external link");
  finish(f, vars);
}

/* A dataset whose 16 bytes live in the raw file "/etc/passwd". */
static void external_dataset(void) {
  hid_t vars, f = start("external_dataset.weights.h5", &vars);
  hsize_t dims[1] = {4};
  hid_t s = H5Screate_simple(1, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  check(H5Pset_external(dcpl, "/etc/passwd", 0, 16) >= 0, "set_external");
  hid_t d = H5Dcreate2(vars, "0", H5T_IEEE_F32LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  check(d >= 0, "external dataset");
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(s);
  finish(f, vars);
}

/* A virtual dataset mapping all of "/x" of "source.h5". */
static void virtual_dataset(void) {
  hid_t vars, f = start("virtual_dataset.weights.h5", &vars);
  hsize_t dims[1] = {4};
  hid_t s = H5Screate_simple(1, dims, NULL);
  hid_t src = H5Screate_simple(1, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  check(H5Pset_virtual(dcpl, s, "source.h5", "/x", src) >= 0, "set_virtual");
  hid_t d = H5Dcreate2(vars, "0", H5T_IEEE_F32LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  check(d >= 0, "virtual dataset");
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(src);
  H5Sclose(s);
  finish(f, vars);
}

/* Dims (2^62, 2^62): their product overflows 64 bits (chunked, nothing stored). */
static void overflow_dims(void) {
  hid_t vars, f = start("overflow_dims.weights.h5", &vars);
  hsize_t dims[2] = {(hsize_t)1 << 62, (hsize_t)1 << 62}, chunk[2] = {16, 16};
  hid_t s = H5Screate_simple(2, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 2, chunk);
  hid_t d = H5Dcreate2(vars, "0", H5T_IEEE_F32LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  check(d >= 0, "overflow dataset");
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(s);
  finish(f, vars);
}

int main(int argc, char** argv) {
  snprintf(out_dir, sizeof out_dir, "%s", argc > 1 ? argv[1] : ".");
  shape_bomb();
  soft_link();
  external_link();
  external_dataset();
  virtual_dataset();
  overflow_dims();
  return 0;
}
