// SPDX-License-Identifier: MIT
#include "fascia/solve/spring_kernel.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace fascia {
namespace {

constexpr int C = SpringAdjacency::kChunk;
constexpr int kRow = 4;  // table row: k, L, direction sign at l = 0, unused (aligned rows)

struct PairHash {
  std::size_t operator()(const std::array<std::uint64_t, 3>& p) const {
    return std::hash<std::uint64_t>{}(p[0] * 0x9E3779B97F4A7C15ull ^ (p[1] + 0x632BE59BD9B4E019ull) ^ (p[2] << 1));
  }
};

// Every path below computes, per slot and lane, exactly the same IEEE operations in the same order
// (no FMA contraction: fascia is built without -ffp-contract=fast / -mfma), so the vector and
// scalar paths agree bitwise:
//   d = x_j - x_i, l = sqrt((dx dx + dy dy) + dz dz), t = k (l - L),
//   l > 0: f_i += (t / l) d;   l = 0: f_i += t (s, 0, 0) with s = +-1 the element's own direction
// (padding slots have k = 0 and d = 0 and add +0). GCC does not if-convert the l = 0 branch or
// vectorise sqrt under the default -fmath-errno -ftrapping-math, hence the explicit AVX2 path.

/// Own positions of the chunk's lanes (the last node repeated past the end).
inline void load_own(const SpringAdjacency& a, std::size_t base, const double* x, double* xi, double* yi,
                     double* zi) {
  const std::size_t last = a.num_nodes - 1;
  for (int c = 0; c < C; ++c) {
    const std::size_t i = std::min(base + c, last);
    xi[c] = x[3 * i];
    yi[c] = x[3 * i + 1];
    zi[c] = x[3 * i + 2];
  }
}

inline void store_forces(const SpringAdjacency& a, std::size_t base, const double* fx, const double* fy,
                         const double* fz, double* f) {
  const int lanes = int(std::min<std::size_t>(C, a.num_nodes - base));
  for (int c = 0; c < lanes; ++c) {
    double* fi = f + 3 * (base + c);
    fi[0] += fx[c];
    fi[1] += fy[c];
    fi[2] += fz[c];
  }
}

/// Portable path: one chunk of C nodes starting at `base`, lane c = node base + c.
template <class P>
void chunk_forces_scalar(const SpringAdjacency& a, const P* param, std::size_t chunk, const double* x, double* f) {
  const std::size_t base = chunk * C;
  const std::int64_t off = a.chunk_offset[chunk];
  const int width = int((a.chunk_offset[chunk + 1] - off) / C);
  const double* table = a.table.data();
  double xi[C], yi[C], zi[C], fx[C] = {}, fy[C] = {}, fz[C] = {};
  load_own(a, base, x, xi, yi, zi);
  for (int s = 0; s < width; ++s) {
    const Index* nb = a.neighbour.data() + off + std::int64_t(s) * C;
    const P* pr = param + off + std::int64_t(s) * C;
    for (int c = 0; c < C; ++c) {
      const std::size_t j = std::size_t(nb[c]);
      const double* row = table + kRow * std::size_t(pr[c]);
      const double dx = x[3 * j] - xi[c];
      const double dy = x[3 * j + 1] - yi[c];
      const double dz = x[3 * j + 2] - zi[c];
      const double l = std::sqrt(dx * dx + dy * dy + dz * dz);
      const double t = row[0] * (l - row[1]);
      const bool pos = l > 0.0;
      const double q = t / (pos ? l : 1.0);
      fx[c] += q * (pos ? dx : row[2]);
      fy[c] += q * (pos ? dy : 0.0);
      fz[c] += q * (pos ? dz : 0.0);
    }
  }
  store_forces(a, base, fx, fy, fz, f);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define FASCIA_SPRING_AVX2 1
template <class P>
__attribute__((target("avx2"))) inline __m128i load_rows(const P* pr) {
  if constexpr (sizeof(P) == 2)
    return _mm_slli_epi32(_mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(pr))), 2);
  else
    return _mm_slli_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pr)), 2);
}

/// Full-mask gather (the unmasked intrinsic trips GCC 12's -Wmaybe-uninitialized).
__attribute__((target("avx2"))) inline __m256d gather(const double* base, __m128i index) {
  const __m256d all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
  return _mm256_mask_i32gather_pd(_mm256_setzero_pd(), base, index, all, 8);
}

