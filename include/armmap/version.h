/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * armmap's version (semantic versioning, see CHANGELOG.md): of the headers
 * (the macros) and of the library a program links (am_version()).
 */
#ifndef ARMMAP_VERSION_H
#define ARMMAP_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @name Version of the headers
 * @{
 */
/** The major version. */
#define ARMMAP_VERSION_MAJOR 0
/** The minor version. */
#define ARMMAP_VERSION_MINOR 1
/** The patch version. */
#define ARMMAP_VERSION_PATCH 0
/** The version as a string, "major.minor.patch". */
#define ARMMAP_VERSION_STRING "0.1.0"
/** One number that orders versions: major * 10000 + minor * 100 + patch. */
#define ARMMAP_VERSION \
	(ARMMAP_VERSION_MAJOR * 10000 + ARMMAP_VERSION_MINOR * 100 + ARMMAP_VERSION_PATCH)
/** @} */

/**
 * #ARMMAP_VERSION of the library as it was built.
 *
 * A program can compare it with the #ARMMAP_VERSION of the headers it was
 * compiled with: they differ when it links a library of another version.
 *
 * @return the library's #ARMMAP_VERSION.
 */
unsigned long am_version(void);

#ifdef __cplusplus
}
#endif

#endif
