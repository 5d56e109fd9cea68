"""Tests for course_utils.claims: the run settings from the environment and the asserted, or recorded, claims."""

import json

import pytest
import torch

from course_utils.claims import RunSettings, assert_claim, run_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Start every test from the defaults: no seed, fraction or claims file in the environment."""
    for name in ("COURSE_SEED", "COURSE_TRAIN_FRACTION", "COURSE_CLAIMS_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_seed_0_and_all_the_data_and_print_nothing(capsys, monkeypatch):
    assert run_settings() == RunSettings(seed=0, train_fraction=1.0)
    monkeypatch.setenv("COURSE_SEED", "  ")  # empty or blank counts as unset
    monkeypatch.setenv("COURSE_TRAIN_FRACTION", "")
    assert run_settings() == (0, 1.0)
    assert capsys.readouterr().out == ""


def test_settings_are_read_from_the_environment_and_announced(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_SEED", " 2 ")
    monkeypatch.setenv("COURSE_TRAIN_FRACTION", "0.5")
    settings = run_settings()
    assert settings == RunSettings(seed=2, train_fraction=0.5)
    assert isinstance(settings.seed, int) and isinstance(settings.train_fraction, float)
    out = capsys.readouterr().out
    assert "seed 2 (COURSE_SEED)" in out and "50% of the training images" in out


@pytest.mark.parametrize(("text", "shown"), [("abc", "'abc'"), ("-1", "-1"), ("1.5", "'1.5'")])
def test_a_bad_seed_says_what_was_expected_and_given(monkeypatch, text, shown):
    monkeypatch.setenv("COURSE_SEED", text)
    with pytest.raises(ValueError, match=f"COURSE_SEED must be a non-negative integer, got {shown}"):
        run_settings()


@pytest.mark.parametrize(("text", "shown"), [("0", "got 0"), ("1.5", "got 1.5"), ("x", "got 'x'"), ("-0.5", "got -0.5"),
                                             ("nan", "got nan")])
def test_a_bad_fraction_says_what_was_expected_and_given(monkeypatch, text, shown):
    monkeypatch.setenv("COURSE_TRAIN_FRACTION", text)
    with pytest.raises(ValueError, match=rf"COURSE_TRAIN_FRACTION must be a (finite )?number.*{shown}"):
        run_settings()


def test_a_claim_that_holds_is_printed(capsys):
    assert_claim("AE error / PCA error at k = 8", 0.8123, below=0.95)
    assert_claim("accuracy", torch.tensor(0.9), above=0.75)  # a 1-element tensor is a number
    out = capsys.readouterr().out
    assert "Claim holds: AE error / PCA error at k = 8 = 0.8123 (< 0.95)" in out
    assert "Claim holds: accuracy = 0.9 (> 0.75)" in out


def test_a_failing_claim_raises_with_its_name_value_and_bound():
    with pytest.raises(AssertionError, match=r"AE error / PCA error = 1\.02, expected < 0\.95"):
        assert_claim("AE error / PCA error", 1.02, below=0.95)
    with pytest.raises(AssertionError, match=r"accuracy = 0\.7, expected > 0\.75"):
        assert_claim("accuracy", 0.7, above=0.75)
    with pytest.raises(AssertionError):  # the bound itself does not hold: the claims are strict
        assert_claim("ratio", 0.95, below=0.95)


def test_with_a_claims_file_every_claim_is_recorded_and_none_raises(tmp_path, monkeypatch, capsys):
    record_file = tmp_path / "claims.jsonl"
    monkeypatch.setenv("COURSE_CLAIMS_FILE", str(record_file))
    assert_claim("ratio", 0.8, below=0.95)
    assert_claim("accuracy", 0.7, above=0.75)  # fails: recorded, not raised
    records = [json.loads(line) for line in record_file.read_text().splitlines()]
    assert records == [
        {"claim": "ratio", "value": 0.8, "direction": "<", "bound": 0.95, "holds": True},
        {"claim": "accuracy", "value": 0.7, "direction": ">", "bound": 0.75, "holds": False},
    ]
    assert "Claim FAILS (recorded, not raised): accuracy = 0.7, expected > 0.75" in capsys.readouterr().out


def test_bad_arguments_name_the_claim_and_what_was_given():
    with pytest.raises(ValueError, match=r"exactly one of below= and above= for claim 'r', got below=1, above=2"):
        assert_claim("r", 0.5, below=1, above=2)
    with pytest.raises(ValueError, match="exactly one of below= and above="):
        assert_claim("r", 0.5)
    with pytest.raises(ValueError, match=r"the value of claim 'r' must be a finite number, got nan"):
        assert_claim("r", float("nan"), below=1.0)
    with pytest.raises(TypeError, match=r"the value of claim 'r' must be a finite number, got '0.5'"):
        assert_claim("r", "0.5", below=1.0)
    with pytest.raises(ValueError, match=r"the bound of claim 'r' must be a finite number, got inf"):
        assert_claim("r", 0.5, below=float("inf"))
    for name in ("", "   ", None):
        with pytest.raises(TypeError, match="name must be a non-empty string"):
            assert_claim(name, 0.5, below=1.0)