/// Positions of 4 consecutive nodes j0..j0+3 (12 contiguous doubles), transposed to x, y, z.
__attribute__((target("avx2"))) inline void load_contiguous(const double* p, __m256d& X, __m256d& Y, __m256d& Z) {
  const __m256d a0 = _mm256_loadu_pd(p), a1 = _mm256_loadu_pd(p + 4), a2 = _mm256_loadu_pd(p + 8);
  const __m256d b0 = _mm256_permute2f128_pd(a0, a1, 0x30);  // x0 y0 | x2 y2
  const __m256d b1 = _mm256_permute2f128_pd(a0, a2, 0x21);  // z0 x1 | z2 x3
  const __m256d b2 = _mm256_permute2f128_pd(a1, a2, 0x30);  // y1 z1 | y3 z3
  X = _mm256_blend_pd(b0, b1, 0b1010);
  Y = _mm256_shuffle_pd(b0, b2, 0b0101);
  Z = _mm256_blend_pd(b1, b2, 0b1010);
}

/// AVX2 path (4 doubles per register, two registers per chunk of 8 lanes); hardware gathers. One
/// function (61 lines), a SIMD kernel: its lanes follow the scalar path's operations in order.
template <class P>
__attribute__((target("avx2"))) void chunk_forces_avx2(const SpringAdjacency& a, const P* param, std::size_t chunk,
                                                        const double* x, double* f) {
  static_assert(C == 8);
  const std::size_t base = chunk * C;
  const std::int64_t off = a.chunk_offset[chunk];
  const int width = int((a.chunk_offset[chunk + 1] - off) / C);
  const double* table = a.table.data();
  alignas(32) double own[3][C];
  load_own(a, base, x, own[0], own[1], own[2]);
  const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
  const __m128i lane = _mm_setr_epi32(0, 1, 2, 3);
  for (int h = 0; h < 2; ++h) {
    const __m256d xi = _mm256_load_pd(own[0] + 4 * h), yi = _mm256_load_pd(own[1] + 4 * h),
                  zi = _mm256_load_pd(own[2] + 4 * h);
    __m256d fx = zero, fy = zero, fz = zero;
    for (int s = 0; s < width; ++s) {
      const std::int64_t slot = off + std::int64_t(s) * C + 4 * h;
      const __m128i j = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a.neighbour.data() + slot));
      const __m128i r = load_rows(param + slot);
      // On a structured lattice most slots hold a fixed stencil offset (neighbours j0 .. j0+3) of
      // one bond type (one table row): contiguous loads and broadcasts replace the gathers.
      const int j0 = _mm_cvtsi128_si32(j);
      const int r0 = _mm_cvtsi128_si32(r);
      const bool contiguous = _mm_movemask_epi8(_mm_cmpeq_epi32(j, _mm_add_epi32(_mm_set1_epi32(j0), lane))) == 0xFFFF;
      const bool uniform = _mm_movemask_epi8(_mm_cmpeq_epi32(r, _mm_set1_epi32(r0))) == 0xFFFF;
      __m256d xj, yj, zj, k, rest, sign;
      if (contiguous) {
        load_contiguous(x + 3 * std::size_t(j0), xj, yj, zj);
      } else {
        const __m128i j3 = _mm_add_epi32(_mm_add_epi32(j, j), j);
        xj = gather(x, j3);
        yj = gather(x + 1, j3);
        zj = gather(x + 2, j3);
      }
      if (uniform) {
        k = _mm256_broadcast_sd(table + r0);
        rest = _mm256_broadcast_sd(table + r0 + 1);
        sign = _mm256_broadcast_sd(table + r0 + 2);
      } else {
        k = gather(table, r);
        rest = gather(table + 1, r);
        sign = gather(table + 2, r);
      }
      const __m256d dx = _mm256_sub_pd(xj, xi);
      const __m256d dy = _mm256_sub_pd(yj, yi);
      const __m256d dz = _mm256_sub_pd(zj, zi);
      const __m256d l = _mm256_sqrt_pd(
          _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz)));
      const __m256d t = _mm256_mul_pd(k, _mm256_sub_pd(l, rest));
      const __m256d pos = _mm256_cmp_pd(l, zero, _CMP_GT_OQ);
      const __m256d q = _mm256_div_pd(t, _mm256_blendv_pd(one, l, pos));
      fx = _mm256_add_pd(fx, _mm256_mul_pd(q, _mm256_blendv_pd(sign, dx, pos)));
      fy = _mm256_add_pd(fy, _mm256_mul_pd(q, _mm256_and_pd(dy, pos)));
      fz = _mm256_add_pd(fz, _mm256_mul_pd(q, _mm256_and_pd(dz, pos)));
    }
    _mm256_store_pd(own[0] + 4 * h, fx);
    _mm256_store_pd(own[1] + 4 * h, fy);
    _mm256_store_pd(own[2] + 4 * h, fz);
  }
  store_forces(a, base, own[0], own[1], own[2], f);
}

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

