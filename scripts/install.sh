#!/usr/bin/env bash
# make install: scripts/install.sh DESTDIR PREFIX LIBDIR INCLUDEDIR TARGET:LIB ...
# Installs, under DESTDIR (staging; may be empty):
#   INCLUDEDIR/armmap/                 the public headers, with arch/<arch>/ (the backends')
#   LIBDIR/libarmmap.a                 the host library; for another target t
#   LIBDIR/libarmmap-<t>.a             its library (core and the backends of its architecture)
#   LIBDIR/pkgconfig/armmap.pc         pkg-config (armmap-<t>.pc for target t)
#   LIBDIR/cmake/armmap/               CMake package: find_package(armmap), with the
#                                      imported targets armmap::<t> and armmap::armmap
#   PREFIX/share/doc/armmap/           CHANGELOG.md, LICENSE
# The flags each library was built with (CC_<t>, CF_<t> and CONFIG_DEFS of the
# Makefile) come in the environment as AM_CC_<t>, AM_CF_<t> (t with - as _)
# and AM_CONFIG_DEFS; the build options (CONFIG_DEFS) go into the users'
# compile flags too, since the headers read them.
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: $0 DESTDIR PREFIX LIBDIR INCLUDEDIR TARGET:LIB..." >&2; exit 2; }
destdir=$1 prefix=$2 libdir=$3 includedir=$4
shift 4
for d in "$prefix" "$libdir" "$includedir"; do
	case $d in /*) ;; *) echo "install: $d: PREFIX, LIBDIR and INCLUDEDIR must be absolute" >&2; exit 2 ;; esac
done
ver=$(sed -nE 's/^#define ARMMAP_VERSION_STRING "([0-9]+\.[0-9]+\.[0-9]+)"$/\1/p' include/armmap/version.h)
[ -n "$ver" ] || { echo "install: no ARMMAP_VERSION_STRING in include/armmap/version.h" >&2; exit 1; }
defs=${AM_CONFIG_DEFS:-}
for d in $defs; do
	case $d in -DAM_CONFIG_[A-Z0-9_]*) ;; *) echo "install: CONFIG_DEFS may hold -DAM_CONFIG_... only, not '$d'" >&2; exit 2 ;; esac
done

D() { echo "$destdir$1"; }
inst() { # mode src dst
	install -D -m "$1" "$2" "$3"
	echo "  $3"
}

echo "armmap $ver: installing into ${destdir:+$destdir (DESTDIR) + }$prefix"
# headers: the public ones and the backends' (not the private arch/*/ ones)
while IFS= read -r h; do
	inst 0644 "include/$h" "$(D "$includedir")/$h"
done < <(cd include && find armmap -name '*.h' | LC_ALL=C sort)
inst 0644 CHANGELOG.md "$(D "$prefix")/share/doc/armmap/CHANGELOG.md"
inst 0644 LICENSE "$(D "$prefix")/share/doc/armmap/LICENSE"

cmakedir=$libdir/cmake/armmap
rel_lib=$(realpath -m --relative-to="$cmakedir" "$libdir")
rel_inc=$(realpath -m --relative-to="$cmakedir" "$includedir")
cmake_defs=$(for d in $defs; do printf '%s;' "${d#-D}"; done)
cmake_defs=${cmake_defs%;}

for tl in "$@"; do
	t=${tl%%:*} lib=${tl#*:}
	[ -f "$lib" ] || { echo "install: $lib (target $t) is not built" >&2; exit 1; }
	v=${t//-/_}
	cc_var=AM_CC_$v cf_var=AM_CF_$v
	cc=${!cc_var:-} cf=${!cf_var:-}
	if [ "$t" = host ]; then name=armmap; else name=armmap-$t; fi
	inst 0644 "$lib" "$(D "$libdir")/lib$name.a"
	case $t in
	host) what="the host library: the core (a hosted program supplies its own ops)" ;;
	aarch64) what="AArch64 (Armv8-A): the core and the aarch64 backend (TLB maintenance, barriers, table pool, EL2 and EL1 MMU enable, spinlock, SMCCC HVC)" ;;
	cortex-m33) what="Cortex-M33 (Armv8-M): the core and the Armv8-M MPU backend" ;;
	cortex-r52) what="Cortex-R52 (Armv8-R AArch32): the core and the Armv8-R MPU backend" ;;
	cortex-r82) what="Cortex-R82 (Armv8-R AArch64): the core and the Armv8-R MPU backend" ;;
	*) what="target $t" ;;
	esac
	pc=$(mktemp)
	cat > "$pc" <<PC
