// Every op family in one include.
#pragma once

#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/conv.h"
#include "mz/ops/creation.h"
#include "mz/ops/ctc.h"
#include "mz/ops/ctc_decode.h"
#include "mz/ops/index.h"
#include "mz/ops/linalg.h"
#include "mz/ops/norm.h"
#include "mz/ops/pool.h"
#include "mz/ops/random.h"
#include "mz/ops/reduce.h"
#include "mz/ops/rnn.h"
#include "mz/ops/shape.h"
#include "mz/ops/softmax.h"
