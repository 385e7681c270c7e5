"""Tests of helpers.setup_check (chapter 0)."""

import pytest

from helpers import setup_check


def test_expected_versions_reads_lock(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# comment\nTorch==2.13.0\nscikit_learn==1.9.1  # pinned\n--find-links x\n\n"
    )
    assert setup_check._expected_versions(lock) == {
        "torch": "2.13.0",
        "scikit-learn": "1.9.1",
    }


def test_expected_versions_rejects_ranges(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text("torch>=2\n")
    with pytest.raises(ValueError, match="exact pin"):
        setup_check._expected_versions(lock)


def test_expected_versions_missing_file(tmp_path):
    assert setup_check._expected_versions(tmp_path / "nope.txt") == {}


def test_repository_lock_pins_every_required_package():
    pins = setup_check._expected_versions()
    for _, dist in setup_check.REQUIRED:
        assert dist.lower().replace("_", "-") in pins


def test_check_packages_reports_missing_and_mismatch():
    rows = setup_check.check_packages(
        required=[("numpy", "numpy"), ("not_a_real_module_xyz", "not-a-real-dist")],
        expected={"numpy": "0.0.1"},
    )
    assert rows[0]["status"] == "different version"
    assert rows[1]["status"] == "missing"
    assert "make lab" in rows[1]["fix"]
    report = setup_check.format_report(rows)
    assert "2 package(s) need attention" in report
    assert "not-a-real-dist" in report


@pytest.mark.lock
def test_check_packages_all_ok_in_course_environment():
    rows = setup_check.check_packages()
    assert [r["status"] for r in rows] == ["ok"] * len(rows), setup_check.format_report(
        rows
    )
    assert setup_check.format_report(rows).endswith("at the locked versions.")


def test_hardware_summary_keys():
    summary = setup_check.hardware_summary()
    assert {"python", "cpu cores", "torch threads", "gpu visible"} <= set(summary)


def test_smoke_train_passes_and_validates():
    result = setup_check.smoke_train(num_epochs=60)
    assert result["passed"], result
    assert result["last_loss"] < result["first_loss"]
    with pytest.raises(ValueError, match="num_epochs"):
        setup_check.smoke_train(num_epochs=0)


def test_smoke_train_fails_honestly_when_untrained(monkeypatch):
    """With optimiser steps that change nothing, 60 epochs must not count as a pass."""
    import torch

    monkeypatch.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)
    result = setup_check.smoke_train(num_epochs=60)
    assert not result["passed"], result
    assert result["message"] != "smoke training passed"
