// Pictures of classic networks as plain SVG text (no dependency): heat maps of SOM grids
// (U-matrix, hit map, component planes), bipolar pattern strips with an energy trace
// (Hopfield recall), and TSP tours.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz::classic {

// A (rows, cols) grid as grey cells (black = largest value); hexagonal grids offset odd rows
// by half a cell, as SelfOrganizingMap places them. Values are printed when `labels`.
std::string grid_svg(const Tensor& grid, const std::string& title, bool hexagonal = false, bool labels = false);
// Bipolar patterns (n, height * width) side by side, +1 black, and below them the energy
// trace (empty: none) as a polyline.
std::string patterns_svg(const Tensor& patterns, int64_t height, int64_t width, const std::string& title,
                         const std::vector<double>& energy = {});
// Cities (n, 2) in the unit square with the closed tour drawn through them (empty: dots only).
std::string tour_svg(const Tensor& cities, const std::vector<int64_t>& tour, const std::string& title);
// Writes `text` to `path`; throws IoError when the file cannot be written.
void write_svg(const std::string& path, const std::string& text);

}  // namespace mz::classic
