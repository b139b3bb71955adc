# SPDX-License-Identifier: MIT
"""Python papercuts: a wrong type on a spec attribute is an InputError naming the key; results and
summaries print readably; a missing or non-HDF5 file is a clear error naming the path."""
import pytest

import fascia
import fascia.io as fio


@pytest.mark.parametrize("section, key, value", [("tissue", "water", "wet"), ("geometry", "size_mm", 3),
                                                 ("solver", "threads", "many")])
def test_wrong_type_is_an_input_error_naming_the_key(tiny, section, key, value):
    with pytest.raises(fascia.InputError, match=rf"^{section}\.{key}: expected a value like .*, got") as e:
        setattr(getattr(tiny, section), key, value)
    assert e.value.key == f"{section}.{key}"
    assert not isinstance(e.value, TypeError)


def test_wrong_type_on_a_protocol_names_the_protocol(tiny):
    with pytest.raises(fascia.InputError, match=r"^protocol\.tap\.force_n: expected a value like 0.5, got 'x' \(str\)"):
        tiny.protocol("tap").force_n = "x"
    tiny.protocol("tap").force_n = 0.25  # the right type still assigns
    assert tiny.protocol("tap").force_n == 0.25


def test_reprs_say_what_a_person_wants_to_know(tiny_run):
    summary = fascia.read_summary(str(tiny_run))
    text = repr(summary)
    assert "tap: complete" in text and "frames" in text and "nodes=" in text
    assert "work_input_j" in repr(summary.runs[0])
    run = fio.read_run(tiny_run)
    text = repr(run)
    assert text.startswith("Run('tap'") and "frames x" in text and "work_input_j" in text
    assert len(text) < 2000  # no array dumps
    assert "nodes" in repr(fio.read_model(tiny_run))


def test_missing_and_non_hdf5_files_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        fio.open(tmp_path / "missing.h5")
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    with pytest.raises(fascia.InputError, match="not an HDF5 file"):
        fio.read_run(text)
    with pytest.raises(fascia.InputError, match="notes.h5"):
        fascia.read_summary(str(text))
