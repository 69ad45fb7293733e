#pragma once
/// edgeloop version, as macros (for preprocessor checks) and as constants.

#define EDGELOOP_VERSION_MAJOR 0
#define EDGELOOP_VERSION_MINOR 1
#define EDGELOOP_VERSION_PATCH 0
#define EDGELOOP_VERSION_STRING "0.1.0"

namespace edgeloop {
inline constexpr int version_major = EDGELOOP_VERSION_MAJOR;
inline constexpr int version_minor = EDGELOOP_VERSION_MINOR;
inline constexpr int version_patch = EDGELOOP_VERSION_PATCH;
inline constexpr const char* version_string = EDGELOOP_VERSION_STRING;
}  // namespace edgeloop
