/* src/cact.c -- the one translation unit of the static library libcact.a
 * that setup.py builds and ships inside the Python package (cact/lib/;
 * cact.get_library_dirs(), cact.get_libraries()).  It defines every public
 * kernel with external linkage; programs include <cact/cact.h> (the
 * declarations) and link -lcact -lm. */
#define CACT_IMPLEMENTATION
#include <cact/cact.h>
