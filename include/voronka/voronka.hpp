// voronka: sales pipelines as stage graphs. The whole C++ API.
#ifndef VORONKA_VORONKA_HPP_
#define VORONKA_VORONKA_HPP_

#include "voronka/catalog.hpp"
#include "voronka/event.hpp"
#include "voronka/generator.hpp"
#include "voronka/ledger.hpp"
#include "voronka/process.hpp"
#include "voronka/status.hpp"
#include "voronka/store.hpp"
#include "voronka/time.hpp"

#endif  // VORONKA_VORONKA_HPP_
