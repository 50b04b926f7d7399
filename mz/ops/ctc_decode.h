// CTC decoding with Keras 3's keras.ops.ctc_decode semantics: greedy (best path) and prefix
// beam search. Host loops, no autograd (decoding is for inference).
#pragma once

#include <cstdint>
#include <string>

#include "mz/core/tensor.h"

namespace mz {

// ctc_decode's options, in Keras's order and with its defaults.
struct CtcDecodeOptions {
  std::string strategy = "greedy";  // "greedy" or "beam_search"
  int64_t beam_width = 100;         // beam_search: prefixes kept after each step
  int64_t top_paths = 1;            // beam_search: paths returned (at most beam_width)
  bool merge_repeated = true;       // greedy: collapse repeated classes (CTC's rule)
  int64_t mask_index = 0;           // the blank class
};

// What ctc_decode returns (Keras's (decoded, scores) tuple).
struct CtcDecoded {
  // (paths, batch, steps) int64: each path's labels left-aligned, padded with -1. paths is 1
  // for greedy (as Keras) and top_paths for beam search, best first.
  Tensor decoded;
  // In logits' dtype. greedy: (batch, 1), minus the sum over the first sequence_lengths[b] steps
  // of the largest logit (as Keras and tf.nn.ctc_greedy_decoder: raw logits, not
  // log-probabilities). beam_search: (batch, top_paths), the log probability of each decoded
  // label sequence (all its alignments) under log_softmax(logits); -inf for a path that does
  // not exist (fewer distinct sequences than top_paths).
  Tensor scores;
};

// Decodes logits (batch, steps, classes), un-normalised scores (beam search applies
// log_softmax), with sequence_lengths (batch,) int32/int64 in [0, steps]; steps past a
// sample's length are blank. greedy: the class with the largest logit at each step (the first
// at ties), repeats merged when merge_repeated, blanks dropped. beam_search: CTC prefix beam
// search (Graves 2012; as tf.nn.ctc_beam_search_decoder): keeps the beam_width label sequences
// of highest total probability (blank-ending and label-ending paths summed) after each step.
// Throws ShapeError for wrong ranks or batch sizes and ValueError for an unknown strategy,
// beam_width < 1, top_paths outside [1, beam_width], a mask_index outside [0, classes) or a
// length outside [0, steps].
CtcDecoded ctc_decode(const Tensor& logits, const Tensor& sequence_lengths,
                      const CtcDecodeOptions& options = {});

}  // namespace mz
