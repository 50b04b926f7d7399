// Model::fit's data-parallel steps (see data_parallel.h): checks that gather one small record
// per rank, broadcasts from rank 0, averaged logs and the abort after a rank's failure.
#include "mz/nn/data_parallel.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "mz/core/grad_mode.h"
#include "mz/nn/callbacks/backup_and_restore.h"
#include "mz/nn/callbacks/csv_logger.h"
#include "mz/nn/callbacks/model_checkpoint.h"
#include "mz/nn/callbacks/progbar_logger.h"
#include "mz/nn/distributed_optimizer.h"
#include "mz/nn/model.h"
#include "mz/ops/creation.h"

namespace mz::dist::detail {
namespace {

// One line per weight: what must agree across ranks (shape, dtype) and the path for messages.
struct ParamLine {
  std::string path, signature;
};

std::vector<ParamLine> param_lines(const Model& model) {
  std::vector<ParamLine> out;
  for (const VariablePtr& v : model.weights())
    out.push_back({v->path, str(v->value.shape(), " ", dtype_name(v->value.dtype()))});
  return out;
}

// FNV-1a over the signatures and their count.
int64_t fingerprint(const std::vector<ParamLine>& lines) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xffu) * 1099511628211ull;
  };
  for (const ParamLine& l : lines) mix(l.signature);
  mix(std::to_string(lines.size()));
  return static_cast<int64_t>(h);
}

std::string join(const std::vector<ParamLine>& lines) {
  std::string out;
  for (const ParamLine& l : lines) out += l.path + "\t" + l.signature + "\n";
  return out;
}

std::vector<ParamLine> split(const std::string& text) {
  std::vector<ParamLine> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

// Each rank's values of a small int64 record, gathered: out[r][i].
std::vector<std::vector<int64_t>> gather_record(Communicator& comm,
                                                const std::vector<int64_t>& record,
                                                const std::string& what) {
  auto n = static_cast<int64_t>(record.size());
  Tensor mine = tensor(record, Shape{n});
  std::vector<int64_t> all = comm.all_gather(mine, what).to_vector<int64_t>();
  std::vector<std::vector<int64_t>> out;
  for (int r = 0; r < comm.size(); ++r)
    out.emplace_back(all.begin() + r * n, all.begin() + (r + 1) * n);
  return out;
}

}  // namespace

void check_fit_arguments(Communicator& comm, int64_t samples, const FitOptions& o) {
  const std::vector<int64_t> mine = {samples,         o.batch_size,      o.epochs,
                                     o.initial_epoch, o.steps_per_epoch, o.shuffle ? 1 : 0};
  auto all = gather_record(comm, mine, "fit arguments");
  static const char* const kNames[] = {"samples",       "batch_size",      "epochs",
                                       "initial_epoch", "steps_per_epoch", "shuffle"};
  std::vector<int> differ;
  std::string first;
  for (int r = 1; r < comm.size(); ++r) {
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const int64_t a = all[0][i], b = all[static_cast<std::size_t>(r)][i];
      if (a == b) continue;
      differ.push_back(r);
      if (first.empty()) {
        first = str(kNames[i], " is ", a, " on rank 0 but ", b, " on rank ", r);
        if (i == 0) {
          const int64_t bs = all[0][1];
          first +=
              str(" (", (a + bs - 1) / bs, " batches of ", bs, " against ", (b + bs - 1) / bs, ")");
        }
      }
      break;
    }
  }
  if (differ.empty() && o.batch_size < comm.size())
    throw DistributedError(str("Model.fit (distributed): batch_size is the global batch, split "
                               "over the ranks: expected at least ",
                               comm.size(), " (one row per rank), got ", o.batch_size, "."),
                           /*agreed=*/true);
  if (differ.empty()) return;
  throw DistributedError(
      str("Model.fit (distributed): rank", differ.size() > 1 ? "s " : " ", rank_list(differ),
          " called fit differently from rank 0: ", first,
          ". Every rank must pass the same data set and options (each takes its own shard)."),
      /*agreed=*/true);
}

int64_t samples_kept(const Communicator& comm, int64_t samples, int64_t batch_size) {
  const int64_t tail = samples % batch_size;
  return tail > 0 && tail < comm.size() ? samples - tail : samples;
}

