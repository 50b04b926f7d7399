// Classic networks (mz/classic, mz/classic/neurolab) saved in the .keras container under their
// own class names: metadata.json (with "merezha_classic": true), config.json {"module":
// "merezha.classic", "class_name", "config"} and model.weights.h5 holding the state tensors.
#pragma once

#include <string>

#include "mz/classic/bam.h"
#include "mz/classic/boltzmann.h"
#include "mz/classic/cellular.h"
#include "mz/classic/hamming.h"
#include "mz/classic/hopfield.h"
#include "mz/classic/hopfield_tank.h"
#include "mz/classic/neurolab/net.h"
#include "mz/classic/perceptron.h"
#include "mz/classic/rbf.h"
#include "mz/classic/rbm.h"
#include "mz/classic/som.h"

namespace mz {

// Saves `net` as a .keras archive (atomic write: the previous file stays until the new one is
// complete). config.json holds the constructor arguments and options; model.weights.h5 the
// state tensors (float64) by name. Throws ValueError for a path not ending in ".keras",
// IoError when the file cannot be written, BackendError without libzip or libhdf5.
// SelfOrganizingMap: "weights" (rows, cols, input_dim); the sampling generator restarts from
// options.seed on load.
void save_classic(const classic::SelfOrganizingMap& net, const std::string& path);
// Hopfield: "weights" (units, units) and "thresholds" (units,).
void save_classic(const classic::Hopfield& net, const std::string& path);
// Perceptron: "weights" (S, R) and "bias" (S,).
void save_classic(const classic::Perceptron& net, const std::string& path);
// Adaline: "weights" (S, R) and "bias" (S,).
void save_classic(const classic::Adaline& net, const std::string& path);
// nl::Net (class name "Net"): ci, co, connect, trainf/errorf names and each layer's kind,
// sizes, transfer function (with SatLinPrm's k and range), max_iter and delta in config.json;
// net/inp_minmax, net/out_minmax and layers/<i>/{w, b, conscience, inp_minmax, out_minmax,
// out (the last output: Elman context), hebbian_patterns, hebbian_w} in the weights, so sim()
// after load gives the same outputs. Each layer's initf list is stored by name (initnw,
// initwb_reg, initwb_lin, init_zeros, midpoint; InitRand with its arguments); a function of
// the caller's is stored as null and left out on load. Loading draws nothing from nl::random().
void save_classic(const classic::nl::Net& net, const std::string& path);
// RadialBasisNetwork: "centers" (K, d), "biases" (K,), "weights" (K, o), "output_bias" (o,);
// newrb's training history is not kept.
void save_classic(const classic::RadialBasisNetwork& net, const std::string& path);
// HammingNet: its options in config.json and "exemplars" (M, N).
void save_classic(const classic::HammingNet& net, const std::string& path);
// BidirectionalAssociativeMemory: "weights" (x_units, y_units).
void save_classic(const classic::BidirectionalAssociativeMemory& net, const std::string& path);
// RestrictedBoltzmannMachine: its options, "weights" (visible, hidden), "visible_bias",
// "hidden_bias"; the generator and persistent chains restart from options.seed on load.
void save_classic(const classic::RestrictedBoltzmannMachine& net, const std::string& path);
// BoltzmannMachine: its options (the schedule as [temperature, sweeps] pairs), "weights"
// (units, units) and "bias" (units,); the generator restarts from options.seed on load.
void save_classic(const classic::BoltzmannMachine& net, const std::string& path);
// HopfieldTank: "cities" (n, 2) (solve() takes its options per call).
void save_classic(const classic::HopfieldTank& net, const std::string& path);
// CellularNetwork: radius, z and the options in config.json, "a" and "b" (2r+1, 2r+1).
void save_classic(const classic::CellularNetwork& net, const std::string& path);

// Loads a network saved by save_classic. Throws IoError when the file cannot be read,
// FormatError naming the file and the part for anything else: not a classic archive, another
// class ("config.json: expected class_name \"Hopfield\", got \"SelfOrganizingMap\"."), a
// missing or mistyped config entry, a missing tensor or one of the wrong shape
// ("model.weights.h5: \"weights\" is (3, 3), expected (4, 4).").
template <class T>
T load_classic(const std::string& path);

// The class name stored in a classic archive ("SelfOrganizingMap", "Net", ...); throws as
// load_classic for a file that is not one.
std::string classic_class_name(const std::string& path);

template <>
classic::SelfOrganizingMap load_classic<classic::SelfOrganizingMap>(const std::string& path);
template <>
classic::Hopfield load_classic<classic::Hopfield>(const std::string& path);
template <>
classic::Perceptron load_classic<classic::Perceptron>(const std::string& path);
template <>
classic::Adaline load_classic<classic::Adaline>(const std::string& path);
template <>
classic::nl::Net load_classic<classic::nl::Net>(const std::string& path);
template <>
classic::RadialBasisNetwork load_classic<classic::RadialBasisNetwork>(const std::string& path);
template <>
classic::HammingNet load_classic<classic::HammingNet>(const std::string& path);
template <>
classic::BidirectionalAssociativeMemory load_classic<classic::BidirectionalAssociativeMemory>(
    const std::string& path);
template <>
classic::RestrictedBoltzmannMachine load_classic<classic::RestrictedBoltzmannMachine>(
    const std::string& path);
template <>
classic::BoltzmannMachine load_classic<classic::BoltzmannMachine>(const std::string& path);
template <>
classic::HopfieldTank load_classic<classic::HopfieldTank>(const std::string& path);
template <>
classic::CellularNetwork load_classic<classic::CellularNetwork>(const std::string& path);

}  // namespace mz
