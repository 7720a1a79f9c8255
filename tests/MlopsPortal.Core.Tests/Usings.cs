// Test collections run one at a time inside this assembly: they share the 2-core machine with the other test assemblies.
[assembly: CollectionBehavior(DisableTestParallelization = false, MaxParallelThreads = 2)]
