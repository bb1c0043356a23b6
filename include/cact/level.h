/* cact/level.h -- one ISA level's instantiation of the math core and of
 * every element function: included by cact/instantiate.h once per level,
 * with CACT__LV = v4, v3 or base (config.h: CACT__LV_FMA is then whether
 * that level fuses).  Do not include this file directly.
 *
 *   core/dd.h, exp.h, log.h, tanh.h, erfc.h   cact__<fn>_<level>
 *   kernels/all.h, for float then double      cact__el_<name>_<dtype>_<level>
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/level.h"
#endif

#include "core/dd.h"
#include "core/exp.h"
#include "core/log.h"
#include "core/tanh.h"
#include "core/erfc.h"

#define CACT_T float
#define CACT_SFX f32
#define CACT__BITS 32
#include "kernels/all.h"
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS

#define CACT_T double
#define CACT_SFX f64
#define CACT__BITS 64
#include "kernels/all.h"
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS

#undef CACT__FMA
#undef CACT__FMAF
#undef CACT__L
