// The demo table (lecture order) and run_demo. Each demo lives in examples/apps/<name>.cpp;
// adding one is a declaration and a table row here.
#include "examples/apps/demos.h"

#include "mz/core/error.h"

namespace mz::apps {

// One entry point per demo, defined in its own file.
DemoResult iris_perceptron(const DemoOptions& options, std::ostream& out);
DemoResult iris_lvq(const DemoOptions& options, std::ostream& out);
DemoResult fashion_mlp(const DemoOptions& options, std::ostream& out);
DemoResult fashion_cnn(const DemoOptions& options, std::ostream& out);
DemoResult som_iris(const DemoOptions& options, std::ostream& out);
DemoResult som_wine(const DemoOptions& options, std::ostream& out);
DemoResult tsp(const DemoOptions& options, std::ostream& out);
DemoResult hopfield_letters(const DemoOptions& options, std::ostream& out);
DemoResult bam_letters(const DemoOptions& options, std::ostream& out);
DemoResult approximation(const DemoOptions& options, std::ostream& out);
DemoResult forecasting(const DemoOptions& options, std::ostream& out);
DemoResult cart_pole(const DemoOptions& options, std::ostream& out);

const std::vector<Demo>& demos() {
  static const std::vector<Demo> table = {
      // classification
      {"iris_perceptron", "Iris: one-vs-one perceptrons (pocket rule), held-out accuracy",
       iris_perceptron},
      {"iris_lvq", "Iris: learning vector quantisation (neurolab newlvq, LVQ1), held-out accuracy",
       iris_lvq},
      {"fashion_mlp", "Fashion-MNIST: MLP 784-256-128-10 (Keras face), test accuracy, confusion",
       fashion_mlp},
      {"fashion_cnn", "Fashion-MNIST: CNN, 2 Conv2D+BatchNorm blocks (Keras face), test accuracy",
       fashion_cnn},
      // clustering
      {"som_iris", "Iris: 7x7 self-organising map, U-matrix, hit map, quantisation error",
       som_iris},
      {"som_wine", "Wine: 8x8 self-organising map, U-matrix, hit map, cluster purity", som_wine},
      // approximation
      {"approximation", "RBF (newrbe, newrb) and MLP fit sinc and Franke's function; RMSE vs size",
       approximation},
      // forecasting
      {"forecasting", "Elman (SimpleRNN) and LSTM one-step forecasts of sunspots and CO2 vs naive",
       forecasting},
      // optimisation
      {"tsp", "TSP: Hopfield-Tank network and simulated annealing, 10 and 30 cities", tsp},
      // associative memory
      {"hopfield_letters", "Hopfield net recalling letters from 25% flipped pixels; recall vs load",
       hopfield_letters},
      {"bam_letters", "BAM pairing letters with codes, recall from 25% flipped pixels vs load",
       bam_letters},
      // control
      {"cart_pole", "Cart-pole: a 4-4-1 net trained by the cross-entropy method, 81 starts",
       cart_pole},
  };
  return table;
}

DemoResult run_demo(const std::string& name, const DemoOptions& options, std::ostream& out) {
  for (const Demo& demo : demos())
    if (demo.name == name) return demo.run(options, out);
  std::string names;
  for (const Demo& demo : demos()) names += (names.empty() ? "" : ", ") + demo.name;
  throw ValueError(
      mz::str("merezha demo: unknown demo '", name, "': expected one of ", names, "."));
}

}  // namespace mz::apps
