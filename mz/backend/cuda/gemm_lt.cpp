// cuBLASLt plans for linear: descriptors, layouts and the heuristic's algorithm, made once per
// (shape, layout, epilogue, alignment) and kept, so a training step's GEMMs cost one lookup.
#include <map>
#include <tuple>

#include "mz/backend/cuda/linalg.h"
#include "mz/core/error.h"

namespace mz::cuda {
namespace {

// The largest power of two up to 256 that divides the address (cuBLASLt's alignment hint).
int alignment(const void* p) {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  int align = 256;
  while (align > 1 && a % static_cast<std::uintptr_t>(align) != 0) align /= 2;
  return align;
}

using Key = std::tuple<int, bool, bool, int64_t, int64_t, int64_t, int, int64_t, int, int64_t, int,
                       int, int, int>;

struct Plan {
  bool ok = false;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulAlgo_t algo = {};
};

void lt_check(cublasStatus_t status, const char* what) { check(status, what); }

cublasLtEpilogue_t epilogue_of(Act act, bool has_bias) {
  if (act == Act::relu) return has_bias ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_RELU;
  return has_bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT;
}

// Column-major C^T (out, rows) = W^T (out, in) X^T (in, rows): A is w, B is x.
Plan make_plan(DeviceContext& ctx, const LinearCall& c, cublasLtEpilogue_t epilogue, int align_w,
               int align_x, int align_y) {
  Plan p;
  const cudaDataType_t ab = c.bf16 ? CUDA_R_16BF : CUDA_R_32F;
  const cudaDataType_t cd = ab;
  const cublasComputeType_t compute =
      !c.bf16 && tf32_enabled() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
  lt_check(cublasLtMatmulDescCreate(&p.desc, compute, CUDA_R_32F), "linear: cuBLASLt descriptor");
  lt_check(
      cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSA, &c.w.op, sizeof(c.w.op)),
      "linear: cuBLASLt descriptor");
  lt_check(
      cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSB, &c.x.op, sizeof(c.x.op)),
      "linear: cuBLASLt descriptor");
  lt_check(cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue,
                                          sizeof(epilogue)),
           "linear: cuBLASLt descriptor");
  if (epilogue == CUBLASLT_EPILOGUE_BIAS || epilogue == CUBLASLT_EPILOGUE_RELU_BIAS) {
    const cudaDataType_t bias_type = ab == CUDA_R_16BF ? CUDA_R_16BF : CUDA_R_32F;
    lt_check(cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bias_type,
                                            sizeof(bias_type)),
             "linear: cuBLASLt descriptor");
  }
  const bool wn = c.w.op == CUBLAS_OP_N, xn = c.x.op == CUBLAS_OP_N;
  lt_check(cublasLtMatrixLayoutCreate(&p.a, ab, wn ? c.out : c.in, wn ? c.in : c.out, c.w.ld),
           "linear: cuBLASLt layout");
  lt_check(cublasLtMatrixLayoutCreate(&p.b, ab, xn ? c.in : c.rows, xn ? c.rows : c.in, c.x.ld),
           "linear: cuBLASLt layout");
  lt_check(cublasLtMatrixLayoutCreate(&p.c, cd, c.out, c.rows, c.out), "linear: cuBLASLt layout");
  cublasLtMatmulPreference_t pref = nullptr;
  lt_check(cublasLtMatmulPreferenceCreate(&pref), "linear: cuBLASLt preference");
  const uint64_t workspace = kLtWorkspaceBytes;
  const uint32_t aw = static_cast<uint32_t>(align_w), ax = static_cast<uint32_t>(align_x),
                 ay = static_cast<uint32_t>(align_y);
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace,
                                       sizeof(workspace));
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, &aw,
                                       sizeof(aw));
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, &ax,
                                       sizeof(ax));
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &ay,
                                       sizeof(ay));
  cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, &ay,
                                       sizeof(ay));
  cublasLtMatmulHeuristicResult_t result = {};
  int found = 0;
  const cublasStatus_t status =
      cublasLtMatmulAlgoGetHeuristic(ctx.lt, p.desc, p.a, p.b, p.c, p.c, pref, 1, &result, &found);
  cublasLtMatmulPreferenceDestroy(pref);
  p.ok = status == CUBLAS_STATUS_SUCCESS && found > 0;
  if (p.ok) p.algo = result.algo;
  return p;
}

std::map<Key, Plan>& plans() {
  static auto* all = new std::map<Key, Plan>;  // leaked, as the contexts
  return *all;
}

}  // namespace

bool lt_linear(DeviceContext& ctx, const LinearCall& c, const void* w, const void* x,
               const void* bias, void* y) {
  // The bias epilogue reads the vector with wide loads: only for 16-byte aligned vectors.
  if (bias && alignment(bias) < 16) return false;
  if (c.rows > INT32_MAX || c.in > INT32_MAX || c.out > INT32_MAX) return false;
  const cublasLtEpilogue_t epilogue = epilogue_of(c.act, bias != nullptr);
  const int aw = alignment(w), ax = alignment(x), ay = alignment(y);
  const Key key{ctx.index,
                c.bf16,
                tf32_enabled(),
                c.rows,
                c.in,
                c.out,
                static_cast<int>(c.w.op),
                c.w.ld,
                static_cast<int>(c.x.op),
                c.x.ld,
                static_cast<int>(epilogue),
                aw,
                ax,
                ay};
  std::lock_guard lock(ctx.mutex);
  auto it = plans().find(key);
  if (it == plans().end()) it = plans().emplace(key, make_plan(ctx, c, epilogue, aw, ax, ay)).first;
  Plan& p = it->second;
  if (!p.ok) return false;
  if (bias)
    lt_check(cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias,
                                            sizeof(bias)),
             "linear: cuBLASLt bias");
  const float one = 1.0f, zero = 0.0f;
  const cublasStatus_t status =
      cublasLtMatmul(ctx.lt, p.desc, &one, w, p.a, x, p.b, &zero, y, p.c, y, p.c, &p.algo,
                     ctx.lt_workspace, kLtWorkspaceBytes, ctx.stream);
  if (status != CUBLAS_STATUS_SUCCESS) {
    p.ok = false;  // never again for this plan; this call falls back to cuBLAS
    return false;
  }
  // The epilogue fused bias and relu; tanh and sigmoid take one more pass.
  if (c.act == Act::tanh || c.act == Act::sigmoid)
    apply_activation(ctx, DType::f32, y, c.rows, c.out, c.act);
  return true;
}

}  // namespace mz::cuda
