"""`convcost check`: shape consistency, budgets, expectations and lints over a loaded network.

The pieces, each small and pure: `findings` (the plain data every check produces), `decide` (a
budget over symbolic vars: proven, refuted with a witness, or undecided), `consistency` (shape
inconsistencies and strides that drop input), `targets` (budgets and expectations) and `lint`.
The entry point that runs them all is `run.check`. Renderers live in `convcost.render.findings_*`.
"""
