# SPDX-License-Identifier: MIT
# Included by ctest after the GoogleTest discovery (tests/CMakeLists.txt): labels `sanitizer_skip` (and
# `slow`) the tests that take minutes even in Release (measured: ctest timings, 2-core machine) and would take
# tens of minutes under AddressSanitizer + UndefinedBehaviorSanitizer. `make test` runs them; the
# `asan-all` test preset (CMakePresets.json, `make sanitize-all`) skips them. None is a physics contract test:
# each repeats, on a larger lattice or a second thread count, what faster tests already cover.
set(FASCIA_SANITIZER_SKIP
  CompressorProtocols.BitwiseIdenticalAtOneAndTwoThreads
  Elastography.ATensionAlongTheTrackRaisesTheSpeedAsAStringWould
  CompressorProtocols.SlidingCompressorTakesItsContactSetAlong
  CompressorProtocols.ShearWithVanishingAmplitudeIsStaticPressure
  CompressorProtocols.EnergyBalanceClosesWithinOnePercent
  Homogenisation.HalvingTheSpacingLeavesModuliUnchanged
  ImplicitIntegrator.BitwiseIdenticalForOneAndTwoThreads
  Poroelastic.ExplicitIntegratorFollowsTerzaghi)
# Label `slow`: the tests that take over ~20 s in Release on the 2-core machine (ctest timings under
# load), so that `ctest -LE slow` is a quick pass; `make test` runs them all. Besides the list above:
# the body-scale contact tests on larger blocks (friction's stick-slip makes Newton converge linearly)
# and the end-to-end runs through the tissue stack.
set(FASCIA_SLOW
  Indenters.SphereOnThickBlockFollowsHertz
  Indenters.SlidingSphereDragsWithTheCoulombForce
  IndenterInput.KeysReachTheModelAndTheMetrics
  ShamMovement.ZeroAmplitudeReproducesTheStaticProtocolExactly)
# (ctest's include files know set_tests_properties, not set_property APPEND: one LABELS value per test.)
foreach(name IN LISTS FASCIA_SANITIZER_SKIP)
  set_tests_properties(${name} PROPERTIES LABELS "sanitizer_skip;slow")
endforeach()
foreach(name IN LISTS FASCIA_SLOW)
  set_tests_properties(${name} PROPERTIES LABELS slow)
endforeach()
