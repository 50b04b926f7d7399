// mz::classic::nl: neurolab's API in C++ (spec: shared/specs/neurolab.md). Start with
// constructors.h (newff, newp, ...), then Net (net.h) and the trainers (train.h).
#pragma once

#include "mz/classic/neurolab/constructors.h"
#include "mz/classic/neurolab/error.h"
#include "mz/classic/neurolab/init.h"
#include "mz/classic/neurolab/layer.h"
#include "mz/classic/neurolab/matrix.h"
#include "mz/classic/neurolab/net.h"
#include "mz/classic/neurolab/train.h"
#include "mz/classic/neurolab/trans.h"