void check_same_model(Communicator& comm, const Model& model) {
  std::vector<ParamLine> lines = param_lines(model);
  auto all = gather_record(comm, {fingerprint(lines), static_cast<int64_t>(lines.size())},
                           "model fingerprint");
  bool any_empty = false;
  for (const auto& rec : all) any_empty = any_empty || rec[1] == 0;
  if (any_empty)
    throw DistributedError(
        str("Model.fit (distributed): ", model.who(),
            " has no weights on some rank: a distributed fit broadcasts rank 0's weights "
            "before the first step, so build the model first (give it an Input or call "
            "build())."),
        /*agreed=*/true);
  std::vector<int> differ;
  for (int r = 1; r < comm.size(); ++r)
    if (all[static_cast<std::size_t>(r)][0] != all[0][0]) differ.push_back(r);
  if (differ.empty()) return;

  // Rank 0's parameter list goes to every rank; the first differing rank describes its first
  // difference and broadcasts the description, so every rank throws the same message.
  std::string reference = comm.rank() == 0 ? join(lines) : std::string();
  comm.broadcast(reference, 0, "model description");
  std::string detail;
  if (comm.rank() == differ.front()) {
    std::vector<ParamLine> theirs = split(reference);
    std::size_t i = 0;
    while (i < theirs.size() && i < lines.size() && theirs[i].signature == lines[i].signature) ++i;
    auto side = [](const std::vector<ParamLine>& l, std::size_t k) {
      return k < l.size() ? str("\"", l[k].path, "\" ", l[k].signature)
                          : str("no parameter (", l.size(), " in all)");
    };
    detail = str("first difference at parameter ", i, ": rank 0 has ", side(theirs, i), ", rank ",
                 comm.rank(), " has ", side(lines, i));
  }
  comm.broadcast(detail, differ.front(), "model difference");
  throw DistributedError(str("Model.fit (distributed): rank", differ.size() > 1 ? "s " : " ",
                             rank_list(differ), " built a different model from rank 0's: ", detail,
                             ". Build the same model on every rank."),
                         /*agreed=*/true);
}

void broadcast_fit_state(Communicator& comm, Model& model, int root) {
  NoGrad no_grad;
  for (const VariablePtr& v : model.weights()) comm.broadcast(v->value, root, v->path);
  // The optimizer: slots built as the first step would, then iterations, rate and slots.
  Optimizer& opt = *model.optimizer();
  opt.build_for(model.trainable_weights());
  std::vector<Tensor> state = opt.variables();  // iterations, [learning rate,] slots
  const Json config = opt.config();  // a schedule serialises as an object, a constant as a number
  const bool constant_rate =
      !config.contains("learning_rate") || !config["learning_rate"].is_object();
  Tensor scalars = tensor(
      std::vector<double>{static_cast<double>(opt.iterations()), opt.learning_rate()}, Shape{2});
  comm.broadcast(scalars, root, opt.who() + " iterations");
  std::vector<double> s = scalars.to_vector<double>();
  const std::size_t first_slot = constant_rate ? 2 : 1;
  std::vector<Tensor> slots;
  for (std::size_t i = first_slot; i < state.size(); ++i) {
    Tensor slot = state[i].contiguous().clone();
    comm.broadcast(slot, root, str(opt.who(), " slot ", i - first_slot));
    slots.push_back(slot);
  }
  opt.set_state(static_cast<int64_t>(s[0]), slots);
  if (constant_rate) opt.set_learning_rate(s[1]);
  // The shuffle generator and the position a restore asked for (BackupAndRestore on rank 0).
  std::string gen = model.shuffle_generator().state();
  comm.broadcast(gen, root, "shuffle generator");
  model.shuffle_generator().set_state(gen);
  FitPosition p = model.resume_from.value_or(FitPosition{});
  Tensor pos = tensor(std::vector<int64_t>{model.resume_from ? 1 : 0, p.epoch, p.batch,
                                           p.pass_batch, p.pass_open ? 1 : 0},
                      Shape{5});
  comm.broadcast(pos, root, "resume position");
  comm.broadcast(p.pass_shuffle_state, root, "resume shuffle state");
  std::vector<int64_t> q = pos.to_vector<int64_t>();
  if (q[0] == 0) {
    model.resume_from.reset();
  } else {
    model.resume_from = FitPosition{.epoch = static_cast<int>(q[1]),
                                    .batch = q[2],
                                    .pass_batch = q[3],
                                    .pass_open = q[4] != 0,
                                    .pass_shuffle_state = p.pass_shuffle_state};
  }
}

