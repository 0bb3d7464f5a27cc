//! Nothing here: the comparison is the `policy_vm` bench.
