"""The step objects and their verify(): true claims prove, false ones do not; the Python API's checks."""

from __future__ import annotations

import pytest
import sympy

from convcost.errors import ConvcostError
from convcost.proof import prove
from convcost.proof.derivation import derivation
from convcost.proof.steps import Condition, Equation, Equivalence, Inequality, claim, quotient
from convcost.proof.symbols import Dk, M, N

C = claim("test")


def test_equation_verifies_identities_only():
    assert Equation(key="t", claim=C, lhs=(M + N) ** 2, rhs=M**2 + 2 * M * N + N**2).verify()
    assert not Equation(key="t", claim=C, lhs=(M + N) ** 2, rhs=M**2 + N**2).verify()
    assert Equation(key="t", claim=C, lhs=quotient(M * N, N), rhs=M).verify()
    assert not Equation(key="t", claim=C, lhs=1 / N + 1 / M, rhs=2 / (M + N)).verify()


def test_quotient_keeps_its_written_form():
    q = quotient(M * N, N * Dk)
    assert q.doit() - M / Dk == 0
    assert sympy.srepr(q) != sympy.srepr(M / Dk)  # not cancelled until evaluated


def test_inequality_needs_a_proof_for_all_positive_integers():
    assert Inequality(key="t", claim=C, lhs=1 + 1 / N, rhs=sympy.Integer(1)).verify()
    assert not Inequality(key="t", claim=C, lhs=N, rhs=sympy.Integer(1)).verify()  # false at N = 1
    assert Inequality(key="t", claim=C, lhs=N, rhs=sympy.Integer(1)).decide() is None
    assert Inequality(key="t", claim=C, lhs=N, rhs=N + 1).decide() is False


def test_equivalence_needs_identity_and_positive_factor():
    left = Condition(M * N, "<", M * N + M * (N - 1))
    right = Condition(N, ">", sympy.Integer(1))
    assert Equivalence(key="t", claim=C, lhs=left, rhs=right, factor=M).verify()
    assert not Equivalence(key="t", claim=C, lhs=left, rhs=right, factor=2 * M).verify()  # wrong identity
    flipped = Condition(M * N + M * (N - 1), "<", M * N)
    assert not Equivalence(key="t", claim=C, lhs=flipped, rhs=right, factor=-M).verify()  # factor < 0


def test_condition_rejects_unknown_operators():
    with pytest.raises(ValueError):
        Condition(M, ">=", N)


def test_every_general_step_verifies():
    for section in derivation(bias=True, multipliers=True):
        for step in section.steps:
            assert step.verify(), step.key


def test_step_keys_are_unique():
    keys = [s.key for section in derivation(bias=True, multipliers=True) for s in section.steps]
    assert len(keys) == len(set(keys))


def test_api_rejects_bad_values():
    with pytest.raises(ConvcostError, match="unknown dimension 'K'"):
        prove({"K": 3})
    for bad in (0, -2, True, 1.5, "3"):
        with pytest.raises(ConvcostError, match="must be a positive integer"):
            prove({"N": bad})


def test_api_result_is_plain_data():
    proof = prove({"Dk": 3, "Dkp": 3, "N": 512})
    assert proof.verified and not proof.failed
    assert proof.ratio == sympy.Rational(521, 4608)
    assert proof.saving == sympy.Rational(4608, 521)
    assert proof.cheaper is True
    assert [s.number for s in proof.steps][:3] == ["1.1", "1.2", "2.1"]


def test_public_api_entry_point():
    import convcost

    assert convcost.prove().verified
