# Optional signature adapters for model artifacts (include/edgeloop/lifecycle/):
#   edgeloop::sodium_verifier   Ed25519 through libsodium (host), EDGELOOP_HAVE_SODIUM=1
#   edgeloop::mbedtls_verifier  ECDSA P-256 through mbedTLS's PSA API, EDGELOOP_HAVE_MBEDTLS=1
# Each target exists only when its library is found (scripts/install-deps installs both:
# libsodium-dev, libmbedtls-dev). The lifecycle tests link whichever exist and skip the
# others with a message. Included from the top-level CMakeLists.txt after tests/.
option(EDGELOOP_WITH_SODIUM "Build the libsodium (Ed25519) artifact verifier when found" ON)
option(EDGELOOP_WITH_MBEDTLS "Build the mbedTLS (ECDSA P-256) artifact verifier when found" ON)

set(EDGELOOP_MBEDTLS_SOURCE_DIR "" CACHE PATH
    "Board builds: unpacked mbedTLS 2.28 sources (apt-get source mbedtls) to build edgeloop::mbedtls_verifier from")

if(CMAKE_CROSSCOMPILING)
  # Host libraries do not link into board images. mbedTLS for a board: built here from
  # its sources with cmake/edgeloop-mbedtls-board-config.h (ECDSA P-256 verification
  # through PSA, static-buffer allocator, no entropy source).
  if(EDGELOOP_MBEDTLS_SOURCE_DIR AND NOT TARGET edgeloop::mbedtls_verifier)
    if(NOT EXISTS ${EDGELOOP_MBEDTLS_SOURCE_DIR}/library/psa_crypto.c)
      message(FATAL_ERROR "EDGELOOP_MBEDTLS_SOURCE_DIR=${EDGELOOP_MBEDTLS_SOURCE_DIR}: no library/psa_crypto.c there")
    endif()
    file(GLOB mbedtls_sources ${EDGELOOP_MBEDTLS_SOURCE_DIR}/library/*.c)
    add_library(edgeloop_mbedcrypto_board STATIC ${mbedtls_sources})
    target_include_directories(edgeloop_mbedcrypto_board SYSTEM PUBLIC ${EDGELOOP_MBEDTLS_SOURCE_DIR}/include)
    target_include_directories(edgeloop_mbedcrypto_board PUBLIC ${CMAKE_CURRENT_LIST_DIR})
    target_compile_definitions(edgeloop_mbedcrypto_board PUBLIC
      MBEDTLS_CONFIG_FILE="edgeloop-mbedtls-board-config.h")
    target_compile_options(edgeloop_mbedcrypto_board PRIVATE -O2 -w)  # third-party code: no project warnings
    add_library(edgeloop_mbedtls_verifier INTERFACE)
    target_link_libraries(edgeloop_mbedtls_verifier INTERFACE edgeloop::edgeloop edgeloop_mbedcrypto_board)
    target_compile_definitions(edgeloop_mbedtls_verifier INTERFACE EDGELOOP_HAVE_MBEDTLS=1)
    add_library(edgeloop::mbedtls_verifier ALIAS edgeloop_mbedtls_verifier)
    message(STATUS "edgeloop: mbedTLS for ${EDGELOOP_BOARD} from ${EDGELOOP_MBEDTLS_SOURCE_DIR}")
  endif()
  return()
endif()

if(EDGELOOP_WITH_SODIUM AND NOT TARGET edgeloop::sodium_verifier)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(EDGELOOP_SODIUM QUIET IMPORTED_TARGET libsodium)
  endif()
  if(EDGELOOP_SODIUM_FOUND)
    add_library(edgeloop_sodium_verifier INTERFACE)
    target_link_libraries(edgeloop_sodium_verifier INTERFACE edgeloop::edgeloop PkgConfig::EDGELOOP_SODIUM)
    target_compile_definitions(edgeloop_sodium_verifier INTERFACE EDGELOOP_HAVE_SODIUM=1)
    add_library(edgeloop::sodium_verifier ALIAS edgeloop_sodium_verifier)
    message(STATUS "edgeloop: libsodium ${EDGELOOP_SODIUM_VERSION} found: Ed25519 artifact verifier enabled")
  else()
    message(STATUS "edgeloop: libsodium not found: Ed25519 artifact verifier and its tests disabled "
                   "(apt-get install libsodium-dev)")
  endif()
endif()

if(EDGELOOP_WITH_MBEDTLS AND NOT TARGET edgeloop::mbedtls_verifier)
  find_path(EDGELOOP_MBEDTLS_INCLUDE_DIR psa/crypto.h)
  find_library(EDGELOOP_MBEDCRYPTO_LIBRARY mbedcrypto)
  if(EDGELOOP_MBEDTLS_INCLUDE_DIR AND EDGELOOP_MBEDCRYPTO_LIBRARY)
    add_library(edgeloop_mbedtls_verifier INTERFACE)
    target_include_directories(edgeloop_mbedtls_verifier SYSTEM INTERFACE ${EDGELOOP_MBEDTLS_INCLUDE_DIR})
    target_link_libraries(edgeloop_mbedtls_verifier INTERFACE edgeloop::edgeloop ${EDGELOOP_MBEDCRYPTO_LIBRARY})
    target_compile_definitions(edgeloop_mbedtls_verifier INTERFACE EDGELOOP_HAVE_MBEDTLS=1)
    add_library(edgeloop::mbedtls_verifier ALIAS edgeloop_mbedtls_verifier)
    message(STATUS "edgeloop: mbedTLS found (${EDGELOOP_MBEDCRYPTO_LIBRARY}): ECDSA P-256 artifact verifier enabled")
  else()
    message(STATUS "edgeloop: mbedTLS not found: ECDSA P-256 artifact verifier and its tests disabled "
                   "(apt-get install libmbedtls-dev)")
  endif()
endif()

# The lifecycle tests (one executable per area, made by tests/CMakeLists.txt) use them.
if(TARGET test_lifecycle)
  foreach(adapter IN ITEMS sodium_verifier mbedtls_verifier)
    if(TARGET edgeloop::${adapter})
      target_link_libraries(test_lifecycle PRIVATE edgeloop::${adapter})
    endif()
  endforeach()
endif()
