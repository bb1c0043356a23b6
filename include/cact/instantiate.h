/* cact/instantiate.h -- the one per-level instantiation: the math core
 * (core/) and every element function (kernels/) compiled once per ISA level
 * that config.h dispatches to, by including cact/level.h with CACT__LV set:
 * v4 and v3 where CACT_DISPATCH, and always base.  Whether a level fuses is
 * config.h's rule (CACT__HAS_FMA_<level>).  config.h's loop macros then
 * make each kernel's per-level loops and dispatcher from these element
 * functions (cact/elementwise.h, fed by cact/functions.inc).
 */
#ifndef CACT_INSTANTIATE_H
#define CACT_INSTANTIATE_H

#include "config.h"
#include "core/base.h"

#if CACT_DISPATCH
#  define CACT__LV v4
#  include "level.h"
#  undef CACT__LV
#  define CACT__LV v3
#  include "level.h"
#  undef CACT__LV
#endif
#define CACT__LV base
#include "level.h"
#undef CACT__LV

#endif /* CACT_INSTANTIATE_H */