template <class P>
inline void chunk_forces(const SpringAdjacency& a, const P* param, std::size_t chunk, const double* x, double* f,
                         bool avx2) {
#ifdef FASCIA_SPRING_AVX2
  if (avx2) return chunk_forces_avx2(a, param, chunk, x, f);
#endif
  (void)avx2;
  chunk_forces_scalar(a, param, chunk, x, f);
}

template <class P>
void forces(const SpringAdjacency& a, const P* param, const double* x, double* f, bool parallel) {
  const std::int64_t chunks = std::int64_t(a.num_chunks());
#ifdef FASCIA_SPRING_AVX2
  const bool avx2 = has_avx2() && !a.force_scalar;
#else
  const bool avx2 = false;
#endif
  if (parallel) {
#pragma omp parallel for schedule(static)
    for (std::int64_t k = 0; k < chunks; ++k) chunk_forces(a, param, std::size_t(k), x, f, avx2);
  } else {
    for (std::int64_t k = 0; k < chunks; ++k) chunk_forces(a, param, std::size_t(k), x, f, avx2);
  }
}

}  // namespace

namespace {

/// Per-node neighbour lists in element order (the order of the generic CSR gather), with the
/// table row of each end: rows are distinct (k, L, end) triples, appended to `table`.
struct NodeNeighbours {
  std::vector<std::int64_t> start;  ///< n_nodes + 1
  std::vector<Index> nbr;
  std::vector<std::uint32_t> row;
};

NodeNeighbours neighbour_rows(const SpringGroup& g, std::size_t n_nodes, std::vector<double>& table) {
  NodeNeighbours nn;
  nn.start.assign(n_nodes + 1, 0);
  for (const auto& e : g.connectivity) {
    ++nn.start[e[0] + 1];
    ++nn.start[e[1] + 1];
  }
  for (std::size_t i = 0; i < n_nodes; ++i) nn.start[i + 1] += nn.start[i];
  nn.nbr.resize(nn.start[n_nodes]);
  nn.row.resize(nn.start[n_nodes]);
  std::vector<std::int64_t> cursor(nn.start.begin(), nn.start.end() - 1);
  std::unordered_map<std::array<std::uint64_t, 3>, std::uint32_t, PairHash> rows;
  auto row_of = [&](double k, double rest, double sign) {
    const std::array<std::uint64_t, 3> key = {std::bit_cast<std::uint64_t>(k), std::bit_cast<std::uint64_t>(rest),
                                              std::bit_cast<std::uint64_t>(sign)};
    auto [it, inserted] = rows.try_emplace(key, std::uint32_t(table.size() / kRow));
    if (inserted) table.insert(table.end(), {k, rest, sign, 0.0});
    return it->second;
  };
  for (std::size_t e = 0; e < g.size(); ++e) {
    const Index i = g.connectivity[e][0], j = g.connectivity[e][1];
    // Node i sees d = x_j - x_i (the element's own direction, +x at l = 0); node j the opposite.
    nn.nbr[cursor[i]] = j;
    nn.row[cursor[i]++] = row_of(g.stiffness[e], g.rest_length[e], 1.0);
    nn.nbr[cursor[j]] = i;
    nn.row[cursor[j]++] = row_of(g.stiffness[e], g.rest_length[e], -1.0);
  }
  return nn;
}

/// Slots of a chunk: the union over its lanes of (offset j - i, repeat) keys, in ascending order;
/// a lane without a key gets padding there (row 0, k = 0) pointing at i + offset when that node
/// exists. On a structured lattice every slot of a chunk then holds one stencil offset, also in
/// chunks that cross the end of a row, so the AVX2 path loads neighbours contiguously.
/// Each node sums its springs in ascending neighbour order (the element order of the builder,
/// which sorts springs by node pair).
void chunk_slots(const NodeNeighbours& nn, std::size_t n_nodes, std::vector<std::int64_t>& chunk_offset,
                 std::vector<std::int64_t>& slot_nbr, std::vector<std::uint32_t>& slot_row) {
  using Key = std::pair<std::int64_t, std::int64_t>;  // (offset, repeat)
  const std::size_t chunks = (n_nodes + C - 1) / C;
  chunk_offset.assign(chunks + 1, 0);
  std::vector<std::vector<std::pair<Key, std::int64_t>>> lane(C);  // key -> entry in nbr/row
  std::vector<Key> keys;
  for (std::size_t k = 0; k < chunks; ++k) {
    keys.clear();
    for (int c = 0; c < C; ++c) {
      lane[c].clear();
      const std::size_t i = k * C + c;
      if (i >= n_nodes) continue;
      for (std::int64_t q = nn.start[i]; q < nn.start[i + 1]; ++q)
        lane[c].push_back({{std::int64_t(nn.nbr[q]) - std::int64_t(i), 0}, q});
      std::stable_sort(lane[c].begin(), lane[c].end(), [](const auto& u, const auto& v) { return u.first.first < v.first.first; });
      for (std::size_t q = 1; q < lane[c].size(); ++q)
        if (lane[c][q].first.first == lane[c][q - 1].first.first) lane[c][q].first.second = lane[c][q - 1].first.second + 1;
      for (const auto& e : lane[c]) keys.push_back(e.first);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    const std::int64_t width = std::int64_t(keys.size());
    chunk_offset[k + 1] = chunk_offset[k] + width * C;
    slot_nbr.resize(std::size_t(chunk_offset[k + 1]));
    slot_row.resize(std::size_t(chunk_offset[k + 1]));
    for (int c = 0; c < C; ++c) {
      const std::int64_t i = std::int64_t(std::min(k * C + c, n_nodes - 1));
      std::size_t q = 0;
      for (std::int64_t s = 0; s < width; ++s) {
        const std::size_t slot = std::size_t(chunk_offset[k] + s * C + c);
        if (q < lane[c].size() && lane[c][q].first == keys[s]) {
          slot_nbr[slot] = nn.nbr[lane[c][q].second];
          slot_row[slot] = nn.row[lane[c][q].second];
          ++q;
        } else {
          const std::int64_t j = i + keys[s].first;
          slot_nbr[slot] = j >= 0 && j < std::int64_t(n_nodes) ? j : i;
          slot_row[slot] = 0;
        }
      }
    }
  }
}

}  // namespace

void SpringAdjacency::build(const SpringGroup& g, std::size_t n_nodes) {
  num_nodes = n_nodes;
  num_springs = g.size();
  key_connectivity = g.connectivity.data();
  key_stiffness = g.stiffness.data();
  key_rest = g.rest_length.data();
  neighbour.clear();
  param16.clear();
  param32.clear();
  table.assign(kRow, 0.0);  // row 0: padding (k = 0)
  chunk_offset.clear();
  if (n_nodes == 0) return;

  const NodeNeighbours nn = neighbour_rows(g, n_nodes, table);
  std::vector<std::int64_t> slot_nbr;
  std::vector<std::uint32_t> slot_row;
  chunk_slots(nn, n_nodes, chunk_offset, slot_nbr, slot_row);
  neighbour.assign(slot_nbr.begin(), slot_nbr.end());
  if (table.size() / kRow <= 65536)
    param16.assign(slot_row.begin(), slot_row.end());
  else
    param32 = std::move(slot_row);
}

void add_spring_forces(const SpringAdjacency& adj, const double* x, double* f, bool parallel) {
  if (adj.num_springs == 0) return;
  if (!adj.param16.empty())
    forces(adj, adj.param16.data(), x, f, parallel);
  else
    forces(adj, adj.param32.data(), x, f, parallel);
}

}  // namespace fascia
