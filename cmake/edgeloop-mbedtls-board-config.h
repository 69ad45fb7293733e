/* mbedTLS 2.28 configuration for edgeloop's board builds (cmake/edgeloop-crypto.cmake,
 * EDGELOOP_MBEDTLS_SOURCE_DIR): only what verifying an ECDSA P-256 / SHA-256 artifact
 * signature through the PSA Crypto API needs. No malloc: mbedTLS allocates from a static
 * buffer given to mbedtls_memory_buffer_alloc_init(). No entropy source: signature
 * verification uses no randomness; the application provides
 * mbedtls_psa_external_get_random() (PSA's RNG hook), which a verify-only device may make
 * fail. */
#ifndef EDGELOOP_MBEDTLS_BOARD_CONFIG_H
#define EDGELOOP_MBEDTLS_BOARD_CONFIG_H

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_NO_PLATFORM_ENTROPY

#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_NO_INTERNAL_RNG /* verification only: no blinding RNG needed */
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C

/* Small-RAM choices (the mbedTLS defaults are 6 and 1). */
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0

#if defined(EDGELOOP_MBEDTLS_MEMORY_DEBUG)
#define MBEDTLS_MEMORY_DEBUG
#endif

#include "mbedtls/check_config.h"

#endif
