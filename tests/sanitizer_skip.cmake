# SPDX-License-Identifier: MIT
# Included by ctest after the GoogleTest discovery (tests/CMakeLists.txt): labels `sanitizer_skip` the
# tests that take minutes even in Release (measured: ctest timings, 2-core machine) and would take
# tens of minutes under AddressSanitizer + UndefinedBehaviorSanitizer. `make test` runs them; the
# `asan` test preset (CMakePresets.json, run by .ci/run) skips them. None is a physics contract test:
# each repeats, on a larger lattice or a second thread count, what faster tests already cover.
set(FASCIA_SANITIZER_SKIP
  CompressorProtocols.BitwiseIdenticalAtOneAndTwoThreads
  CompressorProtocols.SlidingCompressorTakesItsContactSetAlong
  CompressorProtocols.ShearWithVanishingAmplitudeIsStaticPressure
  CompressorProtocols.EnergyBalanceClosesWithinOnePercent
  Homogenisation.HalvingTheSpacingLeavesModuliUnchanged
  ImplicitIntegrator.BitwiseIdenticalForOneAndTwoThreads
  Poroelastic.ExplicitIntegratorFollowsTerzaghi)
foreach(name IN LISTS FASCIA_SANITIZER_SKIP)
  set_tests_properties(${name} PROPERTIES LABELS sanitizer_skip)
endforeach()
