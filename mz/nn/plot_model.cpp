// plot_model: the DOT text is ours (Keras's node labels: name and class, shapes, dtype,
// activation, trainable); the layout and SVG/PNG/PDF come from Graphviz's library (libgvc).
#include "mz/nn/plot_model.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "mz/io/file.h"
#include "mz/nn/functional.h"
#include "mz/nn/layers/input_layer.h"

#ifdef MZ_HAVE_GRAPHVIZ
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#endif

namespace mz {
namespace {

std::string shape_text(const Shape& s) {
  std::string out = "(";
  for (int i = 0; i < s.rank(); ++i)
    out += str(i ? ", " : "", s[i] < 0 ? std::string("None") : std::to_string(s[i]));
  return out + (s.rank() == 1 ? ",)" : ")");
}

// A record label inside a double-quoted DOT string: quotes, backslashes and the record
// characters escaped, line breaks as \n.
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '|' || c == '<' || c == '>')
      out += '\\';
    out += c;
  }
  return out;
}

std::string label(Layer& layer, const PlotOptions& o) {
  std::string text = o.show_layer_names ? str(layer.name(), " (", layer.class_name(), ")")
                                        : layer.class_name();
  Json config = layer.config();
  if (o.show_layer_activations && config.contains("activation") &&
      config["activation"].is_string())
    text += str("\nActivation: ", config["activation"].get<std::string>());
  if (o.show_dtype) text += str("\nDtype: ", dtype_name(layer.dtype()));
  if (o.show_shapes && layer.built() && !layer.build_shapes().empty()) {
    std::string in, out;
    for (const Shape& s : layer.build_shapes()) in += (in.empty() ? "" : ", ") + shape_text(s);
    try {
      for (const Shape& s : layer.compute_output_shapes(layer.build_shapes()))
        out += (out.empty() ? "" : ", ") + shape_text(s);
    } catch (const Error&) {
      out = "?";
    }
    text += str("\nInput shape: ", in, "\nOutput shape: ", out);
  }
  if (o.show_trainable) text += str("\nTrainable: ", layer.trainable() ? "True" : "False");
  return text;
}

}  // namespace

std::string model_to_dot(const Model& model, const PlotOptions& o) {
  if (o.rankdir != "TB" && o.rankdir != "LR" && o.rankdir != "BT" && o.rankdir != "RL")
    throw ValueError(str("plot_model: rankdir must be \"TB\", \"LR\", \"BT\" or \"RL\", got \"",
                         o.rankdir, "\"."));
  std::string dot = str("digraph \"", escape(model.name()), "\" {\n  rankdir=", o.rankdir,
                        ";\n  concentrate=true;\n  node [shape=record, fontname=\"Helvetica\"];\n");
  std::vector<LayerPtr> layers = model.layers();
  std::map<const Layer*, std::size_t> id;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    id[layers[i].get().get()] = i;
    dot += str("  n", i, " [label=\"", escape(label(*layers[i], o)), "\"];\n");
  }
  if (const detail::Graph* graph = model.graph()) {
    for (const LayerPtr& layer : layers)
      for (const std::string& from : graph->connected_to(*layer)) {
        std::string name = from.substr(0, from.find('['));
        auto it = std::find_if(layers.begin(), layers.end(),
                               [&](const LayerPtr& l) { return l->name() == name; });
        if (it != layers.end())
          dot += str("  n", id[it->get().get()], " -> n", id[layer.get().get()], ";\n");
      }
  } else {
    for (std::size_t i = 1; i < layers.size(); ++i) dot += str("  n", i - 1, " -> n", i, ";\n");
  }
  return dot + "}\n";
}

void plot_model(const Model& model, const std::string& to_file, const PlotOptions& o) {
  const std::string who = io::detail::who_file("plot_model", to_file);
  std::string ext = to_file.substr(std::min(to_file.size(), to_file.rfind('.') + 1));
  std::string dot = model_to_dot(model, o);
  if (ext == "dot" || ext == "gv") {
    io::detail::write_file_atomic(to_file, {{dot.data(), dot.size()}}, who);
    return;
  }
  if (ext != "svg" && ext != "png" && ext != "pdf")
    throw ValueError(str(who, ": unknown format \".", ext,
                         "\": expected a file ending in .dot, .svg, .png or .pdf."));
#ifdef MZ_HAVE_GRAPHVIZ
  GVC_t* gvc = gvContext();
  Agraph_t* graph = agmemread(dot.c_str());
  if (!graph) {
    gvFreeContext(gvc);
    throw InternalError(str(who, ": Graphviz could not read the DOT text; this is a bug in "
                                 "merezha; please report it."));
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rc = gvLayout(gvc, graph, "dot");
  if (rc == 0) rc = gvRenderData(gvc, graph, ext.c_str(), &data, &length);
  std::string bytes = rc == 0 && data ? std::string(data, length) : std::string();
  if (data) gvFreeRenderData(data);
  gvFreeLayout(gvc, graph);
  agclose(graph);
  gvFreeContext(gvc);
  if (rc != 0)
    throw IoError(str(who, ": Graphviz could not render \"", ext,
                      "\" (is its plugin installed? apt-get install libgraphviz-dev)."));
  io::detail::write_file_atomic(to_file, {{bytes.data(), bytes.size()}}, who);
#else
  throw IoError(str(who, ": merezha was built without Graphviz, so only .dot files can be "
                         "written: apt-get install libgraphviz-dev and rebuild, or pass a .dot "
                         "file name."));
#endif
}

}  // namespace mz
