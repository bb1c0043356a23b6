/* cact/cact.h -- the one public header of cact, header-only C99.
 *
 *   #include <cact/cact.h>      (include path: cact.get_include())
 *
 * Elementwise kernels: cact/elementwise.h.  Along an axis (softmax,
 * log_softmax, softmin, maxout, prelu): cact/axis.h.  No dependency on Python or numpy.
 */
#ifndef CACT_CACT_H
#define CACT_CACT_H

#define CACT_VERSION_MAJOR 0
#define CACT_VERSION_MINOR 1
#define CACT_VERSION_PATCH 0
#define CACT_VERSION_STRING "0.1.0"

#include "config.h"
#include "math.h"
#include "elementwise.h"
#include "axis.h"

#endif /* CACT_CACT_H */
