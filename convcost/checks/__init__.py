"""`convcost check`: shape consistency, budgets, expectations and lints over a layer file.

The pieces, each small and pure: `findings` (the plain data every check produces), `quantity`
(SI counts such as 600M, exact), `decide` (a budget over symbolic vars: proven, refuted with a
witness, or undecided), `shapes`, `targets` (budgets and expectations) and `lint`. The entry point
that runs them all is `convcost.analysis.check.check`. Renderers live in `convcost.render.findings*`.
"""
