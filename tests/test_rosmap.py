"""Unit tests of load_rosmap in helpers.data (chapter 7): the ROSMAP loader and what it says about bad files."""

import gzip
import shutil

import numpy as np
import pytest

from helpers.data import ROSMAP_VIEWS, _default_folder, load_rosmap


@pytest.fixture(scope="module")
def rosmap():
    return load_rosmap()


@pytest.fixture
def copy(tmp_path):
    """A writable copy of the shipped files, to damage one at a time."""
    folder = tmp_path / "rosmap"
    shutil.copytree(_default_folder(), folder)
    return folder


def _write(path, lines):
    with gzip.open(path, "wt") as f:
        f.write("\n".join(lines) + "\n")


def _read(path):
    with gzip.open(path, "rt") as f:
        return f.read().splitlines()


def test_shapes_names_and_split(rosmap):
    assert tuple(rosmap["views"]) == ROSMAP_VIEWS == ("mRNA", "methylation", "miRNA")
    for name, X in rosmap["views"].items():
        assert X.shape == (351, 200) and X.dtype == np.float64
        assert np.isfinite(X).all()
        assert len(rosmap["feature_names"][name]) == 200
    assert rosmap["y"].shape == (351,) and set(np.unique(rosmap["y"])) == {0, 1}
    train, test = rosmap["train"], rosmap["test"]
    assert len(train) == 245 and len(test) == 106
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(351))
    # the README's class counts: 118 NC / 127 AD in training, 51 NC / 55 AD in test
    assert np.bincount(rosmap["y"][train]).tolist() == [118, 127]
    assert np.bincount(rosmap["y"][test]).tolist() == [51, 55]
    assert rosmap["label_names"] == ("NC", "AD")


def test_feature_names_are_the_published_ids(rosmap):
    names = rosmap["feature_names"]
    assert all(n.startswith("ENSG") for n in names["mRNA"])
    assert all(n.startswith("cg") for n in names["methylation"])
    # human miRNAs (hsa-) and a few viral ones (ebv-, hcmv-, ...) measured on the array
    assert all("-miR-" in n or "-let-7" in n for n in names["miRNA"])


def test_files_ship_with_licence_and_attribution():
    folder = _default_folder()
    assert "MIT License" in (folder / "LICENSE.MOGONET").read_text()
    readme = (folder / "README.md").read_text()
    assert "MOGONET" in readme and "10.1038/s41467-021-23774-w" in readme


def test_reads_a_copy_given_by_folder(copy, rosmap):
    again = load_rosmap(copy)
    for name in ROSMAP_VIEWS:
        np.testing.assert_array_equal(again["views"][name], rosmap["views"][name])
    np.testing.assert_array_equal(again["y"], rosmap["y"])


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_rosmap(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "name", ["1_tr.csv.gz", "2_te.csv.gz", "3_featname.csv.gz", "labels_te.csv.gz"]
)
def test_missing_file_is_named(copy, name):
    (copy / name).unlink()
    with pytest.raises(FileNotFoundError, match=name):
        load_rosmap(copy)


def test_wrong_column_count_is_named(copy):
    lines = _read(copy / "2_tr.csv.gz")
    lines[3] = ",".join(lines[3].split(",")[:-1])  # one value short on one row
    _write(copy / "2_tr.csv.gz", lines)
    with pytest.raises(ValueError, match="2_tr.csv.gz"):
        load_rosmap(copy)


def test_all_rows_short_disagree_with_feature_names(copy):
    lines = [",".join(row.split(",")[:-1]) for row in _read(copy / "3_te.csv.gz")]
    _write(copy / "3_te.csv.gz", lines)
    with pytest.raises(ValueError, match=r"3_te.csv.gz.*199.*200"):
        load_rosmap(copy)


def test_non_numeric_value_is_named(copy):
    lines = _read(copy / "1_te.csv.gz")
    lines[0] = "abc," + lines[0].split(",", 1)[1]
    _write(copy / "1_te.csv.gz", lines)
    with pytest.raises(ValueError, match="1_te.csv.gz"):
        load_rosmap(copy)


def test_label_row_mismatch_names_both_files(copy):
    _write(copy / "labels_tr.csv.gz", _read(copy / "labels_tr.csv.gz")[:-1])
    with pytest.raises(
        ValueError, match=r"1_tr.csv.gz has 245 patients but labels_tr.csv.gz has 244"
    ):
        load_rosmap(copy)


def test_labels_other_than_0_and_1(copy):
    lines = _read(copy / "labels_te.csv.gz")
    lines[0] = "2"
    _write(copy / "labels_te.csv.gz", lines)
    with pytest.raises(ValueError, match="labels_te.csv.gz.*0 or 1"):
        load_rosmap(copy)


def test_not_gzip(copy):
    (copy / "3_tr.csv.gz").write_bytes(b"this is not a gzip file")
    with pytest.raises(ValueError, match="3_tr.csv.gz"):
        load_rosmap(copy)


def test_views_disagree_on_patients(copy):
    _write(copy / "1_tr.csv.gz", _read(copy / "1_tr.csv.gz")[:-1])
    with pytest.raises(ValueError, match="1_tr.csv.gz"):
        load_rosmap(copy)


def test_missing_values_are_kept_as_nan(copy):
    lines = _read(copy / "3_tr.csv.gz")
    lines[0] = "nan," + lines[0].split(",", 1)[1]
    _write(copy / "3_tr.csv.gz", lines)
    X = load_rosmap(copy)["views"]["miRNA"]
    assert np.isnan(X[0, 0]) and np.isfinite(X[1:]).all()
