/* cact/kernels/all.h -- every family's element functions for one (dtype,
 * ISA level): included by cact/level.h twice per level, with CACT_T,
 * CACT_SFX and CACT__BITS set for float and for double.  Do not include
 * this file directly.
 *
 * A family file defines, for each of its kernels <name>, the element
 * function cact__el_<name>_<dtype>_<level>(x, params...) (CACT__E(name));
 * a SPLIT32 kernel also <name>_pick, <name>_fast and <name>_slow for
 * float32 (config.h).  config.h's loops and dispatchers are then made
 * from cact/functions.inc's rows (cact/elementwise.h): a new kernel is its
 * element function in its family file plus its catalogue row.
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/all.h"
#endif

#include "common.h"
#include "linear.h"
#include "rational.h"
#include "sigmoid.h"
#include "tanh.h"
#include "elu.h"
#include "gelu.h"
#include "fast.h"

#undef CACT__NAN_IN0
#undef CACT__NAN_IN1
#undef CACT__NAN_IN2
#undef CACT__GNAN0
#undef CACT__GNAN1
#undef CACT__GNAN2
#undef CACT__GTMAX
#undef CACT__E
#undef T
