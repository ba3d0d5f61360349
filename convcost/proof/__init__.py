"""`convcost prove`: the standard-versus-separable derivation as data that verifies itself.

- `symbols`: the symbols and what they mean;
- `formulas`: convcost's cost formulas over those symbols (the ones `analyze` runs), and the forms
  the derivation rewrites them into;
- `steps`: the kinds of step (equation, inequality, equivalence), each proved by sympy;
- `derivation`: the sections of steps;
- `verify`: numbers put in, every step checked, the results (`prove`, `Proof`);
- `layer`: `--layer`, the numbers of one analyzed layer and the agreement with `analyze`.

Everything here imports sympy; the printers are in convcost.render (proof_*).
"""

from .layer import prove_layer
from .verify import CheckedSection, CheckedStep, LayerRef, Proof, prove

__all__ = ["CheckedSection", "CheckedStep", "LayerRef", "Proof", "prove", "prove_layer"]
