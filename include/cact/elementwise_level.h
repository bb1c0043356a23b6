/* cact/elementwise_level.h -- the element functions of one ISA level, both
 * dtypes: included by cact/elementwise.h once per level, with CACT__LV set.
 * Do not include this file directly. */
#ifndef CACT__IN_ELEMENTWISE
#error "include <cact/cact.h>, not cact/elementwise_level.h"
#endif

#define CACT_T float
#define CACT_SFX f32
#define CACT__BITS 32
#include "elementwise_impl.h"
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS

#define CACT_T double
#define CACT_SFX f64
#define CACT__BITS 64
#include "elementwise_impl.h"
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS
