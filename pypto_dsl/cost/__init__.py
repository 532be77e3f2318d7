"""The cost model: predicted time of a lowered, planned and synced kernel on one golden case.

Modules, in pipeline order: params (the published figures, each with its source), rules (what
one instruction costs: the op table's `cost` key applied to the parameters), stream (the
instructions each core issues for one logical block, walked with the case's real scalars),
schedule (one cluster: in-order queue per hardware pipe, flags as edges, FIFO slots,
cross-core latency), model (the grid on the hardware blocks, HBM shared between clusters, one
simulation per distinct work signature), report, trace (Chrome trace-event JSON), plot
(matplotlib swimlane), tune (the specialisation and depth choices ranked), command (the
`profile` and `tune` subcommands).

This package's __init__ imports nothing: the platform table names the parameter sets
(params.py, plain data) without `check` or `compile` loading the model.
"""