void take_shard(DistributedOptimizer& reducer, std::vector<Tensor>& xb, std::vector<Tensor>& yb,
                Tensor& swb) {
  Communicator& comm = *reducer.communicator();
  const int64_t global = xb.at(0).size(0);
  auto [begin, end] = shard(comm, global);
  for (Tensor& t : xb) t = t.slice(0, begin, end);
  for (Tensor& t : yb) t = t.slice(0, begin, end);
  if (swb.defined()) swb = swb.slice(0, begin, end);
  reducer.set_sample_share(end - begin, global);
}

std::pair<int64_t, int64_t> shard(const Communicator& comm, int64_t rows) {
  const int64_t r = comm.rank(), n = comm.size();
  return {r * rows / n, (r + 1) * rows / n};
}

void average_logs(Communicator& comm, Logs& logs, double weight) {
  if (comm.size() == 1) return;
  std::vector<double> packed;
  for (const auto& [key, value] : logs) packed.push_back(value * weight);
  packed.push_back(weight);
  Tensor t = tensor(packed, Shape{static_cast<int64_t>(packed.size())});
  comm.all_reduce(t, ReduceOp::sum, "logs");
  std::vector<double> sums = t.to_vector<double>();
  bool finite = true;
  for (double v : sums) finite = finite && std::isfinite(v);
  if (!finite) {  // name the ranks the NaN or Inf came from (every rank sees it, so all gather)
    bool mine = false;
    for (const auto& [key, value] : logs) mine = mine || !std::isfinite(value);
    std::vector<int64_t> flags =
        comm.all_gather(scalar(mine ? 1.0 : 0.0, {.dtype = DType::i64}), "non-finite logs")
            .to_vector<int64_t>();
    std::vector<int> from;
    for (int r = 0; r < comm.size(); ++r)
      if (flags[static_cast<std::size_t>(r)] != 0) from.push_back(r);
    if (comm.rank() == 0)
      std::fprintf(stderr,
                   "mz::dist: NaN or Inf in the loss or metrics at %s on rank%s %s; the "
                   "average over ranks carries it to every rank.\n",
                   comm.step().c_str(), from.size() > 1 ? "s" : "", rank_list(from).c_str());
  }
  const double total = sums.back();
  if (!(total > 0.0)) return;
  std::size_t i = 0;
  for (auto& [key, value] : logs) value = sums[i++] / total;
}

bool agree_stop(Communicator& comm, bool stop) {
  if (comm.size() == 1) return stop;
  Tensor flag = scalar(stop ? 1.0 : 0.0, {.dtype = DType::f64, .device = Device::cpu()});
  comm.all_reduce(flag, ReduceOp::sum, "stop_training");
  return flag.item<double>() > 0.0;
}

std::vector<CallbackSpec> rank_callbacks(const Communicator& comm,
                                         const std::vector<CallbackSpec>& callbacks) {
  if (comm.rank() == 0) return callbacks;
  std::vector<CallbackSpec> out;
  for (const CallbackSpec& c : callbacks) {
    Callback* p = c.get().get();
    if (dynamic_cast<callbacks::ModelCheckpoint*>(p) ||
        dynamic_cast<callbacks::BackupAndRestore*>(p) || dynamic_cast<callbacks::CSVLogger*>(p) ||
        dynamic_cast<callbacks::ProgbarLogger*>(p))
      continue;
    out.push_back(c);
  }
  return out;
}

void fail(Communicator& comm, const std::exception_ptr& error) {
  std::string what;
  try {
    std::rethrow_exception(error);
  } catch (const DistributedError& e) {
    if (e.agreed()) return;
    what = e.what();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception that is not a std::exception";
  }
  comm.abort(str("mz::dist: rank ", comm.rank(), " of ", comm.size(), " failed",
                 comm.step().empty() ? "" : " at ", comm.step(), ": ", what));
}

}  // namespace mz::dist::detail
