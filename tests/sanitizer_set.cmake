# SPDX-License-Identifier: MIT
# The focused sanitizer suite (FASCIA_TEST_SET=sanitizer, the `asan` preset, `make sanitize`, run by
# .ci/run): the test files that put what the issue asks under AddressSanitizer + UndefinedBehaviorSanitizer
# within CI's time budget (docs/testing.md gives the timings): the parsers, HDF5 writing and reading
# (and their faults: disk full, a second writer), resume and signals through the CLI, the element
# contract suite (every element group's energy, force and Hessian), and a short run of each protocol
# family (every kind, both engines; the resume families add Biot water, a sliding ball and
# elastography). The `asan` test preset leaves out three of these tests to keep CI within budget, each
# of which repeats under the sanitizers what another test there covers: Cli.ValidateEachExample (model
# building for every example; the short runs build each family's), and the two Resume tests beside
# Resume.AKilledOrStoppedRunResumesBitForBit (a second resume through `compare`, a refused resume).
# The whole suite under the same sanitizers: `make sanitize-all`.
set(FASCIA_TEST_SOURCES
  io/test_scenario_toml.cpp
  io/test_toml_screen.cpp
  io/test_run_writer.cpp
  cli/test_cli.cpp
  cli/test_cli_validity.cpp
  cli/test_cli_output_safety.cpp
  cli/test_cli_signals.cpp
  cli/test_cli_resume.cpp
  cli/test_resume_families.cpp
  elements/test_element_contract.cpp
  protocol/test_every_kind_short.cpp)
list(TRANSFORM FASCIA_TEST_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
