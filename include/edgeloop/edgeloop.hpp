#pragma once
/// Umbrella header: every embedded-safe part of edgeloop (nothing from host/).

#include "config.hpp"
#include "version.hpp"

#include "core/assert.hpp"
#include "core/concepts.hpp"
#include "core/linalg.hpp"
#include "core/numeric.hpp"
#include "core/ring_buffer.hpp"
#include "core/rng.hpp"
#include "core/static_vector.hpp"
#include "core/status.hpp"

#include "pipeline/pipeline.hpp"
