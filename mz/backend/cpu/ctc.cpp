// CTC loss on the cpu: the ref kernel run on slices of the batch in parallel. Samples are
// independent, so any thread count gives the same bits.
#include <algorithm>
#include <vector>

#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

namespace mz::cpu {
namespace {

// Rows [begin, end) of t's first axis, as a view sharing t's storage.
Tensor batch_rows(const Tensor& t, int64_t begin, int64_t end) {
  Shape shape = t.shape();
  shape[0] = end - begin;
  return Tensor::view_of(t.storage(), shape, t.strides(), t.offset() + begin * t.strides()[0],
                         t.dtype(), t.device());
}

// The ref kernel's contract (backend/ref/ctc.cpp); one task per sample.
template <class T>
void ctc_loss(const KernelArgs& k) {
  const KernelFn ref = kernel_table(DeviceType::ref).get(Op::ctc_loss, dtype_of<T>);
  const int64_t batch = k.in[0].shape()[0];
  // Work per sample grows with steps * (2 * label width + 1); small problems stay inline.
  const int64_t work = k.in[0].shape()[1] * (2 * k.in[1].shape()[1] + 1);
  const KernelArgs* args = &k;
  parallel_for(batch, std::max<int64_t>(1, 4096 / std::max<int64_t>(work, 1)),
               [args, ref](int64_t begin, int64_t end) {
                 std::vector<Tensor> in, out;
                 for (int i = 0; i < args->n_in; ++i)
                   in.push_back(batch_rows(args->in[i], begin, end));
                 for (int i = 0; i < args->n_out; ++i)
                   out.push_back(batch_rows(args->out[i], begin, end));
                 KernelArgs part = *args;
                 part.in = in.data();
                 part.out = out.data();
                 ref(part);
               });
}

}  // namespace

void register_ctc(KernelTable& t) {
  t.set(Op::ctc_loss, DType::f32, ctc_loss<float>);
  t.set(Op::ctc_loss, DType::f64, ctc_loss<double>);
}

}  // namespace mz::cpu