prefix=$prefix
libdir=$libdir
includedir=$includedir
target=$t
target_cc=$cc
target_cflags=$cf

Name: $name
Description: armmap, memory mapping for Arm hypervisors and firmware; $what
Version: $ver
Cflags: -I\${includedir}${defs:+ $defs}
Libs: -L\${libdir} -l$name
PC
	inst 0644 "$pc" "$(D "$libdir")/pkgconfig/$name.pc"
	rm -f "$pc"
	tc=$(mktemp)
	cat > "$tc" <<CM
# armmap $ver, target $t: $what
# Built with: $cc $cf
if(NOT TARGET armmap::$t)
  add_library(armmap::$t STATIC IMPORTED)
  set_target_properties(armmap::$t PROPERTIES
    IMPORTED_LOCATION "\${_armmap_libdir}/lib$name.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES C
    INTERFACE_INCLUDE_DIRECTORIES "\${_armmap_includedir}"
    INTERFACE_COMPILE_DEFINITIONS "$cmake_defs")
endif()
set(ARMMAP_${v^^}_CC "$cc")
set(ARMMAP_${v^^}_CFLAGS "$cf")
list(APPEND ARMMAP_TARGETS $t)
CM
	inst 0644 "$tc" "$(D "$cmakedir")/armmap-$t.cmake"
	rm -f "$tc"
done

cfg=$(mktemp)
cat > "$cfg" <<CM
# armmap $ver: find_package(armmap [$ver] [COMPONENTS <target>...]).
# Each installed library is an imported target armmap::<target> (host,
# aarch64, cortex-m33, cortex-r52, cortex-r82; ARMMAP_TARGETS lists them).
# armmap::armmap is the one of ARMMAP_TARGET (default: host), e.g.
#   set(ARMMAP_TARGET cortex-m33)
#   find_package(armmap REQUIRED)
#   target_link_libraries(firmware PRIVATE armmap::armmap)
get_filename_component(_armmap_libdir "\${CMAKE_CURRENT_LIST_DIR}/$rel_lib" ABSOLUTE)
get_filename_component(_armmap_includedir "\${CMAKE_CURRENT_LIST_DIR}/$rel_inc" ABSOLUTE)
set(ARMMAP_TARGETS)
file(GLOB _armmap_target_files "\${CMAKE_CURRENT_LIST_DIR}/armmap-*.cmake")
foreach(_f IN LISTS _armmap_target_files)
  include("\${_f}")
endforeach()
if(NOT DEFINED ARMMAP_TARGET)
  set(ARMMAP_TARGET host)
endif()
foreach(_c IN LISTS armmap_FIND_COMPONENTS ITEMS \${ARMMAP_TARGET})
  if(TARGET armmap::\${_c})
    set(armmap_\${_c}_FOUND TRUE)
  else()
    set(armmap_\${_c}_FOUND FALSE)
    if(armmap_FIND_REQUIRED_\${_c} OR _c STREQUAL ARMMAP_TARGET)
      set(armmap_FOUND FALSE)
      set(armmap_NOT_FOUND_MESSAGE "armmap: no library for target '\${_c}' is installed (installed: \${ARMMAP_TARGETS})")
      return()
    endif()
  endif()
endforeach()
if(NOT TARGET armmap::armmap)
  add_library(armmap::armmap INTERFACE IMPORTED)
  set_target_properties(armmap::armmap PROPERTIES INTERFACE_LINK_LIBRARIES armmap::\${ARMMAP_TARGET})
endif()
set(armmap_VERSION $ver)
CM
inst 0644 "$cfg" "$(D "$cmakedir")/armmapConfig.cmake"
cat > "$cfg" <<CM
# armmap $ver. Semantic versioning: a request for X.Y.Z is met by X.Y'.Z'
# >= X.Y.Z of the same major version X (and, while X is 0, the same minor Y).
set(PACKAGE_VERSION $ver)
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(NOT PACKAGE_FIND_VERSION_MAJOR EQUAL $(cut -d. -f1 <<<"$ver"))
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(PACKAGE_FIND_VERSION_MAJOR EQUAL 0 AND NOT PACKAGE_FIND_VERSION_MINOR EQUAL $(cut -d. -f2 <<<"$ver"))
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
CM
inst 0644 "$cfg" "$(D "$cmakedir")/armmapConfigVersion.cmake"
rm -f "$cfg"
