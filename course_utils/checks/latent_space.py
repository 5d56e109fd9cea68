"""Checks for notebook 06, the latent space: interpolating codes, nearest neighbours, principal angles."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from scipy.linalg import subspace_angles

from course_utils.checks._core import ExerciseError, answer_tensor, call_student, confirm, matches, skips_unsolved


@skips_unsolved
def check_interpolation(interpolate: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> None:
    """Check that interpolate(z_a, z_b, steps) returns the straight path from z_a to z_b; returns None."""
    z_a, z_b = torch.tensor([0.0, 1.0, -2.0]), torch.tensor([4.0, -1.0, 2.0])
    path = call_student(interpolate, z_a, z_b, 5, what="interpolate",
                        hint="It was given two codes of shape (3,) and steps=5.")
    if not isinstance(path, torch.Tensor):
        raise ExerciseError(f"interpolate should return a torch tensor, but it returned a {type(path).__name__}.")
    path = answer_tensor(path, "interpolate's path")
    if tuple(path.shape) != (5, 3):
        raise ExerciseError(f"interpolate(z_a, z_b, 5) for codes of size 3 has shape {tuple(path.shape)}, "
                            "expected (steps, latent_dim) = (5, 3): one row per step.")
    if not (matches(path[0], z_a, atol=1e-5) and matches(path[-1], z_b, atol=1e-5)):
        raise ExerciseError("The path should start at z_a and end at z_b: let t run from 0 to 1 with both ends "
                            "included, e.g. torch.linspace(0, 1, steps).")
    expected = z_a + torch.linspace(0, 1, 5).unsqueeze(1) * (z_b - z_a)  # (5, 3)
    if not matches(path, expected, atol=1e-5):
        raise ExerciseError("The ends are right but the steps are not evenly spaced on the straight line "
                            "z(t) = (1 - t) z_a + t z_b.")
    confirm("interpolate walks from z_a to z_b in evenly spaced steps.")


@skips_unsolved
def check_nearest_neighbours(nearest_neighbours: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> None:
    """Check that nearest_neighbours(z_query, z_bank, m) returns the m nearest rows' indices, nearest first."""
    generator = torch.Generator().manual_seed(0)
    z_bank = torch.randn(50, 4, generator=generator)  # (50, 4)
    z_query = torch.randn(3, 4, generator=generator)  # (3, 4)
    result = call_student(nearest_neighbours, z_query, z_bank, 5, what="nearest_neighbours",
                          hint="It was given z_query of shape (3, 4), z_bank of shape (50, 4) and m=5.")
    if not isinstance(result, torch.Tensor):
        raise ExerciseError(f"nearest_neighbours should return a torch tensor, got a {type(result).__name__}.")
    if tuple(result.shape) != (3, 5):
        raise ExerciseError(f"For 3 queries and m=5 the result has shape {tuple(result.shape)}, expected (3, 5).")
    if result.is_floating_point():
        raise ExerciseError("Return the indices of the neighbours (integers), not their distances: "
                            "use the .indices of topk.")
    distances = torch.cdist(z_query, z_bank)  # (3, 50)
    expected = distances.topk(5, dim=1, largest=False).indices  # (3, 5)
    if matches(result, expected.flip(1), atol=0):
        raise ExerciseError("You return the right neighbours but farthest first: sort nearest first.")
    if not matches(result, expected, atol=0):
        if matches(result, distances.topk(5, dim=1).indices, atol=0):
            raise ExerciseError("These are the farthest codes: pass largest=False to topk.")
        raise ExerciseError("Some indices are not the nearest rows of z_bank by Euclidean distance "
                            "(torch.cdist(z_query, z_bank) gives all distances, shape (Q, B)).")
    confirm("nearest_neighbours returns the m nearest codes, nearest first.")


@skips_unsolved
def check_principal_angles(principal_angles: Callable[..., object]) -> None:
    """Check that principal_angles(a, b) returns the principal angles in degrees, ascending; returns None."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20, 3))  # (20, 3): columns span a 3-D subspace, not orthonormal on purpose
    b = a @ rng.normal(size=(3, 3)) + 0.3 * rng.normal(size=(20, 3))  # a tilted version of it
    clip = "Clip the cosines to [-1, 1] before np.arccos: rounding can push them just past 1."
    hint = "It was given two bases a and b of shape (20, 3)."
    result = answer_tensor(call_student(principal_angles, a, b, what="principal_angles", hint=hint),
                           "principal_angles(a, b)", hint=clip)
    expected = np.sort(np.degrees(subspace_angles(a, b)))  # (3,)
    if tuple(result.shape) != expected.shape:
        raise ExerciseError(f"Got shape {tuple(result.shape)}, expected {expected.shape}: one angle per dimension k.")
    if matches(result, np.radians(expected), atol=1e-4):
        raise ExerciseError("These are radians: convert with np.degrees.")
    if matches(result.sort().values, expected, atol=1e-4) and not matches(result, expected, atol=1e-4):
        raise ExerciseError("The angles are right but not sorted from smallest to largest: use np.sort.")
    if not matches(result, expected, atol=1e-4):
        raise ExerciseError(f"Expected {np.round(expected, 3)} degrees, got {np.round(result.numpy(), 3)}. "
                            "Did you orthonormalise both bases with np.linalg.qr before the SVD of Q1.T @ Q2?")
    same = call_student(principal_angles, a, a @ rng.normal(size=(3, 3)), what="principal_angles", hint=hint)
    if not matches(same, np.zeros(3), atol=1e-3):
        raise ExerciseError("Two bases of the same subspace should give angles of 0 degrees; clip the cosines "
                            "to [-1, 1] before np.arccos.")
    confirm("principal_angles matches scipy.linalg.subspace_angles.")
